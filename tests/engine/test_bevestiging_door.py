"""Confirmation per person by a third party (`bevestiging_door`): the cvdK confirms, per fractievoorzitter, that
the conversation about the kieslijsten took place and when (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import select

from engine.antwoorden import Invoer, leg_vast
from engine.bewaking import bewaking
from engine.overzicht import openstaand
from engine.personen import PersoonInvoer, importeer
from engine.postvak import verwerk
from engine.registers import pagina
from engine.rondes import start_ronde
from engine.status import rondes_status
from engine.uitgaand import Opmaak
from models.statussen import RondeStatus, VerzoekStatus
from models.tabellen import Antwoord, Bericht, Inkomend, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE

START = datetime(2026, 3, 17, 9, 30, tzinfo=TIJDZONE)  # twelve months before the 2027 Statenverkiezingen
LATER = datetime(2026, 5, 20, 12, tzinfo=TIJDZONE)


@pytest.fixture
def ronde(session, catalogus) -> Ronde:
    importeer(
        session,
        [
            PersoonInvoer(extern_id="C1", naam="Commissaris", email="cvdk@example.org", rollen=["cvdk"]),
            PersoonInvoer(
                extern_id="F1", naam="Anna Fractie", email="anna@example.org", rollen=["fractievoorzitter"], fractie="A"
            ),
            PersoonInvoer(
                extern_id="F2", naam="Bert Fractie", email="bert@example.org", rollen=["fractievoorzitter"], fractie="B"
            ),
        ],
        START,
    )
    start = start_ronde(session=session, catalogus=catalogus, proces=catalogus.proces("kieslijsten-gesprek"), nu=START)
    session.flush()
    return start.ronde


def verzoek_van(session, naam: str) -> Verzoek:
    return session.exec(select(Verzoek).join(Persoon).where(Persoon.naam == naam)).one()


def antwoord_van(session, verzoek: Verzoek, afzender: str, tekst: str) -> bytes:
    return (
        f"From: {afzender}\nTo: integriteit+{verzoek.token}@example.nl\nSubject: Re: gesprek\n"
        f"Message-ID: <{afzender}-{verzoek.id}@example.org>\n\n{tekst}\n"
    ).encode()


def test_each_person_gets_an_item_whose_mail_goes_to_the_confirmer(session, ronde):
    berichten = session.exec(select(Bericht).where(Bericht.soort == "verzoek").order_by(Bericht.id)).all()
    assert [b.aan for b in berichten] == ["cvdk@example.org", "cvdk@example.org"]
    anna = next(b for b in berichten if "Anna Fractie" in b.onderwerp)
    assert "Beste Commissaris," in anna.tekst
    assert "het gesprek met Anna Fractie (A) heeft plaatsgevonden, en op welke datum" in anna.tekst
    assert set(session.exec(select(Persoon.naam).join(Verzoek, Verzoek.persoon_id == Persoon.id))) == {
        "Anna Fractie",
        "Bert Fractie",
    }


def test_a_reply_by_the_confirmer_with_a_date_confirms_that_person(session, catalogus, ronde):
    anna = verzoek_van(session, "Anna Fractie")
    ruw = antwoord_van(session, anna, "cvdk@example.org", "Gesprek gevoerd op 12 mei 2026.")
    verwerk(session=session, catalogus=catalogus, ruw=ruw, nu=LATER)
    assert anna.status == VerzoekStatus.BEANTWOORD
    assert session.exec(select(Antwoord.datum).where(Antwoord.verzoek_id == anna.id)).one() == date(2026, 5, 12)
    assert verzoek_van(session, "Bert Fractie").status == VerzoekStatus.OPEN
    assert ronde.status == RondeStatus.LOPEND
    ontvangst = session.exec(select(Bericht).where(Bericht.soort == "ontvangst")).one()
    assert ontvangst.aan == "cvdk@example.org"


def test_a_reply_by_the_person_themselves_or_without_a_date_is_held(session, catalogus, ronde):
    anna = verzoek_van(session, "Anna Fractie")
    zelf = antwoord_van(session, anna, "anna@example.org", "Gesprek gevoerd op 12 mei 2026.")
    zonder = antwoord_van(session, anna, "cvdk@example.org", "Het gesprek is gevoerd.")
    for ruw in (zelf, zonder):
        verwerk(session=session, catalogus=catalogus, ruw=ruw, nu=LATER)
    uitkomsten = session.exec(select(Inkomend.map, Inkomend.uitkomst).order_by(Inkomend.id)).all()
    assert uitkomsten == [("Beoordelen", "afzender-wijkt-af"), ("Beoordelen", "zonder-datum")]
    assert anna.status == VerzoekStatus.OPEN


def test_the_personal_page_asks_the_confirmer_for_the_date_of_that_person(session, catalogus, ronde):
    getoond = pagina.pagina(session, catalogus=catalogus, token=verzoek_van(session, "Bert Fractie").token, nu=LATER)
    assert (getoond.naam, getoond.gevraagd, getoond.bevestiger) == (
        "Bert Fractie",
        "bevestiging",
        "Commissaris van de Koning",
    )
    assert getoond.invullen == ("datum", "kenmerk", "tekst")


def test_when_every_person_is_confirmed_the_ronde_is_done_and_status_shows_the_dates(session, catalogus, ronde):
    def bevestig(naam: str, datum: date) -> None:
        invoer = [Invoer(verzoek_van(session, naam).token, kanaal="web", datum=datum)]
        leg_vast(session, catalogus=catalogus, antwoorden=invoer, nu=LATER)
        session.flush()

    bevestig("Anna Fractie", date(2026, 5, 12))
    [lopend] = openstaand(session, catalogus=catalogus, nu=LATER).lopend
    assert lopend.bevestigd == [{"persoon": "Anna Fractie", "datum": "2026-05-12"}]
    bevestig("Bert Fractie", date(2026, 6, 2))
    assert ronde.status == RondeStatus.VOLTOOID
    status = next(r for r in rondes_status(session) if r["proces"] == "kieslijsten-gesprek")
    assert status["bevestigd"] == [
        {"persoon": "Anna Fractie", "datum": "2026-05-12"},
        {"persoon": "Bert Fractie", "datum": "2026-06-02"},
    ]


def test_the_confirmer_is_reminded_per_person_and_the_reminder_renders_for_that_person(session, catalogus, ronde):
    bewaking(session=session, catalogus=catalogus, nu=datetime(2026, 6, 22, 10, tzinfo=TIJDZONE))  # after P3M
    herinneringen = session.exec(
        select(Bericht).where(Bericht.soort == "herinnering", Bericht.ronde_id == ronde.id).order_by(Bericht.id)
    ).all()
    assert [b.aan for b in herinneringen] == ["cvdk@example.org", "cvdk@example.org"]
    anna = verzoek_van(session, "Anna Fractie")
    herinnering = next(b for b in herinneringen if b.verzoek_id == anna.id)
    assert herinnering.onderwerp.startswith("Herinnering: ")
    assert herinnering.onderwerp.endswith(f": Anna Fractie [IP-{anna.id}]")
    assert Opmaak(session, catalogus, LATER).vul_in(herinnering, ronde, anna.token)
    assert "Beste Commissaris," in herinnering.tekst and "Anna Fractie (A)" in herinnering.tekst
