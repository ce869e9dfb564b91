"""An empty database of its own, on SQLite and PostgreSQL, for the tests that run the migrations over a database
in use."""

import os

import pytest
from sqlalchemy import create_engine, event, text

from engine.database import _sqlite_pragmas
from testservers.postgres import met_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def lege_database(request, tmp_path):
    """An empty database of its own, not migrated (the engine's `maak_engine` would migrate it to the newest)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'oud.db'}")
        event.listen(engine, "connect", _sqlite_pragmas)
        yield engine
        engine.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    schema = f"integriteit_migraties_{os.getpid()}"
    beheer = create_engine(url, isolation_level="AUTOCOMMIT")
    with beheer.connect() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
    engine = create_engine(met_schema(url, schema))
    yield engine
    engine.dispose()
    with beheer.connect() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    beheer.dispose()
