"""The `openstaand` artifact: the overview in Markdown, late rondes marked, links into the Prefect UI and to the
review page, and whatever people typed escaped so that a name never becomes a link, an image or markup."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from markdown_it import MarkdownIt
from sqlmodel import select

from engine.bewaking import bewaking
from engine.overzicht import Inhaalronde, Openstaand, Termijn, openstaand, ronde_tabel, veilig
from engine.personen import PersoonInvoer, importeer
from engine.registers import invoer
from engine.rondes import start_ronde
from flows.overzicht import Links, als_markdown
from models.tabellen import Persoon
from models.werkdagen import TIJDZONE

NU = datetime(2027, 5, 19, 10, 0, tzinfo=TIJDZONE)
KWAADAARDIG = ["[klik](javascript:alert(1))", '"><img src=x onerror=alert(1)>', "![x](http://kwaad.example/p.png)"]
LINKS = Links(ui="", web="http://127.0.0.1:8000", formulieren={})


def om(tekst: str) -> datetime:
    return datetime.fromisoformat(tekst).replace(tzinfo=TIJDZONE)


def als_html(markdown: str) -> str:
    """Rendered as a permissive Markdown renderer would (raw HTML allowed): the worst case for the UI."""
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def importeer_personen(session, *personen: tuple[str, list[str]]) -> list[Persoon]:
    invoer = [
        PersoonInvoer(extern_id=f"K{i}", naam=naam, email=f"k{i}@example.org", rollen=rollen)
        for i, (naam, rollen) in enumerate(personen)
    ]
    importeer(session, invoer, om("2027-01-04T08:00"))
    session.flush()
    return list(session.exec(select(Persoon).order_by(Persoon.extern_id)))


def test_markdown_injection_in_names_is_escaped_in_every_artifact(session, catalogus):
    personen = importeer_personen(
        session, *((naam, ["statenlid", "cvdk"]) for naam in KWAADAARDIG), ("Greet", ["statengriffie"])
    )
    for p in personen[:3]:
        p.onbestelbaar = True
    ronde = start_ronde(
        session=session, catalogus=catalogus, proces=catalogus.proces("agendering-integriteit-ps"), nu=NU
    ).ronde
    invoer.melding(
        session,
        catalogus=catalogus,
        persoon_id=personen[0].id,
        register="geschenken",
        invoer=[{"omschrijving": "Boek", "gever": "X", "datum": "2027-05-01", "geschatte_waarde": "20"}],
        nu=NU,
        kanaal="web",
    )
    overzicht = openstaand(session, catalogus=catalogus, nu=NU)
    assert overzicht.bevestigingen[0].wie and overzicht.onbestelbaar  # the names are there to escape
    pagina = als_html(als_markdown(overzicht, LINKS))
    cellen = " ".join(als_html(str(waarde)) for rij in ronde_tabel(session, ronde) for waarde in rij.values())
    for html in (pagina, cellen):
        assert "<img" not in html
        assert set(re.findall(r'href="([^"]*)"', html)) <= {"http://127.0.0.1:8000/beoordelen"}  # only our own link
    assert "[klik](javascript:alert(1))" in pagina  # the name is still there, as plain text


def start(session, catalogus, proces: str, moment: str) -> None:
    start_ronde(session=session, catalogus=catalogus, proces=catalogus.proces(proces), nu=om(moment))


def test_the_artifact_marks_a_late_ronde_and_links_to_the_waiting_form(session, catalogus):
    importeer_personen(session, ("Karel Koning", ["cvdk"]), ("Tim", ["teamleider"]))
    start(session, catalogus, "agendering-integriteit-ps", "2027-05-18T09:30")  # waits for the cvdK's date
    start(session, catalogus, "integriteit-in-werkoverleg", "2027-03-01T09:30")  # deadline 1 June
    overzicht = openstaand(session, catalogus=catalogus, nu=om("2027-06-03T07:00"))  # before the day's watch
    wacht = overzicht.bevestigingen[0].ronde.id

    tekst = als_markdown(overzicht, Links(ui="", web="http://127.0.0.1:8000", formulieren={wacht: "run-1"}))

    assert tekst.startswith("# Openstaand op donderdag 3 juni 2027 om 07:00\n")
    te_laat = (
        "| **Te laat:** Integriteit op de agenda van het werkoverleg |  | **dinsdag 1 juni 2027, 2 dagen te laat** |"
    )
    assert te_laat in tekst
    assert (
        "te bevestigen door Commissaris van de Koning: Karel Koning; deadline dinsdag 15 juni 2027, nog 12 dagen"
        in (tekst)
    )
    assert "[open het formulier](/v2/runs/flow-run/run-1), dan ⋮ rechtsboven en *Resume*" in tekst
    assert "`integriteit bevestig agendering-integriteit-ps --stap overleg-fractievoorzitters --datum JJJJ-MM-DD`" in (
        tekst
    )


def test_the_artifact_links_a_ronde_closed_with_people_who_never_answered_to_its_table(session, catalogus):
    importeer_personen(session, ("Anna", ["statenlid"]), ("Bert", ["statenlid"]))
    start(session, catalogus, "geschenken-statenleden", "2027-04-01T09:00")  # deadline 22 April
    bewaking(session=session, catalogus=catalogus, nu=om("2027-04-23T08:00"))

    overzicht = openstaand(session, catalogus=catalogus, nu=om("2027-04-23T09:00"))
    tekst = als_markdown(overzicht, LINKS)
    met_tabel = als_markdown(overzicht, replace(LINKS, tabellen={"ronde-geschenken-statenleden-2027-04-01": "a-1"}))

    assert (
        "- Opgave ontvangen geschenken Statenleden, gesloten op vrijdag 23 april 2027: 2 van 2 niet geantwoord "
        "([wie](/v2/artifacts/key/ronde-geschenken-statenleden-2027-04-01))" in tekst
    )
    assert "([wie](/v2/artifacts/artifact/a-1))" in met_tabel  # its latest version, when Prefect told which


def leeg(**velden) -> Openstaand:
    return Openstaand(
        **{
            "moment": NU,
            "lopend": [],
            "bevestigingen": [],
            "onbeantwoord": [],
            "gemist": [],
            "voorstellen": [],
            "beoordelen": 0,
            "onbestelbaar": [],
            "fouten": [],
        }
        | velden
    )


def test_missed_rondes_are_listed_with_the_command_that_starts_them_with_a_full_termijn():
    def gemist(proces: str, titel: str, gepland: date, deadline: date) -> Inhaalronde:
        return Inhaalronde(proces, titel, None, gepland, Termijn(deadline, NU.date()), (deadline - gepland).days)

    tekst = als_markdown(
        leeg(
            gemist=[
                gemist("geschenken-gs", "Opgave geschenken GS", date(2027, 4, 1), date(2027, 4, 22)),
                gemist("nevenfuncties-gs", "Nevenfuncties GS", date(2027, 5, 3), date(2027, 5, 31)),
            ]
        ),
        LINKS,
    )

    binnen, verstreken = tekst.split("### Nog binnen de termijn")[1].split("### Deadline verstreken")
    assert (
        "- Nevenfuncties GS: gepland op maandag 3 mei 2027, deadline maandag 31 mei 2027 (nog 12 van de 28 dagen): "
        "`integriteit ronde start nevenfuncties-gs`" in binnen
    )
    assert (
        "- Opgave geschenken GS: gepland op donderdag 1 april 2027, deadline donderdag 22 april 2027: "
        "`integriteit ronde start geschenken-gs`" in verstreken
    )
    assert "*Run* > *Custom run*, `alsnog` aan" in tekst


def test_a_proces_that_failed_in_the_last_watch_is_named_with_its_reason_escaped():
    reden = "sjabloon eigen/herinnering.txt.j2, regel 1: onbekende variabele 'jaar'"
    tekst = als_markdown(leeg(fouten=[("b-kapot", reden)]), LINKS)
    assert "## Processen met een fout\n\nDe laatste bewaking" in tekst
    assert f"- {veilig('b-kapot')}: {veilig(reden)}\n" in tekst
