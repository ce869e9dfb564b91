"""Rebuilding SQLite tables that other rows refer to, in a migration (batch mode) without losing a reference."""

from alembic import op
from sqlalchemy import text


def sqlite_zonder_sleutelcontrole(tabellen: tuple[str, ...]) -> bool:
    """SQLite cannot add or drop a constraint: batch mode builds each table anew, copies the rows, drops the old
    table and renames the new one. Dropping a table that other rows refer to fails while foreign keys are
    enforced, and that can only be switched off outside a transaction: so on SQLite a migration commits what
    ran before it, runs without foreign key enforcement, checks the references itself afterwards, and takes
    its connection out of the pool, so that no later session gets a connection that enforces nothing."""
    verbinding = op.get_bind()
    if verbinding.dialect.name != "sqlite" or not _verwezen(verbinding, tabellen):
        return False  # nothing refers to a row yet (a new database): enforcement cannot get in the way
    if not verbinding.exec_driver_sql("PRAGMA foreign_keys").scalar():
        return True  # an earlier migration of this run switched it off already
    sqlite = verbinding.connection.driver_connection
    if sqlite.in_transaction:
        sqlite.commit()  # the earlier migrations of this run, with their alembic_version
    verbinding.exec_driver_sql("PRAGMA foreign_keys=OFF")
    verbinding.detach()  # closed, not pooled, when the migration ends
    return True


def _verwezen(verbinding, tabellen: tuple[str, ...]) -> bool:
    """Whether any row exists that other rows may refer to, in the tables this migration builds anew."""
    return any(verbinding.execute(text(f"SELECT 1 FROM {tabel} LIMIT 1")).first() for tabel in tabellen)


def sleutels_kloppen() -> None:
    """What enforcement would have refused: a row that refers to a row that is gone."""
    if fout := op.get_bind().execute(text("PRAGMA foreign_key_check")).first():
        raise RuntimeError(f"verwijzing klopt niet na het omzetten van tabel {fout[0]}: {tuple(fout)}")
