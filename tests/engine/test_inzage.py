"""Inzage (AVG art. 15): everything the engine holds about one person, and nothing about anyone else (on SQLite
and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from string import Template

import pytest
from sqlmodel import Session, select

from engine import diensten
from engine.diensten import Omgeving
from engine.inzage import OnbekendPersoon
from engine.personen import PersoonInvoer, importeer
from engine.postvak import verwerk_veilig
from models.instellingen import Instellingen
from models.tabellen import Bericht, Persoon, Verzoek
from models.werkdagen import TIJDZONE

POST = Path(__file__).parents[1] / "notifications" / "post"
START = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)
LEZEN = datetime(2027, 3, 3, 12, 0, tzinfo=TIJDZONE)


@pytest.fixture
def omg(session, db_engine, catalogus) -> Omgeving:
    """Jan and Piet were asked; Jan answered by mail with a change (a proposal for his register)."""
    with Session(db_engine) as s:
        importeer(
            s,
            [
                PersoonInvoer(extern_id="J1", naam="Jan Jansen", email="jan@example.org", rollen=["statenlid"]),
                PersoonInvoer(extern_id="P1", naam="Piet Pieters", email="piet@example.org", rollen=["statenlid"]),
                PersoonInvoer(extern_id="A1", naam="An Ansen", email="an@example.org", rollen=["statenlid"]),
                PersoonInvoer(extern_id="G1", naam="Griffie", email="griffie@example.org", rollen=["statengriffie"]),
            ],
            START,
        )
        s.commit()
    omgeving = Omgeving(db_engine, catalogus, Instellingen(smtp_host=None))
    diensten.start_ronde(omgeving, proces="nevenfuncties-statenleden", nu=START, verzenden=False)
    verwerk_veilig(engine=db_engine, catalogus=catalogus, ruw=antwoord_van_jan(omgeving), nu=LEZEN)
    return omgeving


def antwoord_van_jan(omg: Omgeving) -> bytes:
    with omg.werk() as s:
        verzoek = s.exec(select(Verzoek).join(Persoon).where(Persoon.email == "jan@example.org")).one()
        message_id = s.exec(select(Bericht.message_id).where(Bericht.verzoek_id == verzoek.id)).first()
    tekst = Template((POST / "outlook-nl.eml").read_text(encoding="latin-1"))
    return tekst.substitute(sleutel=verzoek.token, verzoek=verzoek.id, message_id=message_id).encode("latin-1")


def test_inzage_holds_everything_about_the_person(omg):
    [dossier] = diensten.geef_inzage(omg, wie="JAN@example.org")
    assert dossier["persoon"]["naam"] == "Jan Jansen"
    [verzoek] = dossier["verzoeken"]
    assert verzoek["ronde"]["proces"] == "nevenfuncties-statenleden"
    [antwoord] = dossier["antwoorden"]
    assert "Stichting Groene Heuvelrug" in antwoord["tekst"]
    assert {b["soort"] for b in dossier["berichten"]} >= {"verzoek", "ontvangst"}
    [inkomend] = dossier["inkomend"]
    assert "Stichting Groene Heuvelrug" in inkomend["ruw"]
    [regel] = dossier["registers"]
    assert regel["register"] == "nevenfuncties" and regel["versies"][0]["tekst"]
    soorten = {g["soort"] for g in dossier["gebeurtenissen"]}
    assert {"persoon-toegevoegd", "antwoord", "bericht-ontvangen"} <= soorten
    json.dumps(dossier, default=str)  # ready for JSON


def test_inzage_holds_nothing_about_anyone_else(omg):
    jan = json.dumps(diensten.geef_inzage(omg, wie="J1"), default=str)
    assert "piet" not in jan.lower()
    [an] = diensten.geef_inzage(omg, wie="an@example.org")  # her address is the end of Jan's
    assert "jan" not in json.dumps(an, default=str).lower()
    [piet] = diensten.geef_inzage(omg, wie="piet@example.org")
    assert piet["antwoorden"] == [] and piet["inkomend"] == [] and piet["registers"] == []
    assert "Heuvelrug" not in json.dumps(piet, default=str)


def test_inzage_by_number_and_of_an_unknown_person(omg):
    [jan] = diensten.geef_inzage(omg, wie="J1")
    assert diensten.geef_inzage(omg, wie=str(jan["persoon"]["id"]))[0]["persoon"]["extern_id"] == "J1"
    with pytest.raises(OnbekendPersoon, match="niemand@example.org"):
        diensten.geef_inzage(omg, wie="niemand@example.org")
