"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL; SQLite lets writers take
turns."""

import itertools
from datetime import datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, func, select

from engine import diensten
from engine.antwoorden import Invoer
from engine.database import maak_engine
from models.instellingen import Instellingen
from models.tabellen import Antwoord, Verzoek
from models.werkdagen import TIJDZONE
from tests.engine.test_gelijktijdig_verzenden import tegelijk

MAART = datetime(2027, 3, 1, 10, 0, tzinfo=TIJDZONE)
HERINNERING = datetime(2027, 3, 15, 10, 0, tzinfo=TIJDZONE)


def test_migrations_match_the_models(db_engine):
    with db_engine.connect() as verbinding:
        verschillen = compare_metadata(MigrationContext.configure(verbinding), SQLModel.metadata)
    assert verschillen == []


def test_sqlite_writers_at_once_wait_for_each_other_and_never_fail_as_locked(tmp_path, catalogus):
    """The daily watch reminding a thousand people, a persons import and answers one by one, all at the same
    moment on one SQLite file: WAL and the busy timeout make them take turns; none sees `database is locked`."""
    url = f"sqlite:///{tmp_path / 'druk.db'}"
    omg = diensten.Omgeving(maak_engine(url), catalogus, Instellingen(database_url=url))
    diensten.importeer_personen(omg, bestand=None, nu=MAART)
    diensten.bewaak(omg, nu=MAART, verzenden=False)
    with omg.werk() as s:
        tokens = s.exec(select(Verzoek.token).order_by(Verzoek.id)).all()

    def antwoorden(deel: list[str]):
        return lambda: [
            diensten.beantwoord(omg, invoer=[Invoer(t, kanaal="web", geen_wijzigingen=True)], nu=HERINNERING)
            for t in deel
        ]

    werk = [
        lambda: diensten.bewaak(omg, nu=HERINNERING, verzenden=False),
        lambda: diensten.importeer_personen(omg, bestand=None, nu=HERINNERING),
        antwoorden(tokens[:40]),
        antwoorden(tokens[-40:]),
    ]
    volgende = itertools.count()  # each thread takes the next piece of work
    fouten = tegelijk(len(werk), lambda: werk[next(volgende)]())
    assert fouten == []
    with omg.werk() as s:
        assert s.exec(select(func.count()).select_from(Antwoord)).one() == 80
