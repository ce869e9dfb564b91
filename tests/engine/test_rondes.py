"""The life of a ronde, on a small organisation and an injected clock, on SQLite and PostgreSQL."""

from datetime import date, datetime

import pytest
from sqlmodel import select

from engine.antwoorden import Invoer, OnbekendVerzoek, bevestig, leg_vast
from engine.bewaking import bewaking
from engine.personen import PersoonInvoer, importeer
from engine.rondes import Gemist, start_ronde
from engine.status import rondes_status
from models.tabellen import Bericht, Gebeurtenis, Ronde, Verzoek
from models.werkdagen import TIJDZONE


def om(tekst: str) -> datetime:
    return datetime.fromisoformat(tekst).replace(tzinfo=TIJDZONE)


def persoon(nummer: int, *rollen: str, **kenmerken) -> PersoonInvoer:
    return PersoonInvoer(
        extern_id=f"T{nummer}",
        naam=f"Persoon {nummer}",
        email=f"p{nummer}@demo.example",
        rollen=list(rollen),
        **kenmerken,
    )


ORGANISATIE = [
    *(persoon(i, "statenlid") for i in range(1, 5)),
    persoon(10, "statengriffie", "medewerker"),
    persoon(11, "integriteitscoordinator", "medewerker"),
    *(persoon(i, "teamleider", "medewerker") for i in range(20, 23)),
]


@pytest.fixture
def org(session):
    importeer(session, ORGANISATIE, om("2027-01-01T08:00"))
    session.flush()
    return session


def start(session, catalogus, proces: str, moment: str):
    """Start the ronde of `proces` at `moment`; the ronde and its tokens."""
    ronde = start_ronde(session=session, catalogus=catalogus, proces=catalogus.proces(proces), nu=om(moment)).ronde
    return ronde, session.exec(select(Verzoek.token).where(Verzoek.ronde_id == ronde.id).order_by(Verzoek.id)).all()


def antwoord(session, catalogus, token: str, moment: str, **inhoud):
    inhoud = inhoud or {"geen_wijzigingen": True}
    invoer = Invoer(token, kanaal="cli", **inhoud)
    return leg_vast(session, catalogus=catalogus, antwoorden=[invoer], nu=om(moment))[0]


def status_van(session, proces, stap=None):
    return next(r for r in rondes_status(session) if r["proces"] == proces and r["stap"] == stap)


def dagelijks(session, catalogus, van: date, tot: date):
    for dag in range((tot - van).days + 1):
        bewaking(session=session, catalogus=catalogus, nu=om(f"{date.fromordinal(van.toordinal() + dag)}T08:30"))


def test_starting_twice_makes_one_ronde_with_one_verzoek_per_person(org, catalogus):
    proces = catalogus.proces("nevenfuncties-statenleden")
    eerste = start_ronde(session=org, catalogus=catalogus, proces=proces, nu=om("2027-03-01T09:05"))
    tweede = start_ronde(session=org, catalogus=catalogus, proces=proces, nu=om("2027-03-02T10:00"))
    assert eerste.nieuw and not tweede.nieuw and tweede.ronde.id == eerste.ronde.id
    assert status_van(org, "nevenfuncties-statenleden")["verzoeken"] == 4
    assert len(org.exec(select(Bericht).where(Bericht.soort == "verzoek")).all()) == 4


def test_between_rounds_a_ronde_that_never_ran_is_missed_and_not_started(org, catalogus):
    proces = catalogus.proces("nevenfuncties-statenleden")
    gemist = start_ronde(session=org, catalogus=catalogus, proces=proces, nu=om("2027-06-01T09:00"))
    assert gemist == Gemist("nevenfuncties-statenleden", om("2027-03-01T09:00"), date(2027, 3, 30))
    assert rondes_status(org) == []


def test_reminders_on_working_days_then_escalation_then_verlopen(org, catalogus):
    ronde, (token, *_) = start(org, catalogus, "nevenfuncties-statenleden", "2027-03-01T09:00")
    antwoord(org, catalogus, token, "2027-03-03T10:00")
    dagelijks(org, catalogus, date(2027, 3, 2), date(2027, 3, 31))
    herinneringen = org.exec(select(Bericht).where(Bericht.soort == "herinnering", Bericht.ronde_id == ronde.id)).all()
    assert sorted({b.aangemaakt.astimezone(TIJDZONE).date() for b in herinneringen}) == [
        date(2027, 3, 15),
        date(2027, 3, 22),
    ]  # P2W and P3W, both Mondays
    assert len(herinneringen) == 2 * 3  # only the three who did not answer
    s = status_van(org, "nevenfuncties-statenleden")
    assert (s["status"], s["beantwoord"], s["open"], s["herinneringen"], s["escalaties"]) == ("verlopen", 1, 3, 6, 1)
    escalatie = org.exec(select(Bericht).where(Bericht.soort == "escalatie", Bericht.ronde_id == ronde.id)).one()
    assert "p10@demo.example" in escalatie.aan and "3 van de 4" in escalatie.tekst


