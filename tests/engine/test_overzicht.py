"""The coordinator's overview (`openstaand`): each proces by its title, deadlines in Dutch with the days left,
late rondes first, stappen that wait for a confirmation and who gives it, rondes closed with people who never
answered, missed rondes the watch left alone, proposals per eigenaar; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import select

from engine.antwoorden import Invoer, leg_vast
from engine.bewaking import bewaking
from engine.overzicht import Termijn, inhaalrondes, niet_geantwoord, openstaand
from engine.personen import DEMO, PersoonInvoer, importeer, lees_bestand
from engine.registers import invoer
from engine.rondes import op_tijd, start_ronde
from models.tabellen import Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE


def om(tekst: str) -> datetime:
    return datetime.fromisoformat(tekst).replace(tzinfo=TIJDZONE)


def persoon(nummer: int, naam: str, *rollen: str) -> PersoonInvoer:
    return PersoonInvoer(extern_id=f"T{nummer}", naam=naam, email=f"p{nummer}@demo.example", rollen=list(rollen))


ORGANISATIE = [
    *(persoon(i, f"Statenlid {i}", "statenlid") for i in range(1, 5)),
    persoon(10, "Greet Griffier", "statengriffie", "medewerker"),
    persoon(11, "Ida Coördinator", "integriteitscoordinator", "medewerker"),
    persoon(12, "Karel Koning", "cvdk"),
    *(persoon(i, f"Teamleider {i}", "teamleider", "medewerker") for i in range(20, 23)),
]


def org(session) -> None:
    importeer(session, ORGANISATIE, om("2027-01-01T08:00"))
    session.flush()


def start(session, catalogus, proces: str, moment: str) -> Ronde:
    return start_ronde(session=session, catalogus=catalogus, proces=catalogus.proces(proces), nu=om(moment)).ronde


def test_a_deadline_reads_in_dutch_with_the_days_left_or_how_late():
    vrijdag = date(2027, 3, 26)
    assert str(Termijn(vrijdag, date(2027, 3, 23))) == "vrijdag 26 maart 2027, nog 3 dagen"
    assert str(Termijn(vrijdag, date(2027, 3, 25))) == "vrijdag 26 maart 2027, nog 1 dag"
    assert str(Termijn(vrijdag, vrijdag)) == "vrijdag 26 maart 2027, vandaag"
    assert str(Termijn(vrijdag, date(2027, 3, 28))) == "vrijdag 26 maart 2027, 2 dagen te laat"
    assert Termijn(vrijdag, date(2027, 3, 28)).te_laat and not Termijn(vrijdag, vrijdag).te_laat


def test_each_proces_by_its_title_and_a_late_ronde_first_and_marked(session, catalogus):
    org(session)
    start(session, catalogus, "integriteit-in-werkoverleg", "2027-03-01T09:30")
    start(session, catalogus, "nevenfuncties-statenleden", "2027-03-01T09:30")

    # 31 March, before the day's watch: the nevenfuncties ronde's deadline (30 March) has passed, still lopend
    overzicht = openstaand(session, catalogus=catalogus, nu=om("2027-03-31T07:00"))

    assert [(r.titel, str(r.termijn), r.termijn.te_laat) for r in overzicht.lopend] == [
        ("Actualisatie nevenfuncties Statenleden", "dinsdag 30 maart 2027, 1 dag te laat", True),
        ("Integriteit op de agenda van het werkoverleg", "dinsdag 1 juni 2027, nog 62 dagen", False),
    ]
    assert (overzicht.lopend[0].beantwoord, overzicht.lopend[0].verzoeken) == (0, 4)


def test_a_stap_that_waits_for_a_confirmation_says_who_gives_it(session, catalogus):
    org(session)
    ronde = start(session, catalogus, "agendering-integriteit-ps", "2027-05-18T09:30")

    overzicht = openstaand(session, catalogus=catalogus, nu=om("2027-05-19T09:00"))

    [wacht] = overzicht.bevestigingen
    assert (wacht.ronde.id, wacht.titel, wacht.rol, wacht.wie) == (
        ronde.id,
        "Integriteit op de agenda van Provinciale Staten",
        "Commissaris van de Koning",
        ["Karel Koning"],
    )
    assert wacht.stap == "De cvdK overlegt met het fractievoorzittersconvent (datum van het overleg)"
    assert str(wacht.termijn) == "dinsdag 15 juni 2027, nog 27 dagen"
    assert overzicht.lopend == []  # listed once, where the coordinator acts on it


def test_a_ronde_closed_with_people_who_never_answered_is_listed_for_30_days_with_who(session, catalogus):
    org(session)
    ronde = start(session, catalogus, "geschenken-statenleden", "2027-04-01T09:00")
    token = session.exec(select(Verzoek.token).where(Verzoek.ronde_id == ronde.id).order_by(Verzoek.id)).first()
    leg_vast(
        session,
        catalogus=catalogus,
        antwoorden=[Invoer(token, kanaal="cli", geen_wijzigingen=True)],
        nu=om("2027-04-02T09:00"),
    )
    bewaking(session=session, catalogus=catalogus, nu=om("2027-04-23T08:00"))  # the day after the deadline

    [gesloten] = openstaand(session, catalogus=catalogus, nu=om("2027-04-23T09:00")).onbeantwoord
    assert (gesloten.titel, gesloten.gesloten, gesloten.ontbrekend, gesloten.verzoeken) == (
        "Opgave ontvangen geschenken Statenleden",
        date(2027, 4, 23),
        3,
        4,
    )
    wie = niet_geantwoord(session, catalogus=catalogus, ronde_id=ronde.id)
    assert wie.wie == [("Statenlid 2", "statenlid"), ("Statenlid 3", "statenlid"), ("Statenlid 4", "statenlid")]
    assert openstaand(session, catalogus=catalogus, nu=om("2027-05-24T09:00")).onbeantwoord == []
    assert niet_geantwoord(session, catalogus=catalogus, ronde_id=ronde.id + 1000) is None


def test_register_proposals_are_counted_per_eigenaar_with_who_holds_the_role(session, catalogus):
    org(session)
    lid = session.exec(select(Persoon).where(Persoon.extern_id == "T1")).one()
    for omschrijving in ("Boek", "Bloemen"):
        invoer.melding(
            session,
            catalogus=catalogus,
            persoon_id=lid.id,
            register="geschenken",
            invoer=[{"omschrijving": omschrijving, "gever": "X", "datum": "2027-02-20", "geschatte_waarde": "20"}],
            nu=om("2027-03-01T10:00"),
            kanaal="web",
        )

    [voorstellen] = openstaand(session, catalogus=catalogus, nu=om("2027-03-01T11:00")).voorstellen

    assert (voorstellen.rol, voorstellen.wie, voorstellen.aantal) == (
        "Statengriffie (griffier en griffiemedewerkers)",
        ["Greet Griffier"],
        2,
    )


def test_on_an_empty_database_the_first_watch_starts_no_missed_ronde_and_the_overview_lists_each(session, catalogus):
    nu = om("2027-03-25T08:00")
    importeer(session, lees_bestand(DEMO, set(catalogus.rollen.rollen)), om("2027-03-25T07:00"))
    te_laat, gemist = inhaalrondes(session, catalogus=catalogus, nu=nu)

    verslag = bewaking(session=session, catalogus=catalogus, nu=nu)

    gestart = {r.proces: r for r in session.exec(select(Ronde))}
    assert verslag["gestart"] == len(gestart) == len(te_laat) and verslag["gemist"] == len(gemist)
    for ronde in gestart.values():  # what it started leaves at least half the termijn
        assert op_tijd(catalogus, ronde.proces, ronde.start, nu)
    lijst = openstaand(session, catalogus=catalogus, nu=nu).gemist
    assert lijst == gemist and {g.proces for g in lijst}.isdisjoint(gestart)
    for g in lijst:  # what it lists would leave less than half, or none
        assert 2 * g.termijn.dagen < g.dagen
    nevenfuncties = next(g for g in lijst if g.proces == "nevenfuncties-statenleden")  # the issue's: 49 mails, 5 days
    assert (nevenfuncties.gepland, nevenfuncties.termijn.dagen, nevenfuncties.dagen) == (date(2027, 3, 1), 5, 29)
    assert any(g.termijn.te_laat for g in lijst)  # a ronde whose deadline passed is listed too, not silent
