"""Alembic environment: migrations run on the connection `engine.database.migreer` hands over."""

from alembic import context
from sqlmodel import SQLModel

import models.tabellen  # noqa: F401 - registers the tables on SQLModel.metadata

verbinding = context.config.attributes["connection"]
context.configure(
    connection=verbinding,
    target_metadata=SQLModel.metadata,
    render_as_batch=verbinding.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