def test_all_answers_complete_the_ronde_at_once(org, catalogus):
    _, tokens = start(org, catalogus, "geschenken-statenleden", "2027-04-01T09:00")
    for token in tokens:
        antwoord(org, catalogus, token, "2027-04-02T09:00", tekst="Een boek, EUR 20, van de gemeente")
    assert status_van(org, "geschenken-statenleden")["status"] == "voltooid"


def test_a_gift_reminder_comes_two_weeks_after_the_start_on_a_working_day(org, catalogus):
    ronde, _ = start(org, catalogus, "geschenken-statenleden", "2027-04-01T09:00")
    dagelijks(org, catalogus, date(2027, 4, 14), date(2027, 4, 16))
    berichten = org.exec(select(Bericht).where(Bericht.soort == "herinnering", Bericht.ronde_id == ronde.id))
    assert {b.aangemaakt.astimezone(TIJDZONE).date() for b in berichten} == {date(2027, 4, 15)}


def test_catch_up_after_two_weeks_of_downtime_starts_and_reminds_once(org, catalogus):
    bewaking(session=org, catalogus=catalogus, nu=om("2027-03-15T08:00"))  # down from 1 to 14 March: half is left
    s = status_van(org, "nevenfuncties-statenleden")
    assert (s["status"], s["verzoeken"], s["herinneringen"]) == ("lopend", 4, 0)  # the verzoek was the contact
    bewaking(session=org, catalogus=catalogus, nu=om("2027-03-22T08:00"))
    assert status_van(org, "nevenfuncties-statenleden")["herinneringen"] == 4
    bewaking(session=org, catalogus=catalogus, nu=om("2027-03-22T16:00"))
    assert status_van(org, "nevenfuncties-statenleden")["herinneringen"] == 4


def test_joining_and_leaving_during_a_ronde(org, catalogus):
    start(org, catalogus, "nevenfuncties-statenleden", "2027-03-01T09:00")
    nieuw = [p for p in ORGANISATIE if p.extern_id != "T1"] + [persoon(5, "statenlid")]
    importeer(org, nieuw, om("2027-03-03T07:00"))
    bewaking(session=org, catalogus=catalogus, nu=om("2027-03-03T08:00"))
    s = status_van(org, "nevenfuncties-statenleden")
    assert (s["verzoeken"], s["vervallen"]) == (4, 1)
    soorten = [g.soort for g in org.exec(select(Gebeurtenis))]
    assert "verzoek-vervallen" in soorten and "uitdiensttreding" in soorten


def _gesloten(session, ronde_id: int) -> list[Bericht]:
    return session.exec(select(Bericht).where(Bericht.ronde_id == ronde_id, Bericht.soort == "gesloten")).all()


def test_kwetsbare_functies_inventory_then_gs_decision(org, catalogus):
    ronde, tokens = start(org, catalogus, "kwetsbare-functies", "2027-03-01T09:00")
    antwoord(org, catalogus, tokens[0], "2027-03-10T09:00", tekst="Checklist team A")
    dagelijks(org, catalogus, date(2027, 4, 12), date(2027, 4, 13))
    assert status_van(org, "kwetsbare-functies", "inventarisatie")["status"] == "verlopen"
    # the eigenaar hears who did not answer, until when they still can, and that the next stap started
    [bericht] = _gesloten(org, ronde.id)
    assert (bericht.aan, bericht.onderwerp) == (
        "p11@demo.example",
        "Ronde gesloten: Vaststellen lijst kwetsbare functies, handelingen en processen: 2 van 3 zonder antwoord",
    )
    tekst = " ".join(bericht.tekst.split())
    assert "Van de 3 gevraagde personen hebben er 2 niet geantwoord: - Persoon 21 (medewerker, teamleider)" in tekst
    assert "- Persoon 22 (medewerker, teamleider)" in tekst and "Persoon 20 (" not in tekst
    assert "het telt niet meer mee en de ronde gaat" in tekst
    assert 'De volgende stap, "GS stellen de lijst vast (besluitdatum en kenmerk)", is gestart' in tekst
    assert "register" not in tekst  # nothing to publish
    tweede = status_van(org, "kwetsbare-functies", "vaststelling-gs")
    assert (tweede["status"], tweede["start"]) == ("lopend", "2027-04-13")
    gesloten = org.exec(select(Gebeurtenis).where(Gebeurtenis.soort == "ronde-gestart").order_by(Gebeurtenis.id)).all()[
        -1
    ]
    assert "Persoon 21" in gesloten.details  # the missing teamleiders are carried to the next stap
    bevestig(
        session=org,
        catalogus=catalogus,
        proces="kwetsbare-functies",
        nu=om("2027-05-20T10:00"),
        datum=date(2027, 5, 18),
        kenmerk="GS-besluit 2027/123",
        kanaal="cli",
    )
    assert status_van(org, "kwetsbare-functies", "vaststelling-gs")["status"] == "voltooid"
    vaststelling = org.exec(select(Ronde).where(Ronde.stap == "vaststelling-gs")).one()
    assert _gesloten(org, vaststelling.id) == []  # done, and no register: nothing left to do


