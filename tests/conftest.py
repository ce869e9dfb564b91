"""Shared fixtures: the project's own catalogue, loaded once."""

from __future__ import annotations

import pytest

from engine.catalogus import STANDAARD_MAP, Catalogus, laad_catalogus


@pytest.fixture(scope="session")
def catalogus() -> Catalogus:
    return laad_catalogus(STANDAARD_MAP)


# --- The engine's database: every core test runs on SQLite and on PostgreSQL -----------------------------

import os  # noqa: E402

from sqlalchemy import create_engine, text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from engine.database import maak_engine  # noqa: E402

POSTGRES = os.environ.get("INTEGRITEIT_TEST_POSTGRES", "postgresql+psycopg://root@127.0.0.1:5432/test")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_engine(request, tmp_path_factory):
    if request.param == "sqlite":
        engine = maak_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
    else:
        with create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as c:
            c.execute(text("DROP SCHEMA IF EXISTS integriteit_test CASCADE"))
            c.execute(text("CREATE SCHEMA integriteit_test"))
        engine = maak_engine(POSTGRES + "?options=-csearch_path%3Dintegriteit_test")
    yield engine
    engine.dispose()


@pytest.fixture
def session(db_engine):
    with Session(db_engine, expire_on_commit=False) as s:
        yield s
        s.rollback()
    with db_engine.begin() as c:
        for tabel in reversed(SQLModel.metadata.sorted_tables):
            c.execute(tabel.delete())
