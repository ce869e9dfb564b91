"""The jaarverslag of a simulated year (the real engine on a simulated clock, with the demo organisation) plus
the coordinator's anonymous figures: every heading and figure of Bijlage 2, each with its source."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from markupsafe import escape
from sqlmodel import select

from engine import diensten
from engine.database import maak_engine
from engine.diensten import Omgeving, OngeldigJaarcijfer
from engine.simulator import simuleer_op
from models.instellingen import Instellingen
from models.jaarcijfers import CATEGORIEEN
from models.tabellen import Bericht
from models.werkdagen import TIJDZONE

pytestmark = pytest.mark.traag  # a simulated year: about 30 s
NU = datetime(2028, 2, 16, 10, 0, tzinfo=TIJDZONE)
KOPPEN = (
    "I. Kader",
    "II. Strategische/tactische managementparagraaf",
    "III. Kwalitatieve analyse",
    "IV. Cijfermatige analyse met inhoudelijke toelichtingen",
)


@pytest.fixture(scope="module")
def jaar(tmp_path_factory, catalogus):
    """2027 simulated (and January 2028, when inkoop delivers its overview), with two recorded figures."""
    map = tmp_path_factory.mktemp("jaarverslag")
    omg = Omgeving(maak_engine(f"sqlite:///{map / 'integriteit.db'}"), catalogus, Instellingen(smtp_host=None))
    diensten.importeer_personen(omg, bestand=None, nu=datetime(2026, 12, 31, 12, tzinfo=TIJDZONE))
    diensten.laad_demoregisters(omg, nu=datetime(2026, 12, 31, 12, tzinfo=TIJDZONE))
    simuleer_op(omg, van=date(2027, 1, 1), tot=date(2028, 1, 31), antwoordkans=0.8, zaad=3)
    for categorie, aantal, tekst in (
        ("melding-aantal", 2, "<b>Twee</b> meldingen via de vertrouwenspersoon"),
        ("trainingen", 5, "Dilemmasessies in vijf teams"),
    ):
        diensten.leg_jaarcijfer_vast(
            omg, jaar=2027, categorie=categorie, aantal=aantal, omschrijving=tekst, nu=NU, door=None
        )
    bestanden = diensten.schrijf_jaarverslag(omg, jaar=2027, map=map / "verslag", nu=NU)
    yield omg, {p.name: p.read_text(encoding="utf-8") for p in bestanden}
    omg.engine.dispose()


def _cijferrijen(html: str) -> list[str]:
    tabel = html.split('id="cijfers"')[1].split("</table>")[0]
    return re.findall(r"<tr>\s*<td>(.*?)</tr>", tabel, flags=re.S)


def test_every_heading_of_bijlage_2_with_marked_places_for_the_coordinator(jaar):
    omg, bestanden = jaar
    for naam in ("jaarverslag-2027.html", "jaarverslag-2027.md"):
        for kop in KOPPEN:
            assert kop in bestanden[naam], (naam, kop)
        assert bestanden[naam].count("In te vullen door de integriteitscoördinator") == 4
    medewerkers = omg.catalogus.proces("nevenfuncties-medewerkers")  # ran in January: pre-filled in section I
    assert str(escape(f"{medewerkers.titel} ({medewerkers.bron}): 1 ronde")) in bestanden["jaarverslag-2027.html"]


def test_every_figure_of_section_iv_is_there_with_its_source(jaar):
    _, bestanden = jaar
    html = bestanden["jaarverslag-2027.html"]
    rijen = _cijferrijen(html)
    onderwerpen = [
        "Aantal keer dat de ambtseed of -belofte is afgelegd",
        *CATEGORIEEN.values(),
        "Aantal afwijkingen van de inkoop- en aanbestedingsregels, met redenen",
        "Gemelde geschenken (bestuurders en medewerkers)",
        "Waarvan boven € 50, gemeld en ingeleverd",
    ]
    for onderwerp in onderwerpen:
        rij = next((r for r in rijen if r.startswith(str(escape(onderwerp)))), None)
        assert rij is not None, onderwerp
        assert re.search(r"<td>Bron: \w", rij), onderwerp
    ambtseed = next(r for r in rijen if r.startswith("Aantal keer dat de ambtseed"))
    assert int(re.findall(r"<td>(\d+)</td>", ambtseed)[0]) >= 0 and "proces &#39;ambtseed&#39;" in ambtseed
    meldingen = next(r for r in rijen if r.startswith("Meldingen van vermoedelijke misstanden: a."))
    assert "<td>2</td>" in meldingen and "&lt;b&gt;Twee&lt;/b&gt;" in meldingen
    assert "vastgelegd door de integriteitscoördinator (1 opgave" in meldingen
    assert "overzicht ontvangen" in next(r for r in rijen if r.startswith("Aantal afwijkingen van de inkoop"))
    assert bestanden["jaarverslag-2027.md"].count("| Bron") >= len(onderwerpen)


def test_the_response_to_every_register_ronde_and_the_progress_of_every_proces(jaar):
    omg, bestanden = jaar
    html = bestanden["jaarverslag-2027.html"]
    respons = html.split('id="respons"')[1].split("</table>")[0]
    rijen = re.findall(
        r"<tr><td>(.*?)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>", respons
    )
    assert any(r[0].startswith("Actualisatie nevenfuncties Statenleden, ") for r in rijen)
    for _, gevraagd, op_tijd, te_laat, niet, _ in rijen:
        assert int(gevraagd) == int(op_tijd) + int(te_laat) + int(niet)
    assert sum(int(r[5]) for r in rijen) > 0  # with an answer chance of 0.8, escalations happened
    voortgang = html.split('id="voortgang"')[1]
    for proces in omg.catalogus.processen:
        assert str(escape(proces.titel)) in voortgang, proces.id


def test_a_figure_is_anonymous_a_description_naming_a_person_is_refused(jaar):
    omg, _ = jaar
    with pytest.raises(OngeldigJaarcijfer, match="noemt een persoon"):
        diensten.leg_jaarcijfer_vast(
            omg, jaar=2027, categorie="klachten", aantal=1, omschrijving="Klacht over Tim Maas", nu=NU, door=None
        )
    with pytest.raises(OngeldigJaarcijfer, match="onbekende categorie"):
        diensten.leg_jaarcijfer_vast(omg, jaar=2027, categorie="roddels", aantal=1, omschrijving="", nu=NU, door=None)
    assert [c.categorie for c in diensten.jaarcijfers(omg, jaar=2027)] == ["melding-aantal", "trainingen"]


def test_the_eigenaars_task_in_february_links_the_draft_of_the_year_before(jaar):
    omg, _ = jaar
    start = diensten.start_ronde(
        omg, proces="jaarverslag-integriteit", nu=datetime(2028, 2, 15, 9, tzinfo=TIJDZONE), verzenden=False
    ).uitkomst
    with omg.werk() as s:
        [taak] = s.exec(select(Bericht).where(Bericht.ronde_id == start.ronde.id, Bericht.soort == "verzoek")).all()
    assert "/jaarverslag/2027/jaarverslag-2027.html" in taak.tekst and "/jaarcijfers?jaar=2027" in taak.tekst
    verslagjaar, markdown = diensten.concept_bij_ronde(omg, ronde_id=start.ronde.id, nu=NU)
    assert verslagjaar == 2027 and markdown.startswith("# Jaarverslag integriteit 2027")
