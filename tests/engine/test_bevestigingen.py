"""A confirmation is recorded in the name of who made it: the asked role through Prefect or the CLI (which say
nothing about who), or the logged-in eigenaar by name on the web page; whichever comes first wins (on SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlmodel import select

from engine import bevestigingen, diensten
from engine.antwoorden import AlBevestigd
from engine.diensten import Omgeving
from engine.personen import PersoonInvoer, importeer
from engine.registers.fouten import GeenBevoegdheid
from engine.rondes import start_ronde
from engine.status import rondes_status
from models.instellingen import Instellingen
from models.tabellen import Antwoord, Gebeurtenis, Persoon, Ronde
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
