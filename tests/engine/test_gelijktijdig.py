"""Several workers at once: concurrent starts of the same ronde start it exactly once (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlmodel import Session, select

from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from models.tabellen import Bericht, Ronde, Verzoek
from models.werkdagen import TIJDZONE

NU = datetime(2027, 3, 1, 9, 5, tzinfo=TIJDZONE)


def test_eight_concurrent_starts_make_one_ronde(db_engine, session, catalogus):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    importeer(
        session,
        [
            PersoonInvoer(extern_id=f"C{i}", naam=f"Lid {i}", email=f"c{i}@example.org", rollen=["statenlid"])
            for i in range(20)
        ],
        NU,
    )
    session.commit()
    proces = catalogus.proces("nevenfuncties-statenleden")
    start = threading.Barrier(8)
    nieuw: list[bool] = []

    def werker() -> None:
        with Session(db_engine, expire_on_commit=False) as s:
            start.wait()
            gestart = start_ronde(session=s, catalogus=catalogus, proces=proces, nu=NU)
            s.commit()
            nieuw.append(gestart.nieuw)

    draden = [threading.Thread(target=werker) for _ in range(8)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()
    assert sorted(nieuw) == [False] * 7 + [True]
    assert len(session.exec(select(Ronde)).all()) == 1
    assert len(session.exec(select(Verzoek)).all()) == 20
    assert len(session.exec(select(Bericht)).all()) == 20
