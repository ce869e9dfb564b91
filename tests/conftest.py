"""Shared fixtures: the project's own catalogue, and the engine's database on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel

from engine.catalogus import STANDAARD_MAP, Catalogus, laad_catalogus
from engine.database import maak_engine


@pytest.fixture(scope="session")
def catalogus() -> Catalogus:
    return laad_catalogus(STANDAARD_MAP)


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
