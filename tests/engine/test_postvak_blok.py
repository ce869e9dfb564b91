"""A block of replies handled in one unit of work gets the outcome each reply gets alone, in inbox order (on SQLite
and PostgreSQL); one reply that fails spoils nothing of the others."""

from __future__ import annotations

import shutil
from datetime import datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from engine.catalogus import laad_catalogus
from engine.personen import PersoonInvoer, importeer
from engine.postvak import Afhandeling, verwerk, verwerk_alle, verwerk_blok
from engine.rondes import start_ronde
from models.statussen import Map, RondeStatus, Uitkomst
from models.tabellen import Antwoord, Bericht, Inkomend, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE

START = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)
LEZEN = datetime(2027, 3, 3, 12, 0, tzinfo=TIJDZONE)


@pytest.fixture
def ronde(session, catalogus) -> Ronde:
    importeer(
        session,
        [
            PersoonInvoer(extern_id="J1", naam="Jan Jansen", email="jan@example.org", rollen=["statenlid"]),
            PersoonInvoer(extern_id="P1", naam="Piet Pietersen", email="piet@example.org", rollen=["statenlid"]),
        ],
        START,
    )
    start = start_ronde(
        session=session, catalogus=catalogus, proces=catalogus.proces("nevenfuncties-statenleden"), nu=START
    )
    session.flush()
    return start.ronde


def antwoord(session, email: str, nummer: int, tekst: str) -> bytes:
    token = session.exec(select(Verzoek.token).join(Persoon).where(Persoon.email == email)).one()
    bericht = EmailMessage()
    bericht["From"], bericht["To"] = email, f"integriteit+{token}@example.nl"
    bericht["Subject"], bericht["Message-ID"] = "Re: Actualisatie nevenfuncties", f"<{nummer}.{email}>"
    bericht.set_content(f"{tekst}\n\nOp 1 mrt 2027 schreef Integriteit:\n> Beste,\n")
    return bytes(bericht)


@pytest.mark.parametrize("zo", ["een-voor-een", "in-een-blok"])
def test_a_block_gets_the_outcomes_of_its_replies_one_by_one(session, catalogus, ronde, zo):
    """Jan answers, answers again, the first mail arrives twice, Piet's answer completes the ronde, and Jan's third
    mail comes after that but before the deadline, so it still counts (a ronde everyone answered keeps taking what
    they add until its deadline): the runs of answers recorded together stop where one could change another."""
    eerste = antwoord(session, "jan@example.org", 1, "Geen wijzigingen.")
    ruwe = [
        eerste,
        antwoord(session, "jan@example.org", 2, "Nieuw: penningmeester van de Stichting Vogelwacht."),
        eerste,
        antwoord(session, "piet@example.org", 3, "Geen wijzigingen."),
        antwoord(session, "jan@example.org", 4, "Toch nog iets: lid van de raad van toezicht van Museum X."),
    ]
    if zo == "in-een-blok":
        afhandelingen = verwerk_alle(session=session, catalogus=catalogus, ruwe=ruwe, nu=LEZEN)
    else:
        afhandelingen = [verwerk(session=session, catalogus=catalogus, ruw=ruw, nu=LEZEN) for ruw in ruwe]
    assert afhandelingen == [
        Afhandeling(Map.VERWERKT, Uitkomst.GEEN_WIJZIGINGEN),
        Afhandeling(Map.VERWERKT, Uitkomst.ANTWOORD),
        Afhandeling(Map.VERWERKT, Uitkomst.GEEN_WIJZIGINGEN, nieuw=False),
        Afhandeling(Map.VERWERKT, Uitkomst.GEEN_WIJZIGINGEN),
        Afhandeling(Map.VERWERKT, Uitkomst.ANTWOORD),
    ]
    assert ronde.status == RondeStatus.VOLTOOID
    assert session.exec(select(Antwoord.te_laat).order_by(Antwoord.id)).all() == [False, False, False, False]
    assert session.exec(select(Inkomend.message_id).order_by(Inkomend.id)).all() == [
        "<1.jan@example.org>",
        "<2.jan@example.org>",
        "<3.piet@example.org>",
        "<4.jan@example.org>",
    ]
    # every answer recorded is confirmed to its sender
    assert session.exec(select(func.count()).select_from(Bericht).where(Bericht.soort == "ontvangst")).one() == 4


def test_a_reply_that_fails_sends_its_block_through_one_by_one_and_only_it_goes_to_beoordelen(
    session, catalogus, ronde, db_engine, tmp_path
):
    afwezig = EmailMessage()
    afwezig["From"], afwezig["To"], afwezig["Subject"] = "piet@example.org", "integriteit@example.nl", "Afwezig"
    afwezig["Auto-Submitted"], afwezig["Message-ID"] = "auto-replied", "<afwezig@example.org>"
    afwezig.set_content("Ik ben tot 15 maart afwezig.")
    ruwe = [bytes(afwezig), antwoord(session, "jan@example.org", 1, "Geen wijzigingen."), bytes(afwezig)]
    session.commit()
    zonder = tmp_path / "processen"
    shutil.copytree(catalogus.map, zonder)
    (zonder / "nevenfuncties-statenleden.yaml").unlink()  # the spec was removed while replies come in
    mappen = verwerk_blok(engine=db_engine, catalogus=laad_catalogus(zonder), ruwe=ruwe, nu=LEZEN)
    assert mappen == [Map.AUTOMATISCH, Map.BEOORDELEN, Map.AUTOMATISCH]
    with Session(db_engine) as s:
        assert s.exec(select(Inkomend.uitkomst).order_by(Inkomend.id)).all() == ["afwezig", "onleesbaar"]
