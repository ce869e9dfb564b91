"""Named locks in the engine's database, for work that must not run twice at the same moment.

Taking a lock writes its row (an upsert), so the lock is held until the transaction ends, on both databases:
PostgreSQL locks the row, SQLite takes its single write lock. A second taker waits, and then reads what the
first one committed: two daily watches at once do the day's work once, and the second finds it done.
"""

from __future__ import annotations

import zlib
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from models.tabellen import Vergrendeling


def vergrendel(session: Session, naam: str, nu: datetime) -> None:
    """Hold the lock `naam` until the session's transaction ends. Call it before reading what it guards."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stelling = insert(Vergrendeling).values(naam=naam, moment=nu)
    session.execute(stelling.on_conflict_do_update(index_elements=["naam"], set_={"moment": nu}))


def wacht_op_beurt(session: Session, naam: str) -> None:
    """Hold the short lock `naam` until the session's transaction ends, without writing a row: PostgreSQL's
    transaction-level advisory lock. On SQLite a transaction that has written holds the single write lock already.
    For work at commit time, where waiting for a row lock taken early would invite deadlocks."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:sleutel)"), {"sleutel": zlib.crc32(naam.encode())})
