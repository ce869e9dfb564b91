"""Several watches and senders at once (CLI, flows, workers): each message reaches the SMTP server once.

Defect 1 of the breaking-things issue: two `integriteit bewaking` at the same moment sent almost every
message twice, and the slower watch failed on a unique violation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import datetime

import pytest
from sqlmodel import Session, func, select

from engine.bewaking import bewaking
from engine.personen import PersoonInvoer, importeer
from engine.verzenden import verzend
from models.instellingen import Instellingen
from models.tabellen import Bericht
from models.werkdagen import TIJDZONE
from testservers.smtp import Postbode, smtp_server

START = datetime(2027, 3, 1, 10, 0, tzinfo=TIJDZONE)
HERINNERING = datetime(2027, 3, 15, 10, 0, tzinfo=TIJDZONE)  # the first reminder of nevenfuncties (P2W)
LEDEN = 40


def instellingen_voor(controller) -> Instellingen:
    return Instellingen(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls="geen")


def tegelijk(aantal: int, werk) -> list[BaseException]:
    """Run `werk` in `aantal` threads released at the same moment; the exceptions they raised."""
    klaar, fouten = threading.Barrier(aantal), []

    def draad() -> None:
        try:
            klaar.wait()
            werk()
        except BaseException as fout:  # noqa: BLE001 - reported by the test
            fouten.append(fout)

    draden = [threading.Thread(target=draad) for _ in range(aantal)]
    for d in draden:
        d.start()
    for d in draden:
        d.join()
    return fouten


@pytest.fixture
def statenleden(session):
    importeer(
        session,
        [
            PersoonInvoer(extern_id=f"S{i}", naam=f"Lid {i}", email=f"lid{i}@example.org", rollen=["statenlid"])
            for i in range(LEDEN)
        ]
        + [PersoonInvoer(extern_id="G", naam="Griffie", email="griffie@example.org", rollen=["statengriffie"])],
        START,
    )
    session.commit()


def test_two_watches_and_two_senders_at_once_deliver_each_message_once(db_engine, catalogus, statenleden):
    postbode = Postbode()
    with smtp_server(postbode) as controller:
        inst = instellingen_voor(controller)
        for moment in (START, HERINNERING):

            def watch_then_send(moment=moment) -> None:
                with Session(db_engine, expire_on_commit=False) as s:
                    bewaking(session=s, catalogus=catalogus, nu=moment)
                    s.commit()
                    verzend(session=s, catalogus=catalogus, nu=moment, inst=inst)

            def send(moment=moment) -> None:
                with Session(db_engine, expire_on_commit=False) as s:
                    verzend(session=s, catalogus=catalogus, nu=moment, inst=inst)

            assert tegelijk(2, watch_then_send) == []
            assert tegelijk(2, send) == []
    per_id = Counter(b["Message-ID"] for b in postbode.berichten)
    with Session(db_engine) as s:
        soorten = Counter(s.exec(select(Bericht.soort)).all())
        assert s.exec(select(func.count()).select_from(Bericht).where(Bericht.verzonden.is_(None))).one() == 0
    # nevenfuncties and financiële belangen both ask every member in March, and remind them two weeks later
    assert soorten == {"verzoek": 2 * LEDEN, "herinnering": 2 * LEDEN}
    assert len(per_id) == 4 * LEDEN and max(per_id.values()) == 1


@pytest.mark.traag
def test_two_cli_watches_at_once_send_each_message_once(db_engine, session, tmp_path):
    """The reported command, as processes: `integriteit bewaking --nu ... & integriteit bewaking --nu ...`."""
    postbode = Postbode()
    with smtp_server(postbode) as controller:
        omgeving = os.environ | {
            "INTEGRITEIT_DATABASE_URL": db_engine.url.render_as_string(hide_password=False),
            "INTEGRITEIT_SMTP_HOST": "127.0.0.1",
            "INTEGRITEIT_SMTP_PORT": str(controller.port),
            "INTEGRITEIT_SMTP_TLS": "geen",
            "INTEGRITEIT_BASIS_URL": "https://integriteit.example.nl",  # real mail never links to this machine
        }
        integriteit = [sys.executable, "-m", "cli.main"]
        subprocess.run([*integriteit, "personen", "importeer", "--demo"], env=omgeving, check=True, capture_output=True)
        watches = [
            subprocess.Popen(
                [*integriteit, "bewaking", "--nu", "2027-03-01T10:00"],
                env=omgeving,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        uitkomsten = [(w.wait(timeout=300), w.stderr.read()) for w in watches]
    assert [code for code, _ in uitkomsten] == [0, 0], uitkomsten
    per_id = Counter(b["Message-ID"] for b in postbode.berichten)
    verwacht = session.exec(select(func.count()).select_from(Bericht)).one()
    assert verwacht > 200 and len(per_id) == verwacht and max(per_id.values()) == 1
