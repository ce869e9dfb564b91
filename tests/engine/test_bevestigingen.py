"""A confirmation is recorded in the name of who made it: the asked role through Prefect or the CLI (which say
nothing about who), or the logged-in eigenaar by name on the web page; whichever comes first wins (on SQLite and
PostgreSQL). A role's confirmation belongs to the ronde itself: it answers no person's verzoek."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlmodel import select

from engine import bevestigingen, diensten, rondes
from engine.antwoorden import AlBevestigd
from engine.diensten import Omgeving
from engine.inzage import dossier
from engine.personen import PersoonInvoer, importeer
from engine.registers.fouten import GeenBevoegdheid
from engine.rondes import start_ronde
from engine.status import rondes_status
from engine.uitgaand import COORDINATOR
from models.instellingen import Instellingen
from models.statussen import VerzoekStatus
from models.tabellen import Antwoord, Bericht, Gebeurtenis, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE

START = datetime(2027, 1, 11, 9, 0, tzinfo=TIJDZONE)
LATER = datetime(2027, 2, 3, 10, 0, tzinfo=TIJDZONE)
PROCES = "richtlijnen-bijverdiensten"  # eigenaar po: two HR advisers are asked to confirm


@pytest.fixture
def ronde(session, catalogus) -> Ronde:
    importeer(
        session,
        [
            PersoonInvoer(extern_id="P1", naam="Hanna HR", email="hanna@example.org", rollen=["po"]),
            PersoonInvoer(extern_id="P2", naam="Pieter PO", email="pieter@example.org", rollen=["po"]),
            PersoonInvoer(extern_id="S1", naam="Sam Staten", email="sam@example.org", rollen=["statenlid"]),
            PersoonInvoer(extern_id="C1", naam="Carla Coordinator", email="carla@example.org", rollen=[COORDINATOR]),
        ],
        START,
    )
    ronde = start_ronde(session=session, catalogus=catalogus, proces=catalogus.proces(PROCES), nu=START).ronde
    session.commit()
    return ronde


@pytest.fixture
def omg(db_engine, catalogus) -> Omgeving:
    return Omgeving(db_engine, catalogus, Instellingen(smtp_host=None))


def persoon(session, naam: str) -> Persoon:
    return session.exec(select(Persoon).where(Persoon.naam == naam)).one()


def bevestigd(session) -> list[dict]:
    session.expire_all()
    return next(r for r in rondes_status(session) if r["proces"] == PROCES)["bevestigd"]


def bevestigd_in(session, stap: str) -> list[dict]:
    session.expire_all()
    return next(r for r in rondes_status(session) if r["stap"] == stap)["bevestigd"]


def antwoordgebeurtenis(session) -> Gebeurtenis:
    return session.exec(select(Gebeurtenis).where(Gebeurtenis.soort == "antwoord", Gebeurtenis.proces == PROCES)).one()


def test_a_confirmation_through_prefect_names_the_role_never_the_first_asked_person(session, omg, ronde):
    diensten.bevestig(omg, ronde_id=ronde.id, nu=LATER, datum=date(2027, 2, 1), kenmerk="D-2027/4", kanaal="prefect")
    assert bevestigd(session) == [{"persoon": "po, via Prefect", "datum": "2027-02-01"}]
    gebeurtenis = antwoordgebeurtenis(session)
    assert gebeurtenis.persoon_id is None
    assert json.loads(gebeurtenis.details)["door"] == "po, via Prefect"
    assert session.exec(select(Antwoord.door)).one() == "po, via Prefect"
    assert session.get(Ronde, ronde.id).status == "voltooid"


def test_a_role_confirmation_belongs_to_the_ronde_and_answers_no_persons_verzoek(session, omg, ronde):
    eerste = session.exec(select(Verzoek).where(Verzoek.ronde_id == ronde.id).order_by(Verzoek.id)).first()
    eerste_persoon = session.get(Persoon, eerste.persoon_id)
    diensten.bevestig(omg, ronde_id=ronde.id, nu=LATER, datum=date(2027, 2, 1), kenmerk="D-2027/4", kanaal="prefect")
    session.expire_all()
    antwoord = session.exec(select(Antwoord)).one()
    assert (antwoord.ronde_id, antwoord.verzoek_id) == (ronde.id, None)
    verzoeken = session.exec(select(Verzoek).where(Verzoek.ronde_id == ronde.id)).all()
    assert VerzoekStatus.BEANTWOORD not in {v.status for v in verzoeken}  # nobody answered: the role confirmed
    assert antwoordgebeurtenis(session).verzoek_id is None
    inzage = dossier(session, eerste_persoon)
    assert inzage["antwoorden"] == []
    assert not [g for g in inzage["gebeurtenissen"] if g["soort"] == "antwoord"]
    [status] = [r for r in rondes_status(session) if r["proces"] == PROCES]
    assert (status["status"], status["beantwoord"]) == ("voltooid", 0)
    assert status["bevestigd"] == [{"persoon": "po, via Prefect", "datum": "2027-02-01"}]


def test_an_eigenaar_not_asked_confirms_on_the_ronde_in_their_own_name(session, omg, ronde):
    carla = persoon(session, "Carla Coordinator")  # may confirm every stap, asked in none
    diensten.bevestig_als(omg, ronde_id=ronde.id, persoon_id=carla.id, nu=LATER, datum=date(2027, 2, 2))
    session.expire_all()
    assert session.exec(select(Antwoord.verzoek_id)).one() is None
    assert bevestigd(session) == [{"persoon": "Carla Coordinator", "datum": "2027-02-02"}]
    assert antwoordgebeurtenis(session).persoon_id == carla.id
    assert "antwoord" in [g["soort"] for g in dossier(session, carla)["gebeurtenissen"]]


def test_integriteit_bevestig_names_the_role_through_the_cli(session, omg, ronde):
    diensten.bevestig(omg, proces=PROCES, nu=LATER, datum=date(2027, 2, 1), kanaal="cli")
    assert bevestigd(session) == [{"persoon": "po, via de CLI", "datum": "2027-02-01"}]


def test_the_logged_in_eigenaar_confirms_on_the_web_in_their_own_name(session, omg, ronde):
    pieter = persoon(session, "Pieter PO")  # not the first asked: the one who confirms
    [wachtend] = diensten.wachtende_bevestigingen_voor(omg, persoon_id=pieter.id)
    assert (wachtend.ronde_id, wachtend.proces, wachtend.deadline) == (ronde.id, PROCES, ronde.deadline)
    diensten.bevestig_als(
        omg, ronde_id=ronde.id, persoon_id=pieter.id, nu=LATER, datum=date(2027, 2, 2), kenmerk="D-2027/5"
    )
    assert bevestigd(session) == [{"persoon": "Pieter PO", "datum": "2027-02-02"}]
    eigen = session.exec(select(Verzoek).where(Verzoek.ronde_id == ronde.id, Verzoek.persoon_id == pieter.id)).one()
    assert (session.exec(select(Antwoord.verzoek_id)).one(), eigen.status) == (eigen.id, VerzoekStatus.BEANTWOORD)
    gebeurtenis = antwoordgebeurtenis(session)
    assert (gebeurtenis.persoon_id, json.loads(gebeurtenis.details)["door"]) == (pieter.id, "Pieter PO")
    assert diensten.wachtende_bevestigingen_voor(omg, persoon_id=pieter.id) == []


def test_whichever_channel_confirms_first_wins_and_the_other_is_told(session, omg, ronde):
    diensten.bevestig(omg, ronde_id=ronde.id, nu=LATER, datum=date(2027, 2, 1), kanaal="prefect")
    with pytest.raises(AlBevestigd, match="al bevestigd"):
        diensten.bevestig_als(
            omg, ronde_id=ronde.id, persoon_id=persoon(session, "Hanna HR").id, nu=LATER, datum=date(2027, 2, 2)
        )
    assert bevestigd(session) == [{"persoon": "po, via Prefect", "datum": "2027-02-01"}]


def test_someone_neither_asked_nor_eigenaar_sees_nothing_to_confirm_and_is_refused(session, omg, catalogus, ronde):
    sam = persoon(session, "Sam Staten")
    assert bevestigingen.wachtend(session, catalogus=catalogus, persoon=sam) == []
    with pytest.raises(GeenBevoegdheid):
        diensten.bevestig_als(omg, ronde_id=ronde.id, persoon_id=sam.id, nu=LATER, datum=date(2027, 2, 2))


AGENDERING = "agendering-integriteit-ps"  # its second stap counts a date in September only
MEI = datetime(2027, 5, 18, 9, 30, tzinfo=TIJDZONE)  # the first working day after 15 May (Whit Monday)
JUNI = datetime(2027, 6, 1, 10, 0, tzinfo=TIJDZONE)
JULI = datetime(2027, 7, 1, 10, 0, tzinfo=TIJDZONE)


def test_a_role_confirmation_dated_outside_its_months_does_not_complete_the_ronde(session, omg, catalogus):
    importeer(
        session,
        [
            PersoonInvoer(extern_id="K1", naam="Kees cvdK", email="kees@example.org", rollen=["cvdk"]),
            PersoonInvoer(extern_id="G1", naam="Gea Griffie", email="gea@example.org", rollen=["statengriffie"]),
            PersoonInvoer(extern_id="C1", naam="Carla Coordinator", email="carla@example.org", rollen=[COORDINATOR]),
        ],
        MEI,
    )
    start_ronde(session=session, catalogus=catalogus, proces=catalogus.proces(AGENDERING), nu=MEI)
    session.commit()
    diensten.bevestig(omg, proces=AGENDERING, nu=MEI, datum=date(2027, 5, 18), kanaal="cli")  # the overleg
    diensten.bevestig(omg, proces=AGENDERING, nu=JUNI, datum=date(2027, 10, 4), kanaal="prefect", verzenden=False)
    session.expire_all()
    agendering = session.exec(select(Ronde).where(Ronde.proces == AGENDERING, Ronde.stap == "agendering")).one()
    assert not rondes.is_compleet(session, catalogus=catalogus, ronde=agendering)
    assert (agendering.status, bevestigd_in(session, "agendering")) == ("lopend", [])
    melding = session.exec(select(Bericht).where(Bericht.soort == "buiten-periode")).one()
    assert "van\nof voor statengriffie, via Prefect met de datum maandag 4 oktober 2027" in melding.tekst
    diensten.bevestig(omg, proces=AGENDERING, nu=JULI, datum=date(2027, 9, 27), kanaal="prefect")
    assert bevestigd_in(session, "agendering") == [{"persoon": "statengriffie, via Prefect", "datum": "2027-09-27"}]
