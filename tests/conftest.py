"""Shared fixtures: the project's own catalogue, the engine's database on SQLite and on PostgreSQL (the
machine's, or one this session starts itself), and real mail servers: aiosmtpd for SMTP, Debian's Dovecot for
IMAP (installed with apt-get when missing and this machine allows it)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel

from engine.catalogus import STANDAARD_MAP, Catalogus, laad_catalogus
from engine.database import maak_engine
from testservers.dovecot import dovecot
from testservers.postgres import kies_postgres, met_schema
from testservers.smtp import Postbode
from testservers.smtp import smtp_server as start_smtp


@pytest.fixture(scope="session")
def catalogus() -> Catalogus:
    return laad_catalogus(STANDAARD_MAP)


@pytest.fixture(scope="session")
def melding(request) -> Callable[[str], None]:
    """Writes one line to the terminal, also while pytest captures the tests' output."""
    vangst = request.config.pluginmanager.getplugin("capturemanager")
    terminal = request.config.pluginmanager.getplugin("terminalreporter")

    def meld(tekst: str) -> None:
        with vangst.global_and_fixture_disabled():
            terminal.write("\n")  # the progress dots may fill the current line
            terminal.write_line(tekst)

    return meld


@pytest.fixture(scope="session")
def postgres_url(melding) -> Iterator[str]:
    """The SQLAlchemy URL of the PostgreSQL database for the tests, chosen as the benchmarks choose theirs
    (`kies_postgres`: INTEGRITEIT_TEST_POSTGRES, else the machine's server, else one of this session's own)."""
    with kies_postgres(melding=melding) as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_engine(request, tmp_path_factory):
    if request.param == "sqlite":
        engine = maak_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
    else:
        url = request.getfixturevalue("postgres_url")  # only here: SQLite-only runs need no PostgreSQL
        schema = f"integriteit_test_{os.getpid()}"  # a schema per test run: runs side by side never meet
        _schema(url, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        engine = maak_engine(met_schema(url, schema))
        request.addfinalizer(lambda: _schema(url, f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    yield engine
    engine.dispose()


def _schema(url: str, sql: str) -> None:
    beheer = create_engine(url, isolation_level="AUTOCOMMIT")
    with beheer.connect() as c:
        c.execute(text(sql))
    beheer.dispose()


@pytest.fixture
def session(db_engine):
    with Session(db_engine, expire_on_commit=False) as s:
        yield s
        s.rollback()
    with db_engine.begin() as c:
        for tabel in reversed(SQLModel.metadata.sorted_tables):
            c.execute(tabel.delete())


@pytest.fixture
def smtp_server():
    postbode = Postbode()
    with start_smtp(postbode) as controller:
        yield controller, postbode


@pytest.fixture(scope="session")
def imap_server(melding):
    try:
        with dovecot(melding) as server:
            yield server
    except RuntimeError as fout:
        pytest.fail(str(fout))
