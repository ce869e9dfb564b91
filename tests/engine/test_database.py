"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel


def test_migrations_match_the_models(db_engine):
    with db_engine.connect() as verbinding:
        verschillen = compare_metadata(MigrationContext.configure(verbinding), SQLModel.metadata)
    assert verschillen == []