def test_a_register_ronde_everyone_answered_asks_the_eigenaar_to_publish(org, catalogus):
    ronde, tokens = start(org, catalogus, "geschenken-statenleden", "2027-04-01T09:00")
    for token in tokens:
        antwoord(org, catalogus, token, "2027-04-02T09:00")
    [bericht] = _gesloten(org, ronde.id)
    assert bericht.onderwerp == "Ronde gesloten: Opgave ontvangen geschenken Statenleden; publiceer het register"
    tekst = " ".join(bericht.tekst.split())
    assert "Iedereen heeft op tijd geantwoord." in tekst and "Vraag wie" not in tekst
    assert "Beoordeel de opgaven die op u wachten: http://127.0.0.1:8000/beoordelen" in tekst
    assert "Laat daarna het register geschenken publiceren" in tekst and "knop" not in tekst


def test_confirming_without_a_waiting_step_is_refused(org, catalogus):
    with pytest.raises(OnbekendVerzoek, match="geen lopende ronde"):
        bevestig(
            session=org,
            catalogus=catalogus,
            proces="kwetsbare-functies",
            nu=om("2027-05-20T10:00"),
            datum=date(2027, 5, 18),
            kanaal="cli",
        )


def test_a_late_answer_is_kept_and_marked(org, catalogus):
    ronde, (token, *_) = start(org, catalogus, "geschenken-statenleden", "2027-04-01T09:00")
    bewaking(session=org, catalogus=catalogus, nu=om("2027-04-23T08:00"))
    vastgelegd = antwoord(org, catalogus, token, "2027-04-26T09:00")
    assert vastgelegd.te_laat and status_van(org, "geschenken-statenleden")["beantwoord"] == 0


def test_the_audit_trail_accounts_for_every_message_and_answer(org, catalogus):
    ronde, (token, *_) = start(org, catalogus, "nevenfuncties-statenleden", "2027-03-01T09:00")
    antwoord(org, catalogus, token, "2027-03-02T09:00")
    dagelijks(org, catalogus, date(2027, 3, 2), date(2027, 3, 31))
    berichten = {b.id for b in org.exec(select(Bericht))}
    verantwoord = {g.bericht_id for g in org.exec(select(Gebeurtenis).where(Gebeurtenis.bericht_id.is_not(None)))}
    assert berichten == verantwoord
    eigen = org.exec(select(Bericht).where(Bericht.ronde_id == ronde.id)).all()
    # verzoeken, the receipt of the answer, two reminders to three people, one escalation, and at closing the
    # eigenaar's message: who is missing, and publish the register
    assert len(eigen) == 4 + 1 + 6 + 1 + 1
    assert [b.onderwerp for b in eigen if b.soort == "gesloten"] == [
        "Ronde gesloten: Actualisatie nevenfuncties Statenleden: 3 van 4 zonder antwoord; publiceer het register"
    ]
    assert len(org.exec(select(Gebeurtenis).where(Gebeurtenis.soort == "antwoord")).all()) == 1


def test_a_missed_ronde_started_alsnog_on_a_saturday_starts_monday_with_a_full_termijn(org, catalogus):
    proces = catalogus.proces("nevenfuncties-statenleden")
    zaterdag = om("2027-03-20T11:00")  # 10 of the 29 days left
    assert isinstance(start_ronde(session=org, catalogus=catalogus, proces=proces, nu=zaterdag), Gemist)

    start = start_ronde(session=org, catalogus=catalogus, proces=proces, nu=zaterdag, alsnog=True)

    assert start.nieuw and start.ronde.startdatum == date(2027, 3, 1)  # the period it belongs to
    assert (start.ronde.start, start.ronde.deadline) == (om("2027-03-22T09:00"), date(2027, 4, 19))  # Monday + P4W
    again = start_ronde(session=org, catalogus=catalogus, proces=proces, nu=om("2027-03-23T10:00"), alsnog=True)
    assert not again.nieuw and again.ronde.id == start.ronde.id
