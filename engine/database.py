"""The engine's database: SQLite by default, PostgreSQL through INTEGRITEIT_DATABASE_URL, always migrated."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from models.instellingen import Instellingen

MIGRATIES = Path(__file__).resolve().parents[1] / "models" / "migraties"


def maak_engine(url: str, *, migreren: bool = True) -> Engine:
    """An engine for `url`, with the database migrated to the newest schema (unless not `migreren`: an empty
    in-memory database that a copy will fill)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migreren:
        migreer(engine)
    return engine


def migreer(engine: Engine) -> None:
    # Imported here: alembic and its template engine (about 6 MB) are only needed by a process that opens a
    # database, not by the one that serves the Prefect deployments.
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIES))
    with engine.begin() as verbinding:
        config.attributes["connection"] = verbinding
        command.upgrade(config, "head")


@lru_cache
def database(url: str) -> Engine:
    """The engine for `url`, migrated once per process."""
    return maak_engine(url)


@contextmanager
def sessie(engine: Engine, inst: Instellingen | None = None) -> Iterator[Session]:
    """A unit of work: commits when the block succeeds, rolls back when it fails. The settings it is given
    travel with it to the core (see `instellingen_van`)."""
    with Session(engine, expire_on_commit=False, info={"instellingen": inst} if inst else None) as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


def _sqlite_pragmas(verbinding, _record) -> None:
    cursor = verbinding.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode a commit then no longer waits for the disk, yet survives a crash of the process: the sender's
    # "recorded as sent right after the server accepted it" holds; only a power cut can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def instellingen_van(session: Session) -> Instellingen:
    """The settings of this unit of work: the ones its use case passed in; without them (a test that drives the
    core directly) the defaults and the environment."""
    return session.info.get("instellingen") or Instellingen()
