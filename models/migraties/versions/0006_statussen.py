"""statussen: CHECK constraints on the state columns, and a message is never both sent and refused

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 12:00:00

The values are written out here, not taken from models.statussen: this migration keeps meaning what it meant
when a later one changes a state set (a later migration drops and recreates the constraint with the new set).
"""

from alembic import op
from sqlalchemy import text

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

RONDE = ("lopend", "voltooid", "verlopen")
VERZOEK = ("open", "herinnerd", "geescaleerd", "beantwoord", "verlopen", "vervallen")
MAP = ("Verwerkt", "Onbekend", "Automatisch", "Beoordelen")
UITKOMST = (
    "antwoord",
    "geen-wijzigingen",
    "te-laat",
    "afwezig",
    "bounce",
    "bounce-tijdelijk",
    "bounce-onbekend",
    "onbekend",
    "doorgestuurd",
    "afzender-wijkt-af",
    "afzender-onduidelijk",
    "authenticatie-mislukt",
    "alleen-onderwerp",
    "leeg",
    "onleesbaar",
    "zonder-datum",
)


def _in(kolom: str, waarden: tuple[str, ...]) -> str:
    return f"{kolom} IN ({', '.join(repr(w) for w in waarden)})"


def _sqlite_zonder_sleutelcontrole() -> bool:
    """SQLite cannot add or drop a constraint: batch mode builds each table anew, copies the rows, drops the old
    table and renames the new one. Dropping a table that other rows refer to fails while foreign keys are
    enforced, and that can only be switched off outside a transaction: so on SQLite this migration commits what
    ran before it, runs without foreign key enforcement, checks the references itself afterwards, and takes
    its connection out of the pool, so that no later session gets a connection that enforces nothing."""
    verbinding = op.get_bind()
    if verbinding.dialect.name != "sqlite" or not _verwezen(verbinding):
        return False  # nothing refers to a row yet (a new database): enforcement cannot get in the way
    sqlite = verbinding.connection.driver_connection
    if sqlite.in_transaction:
        sqlite.commit()  # the earlier migrations of this run, with their alembic_version
    verbinding.exec_driver_sql("PRAGMA foreign_keys=OFF")
    verbinding.detach()  # closed, not pooled, when the migration ends
    return True


def _verwezen(verbinding) -> bool:
    """Whether any row exists that other rows may refer to, in the tables this migration builds anew."""
    return any(
        verbinding.execute(text(f"SELECT 1 FROM {tabel} LIMIT 1")).first() for tabel in ("ronde", "verzoek", "bericht")
    )


def _sleutels_kloppen() -> None:
    """What enforcement would have refused: a row that refers to a row that is gone."""
    if fout := op.get_bind().execute(text("PRAGMA foreign_key_check")).first():
        raise RuntimeError(f"verwijzing klopt niet na het omzetten van tabel {fout[0]}: {tuple(fout)}")


def upgrade() -> None:
    zonder_controle = _sqlite_zonder_sleutelcontrole()
    with op.batch_alter_table("ronde", schema=None) as batch_op:
        batch_op.create_check_constraint("ck_ronde_status", _in("status", RONDE))
    with op.batch_alter_table("verzoek", schema=None) as batch_op:
        batch_op.create_check_constraint("ck_verzoek_status", _in("status", VERZOEK))
    with op.batch_alter_table("inkomend", schema=None) as batch_op:
        batch_op.create_check_constraint("ck_inkomend_map", _in("map", MAP))
        batch_op.create_check_constraint("ck_inkomend_uitkomst", _in("uitkomst", UITKOMST))
    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "ck_bericht_verzonden_geweigerd", "NOT (verzonden IS NOT NULL AND geweigerd IS NOT NULL)"
        )
    if zonder_controle:
        _sleutels_kloppen()


def downgrade() -> None:
    zonder_controle = _sqlite_zonder_sleutelcontrole()
    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.drop_constraint("ck_bericht_verzonden_geweigerd", type_="check")
    with op.batch_alter_table("inkomend", schema=None) as batch_op:
        batch_op.drop_constraint("ck_inkomend_uitkomst", type_="check")
        batch_op.drop_constraint("ck_inkomend_map", type_="check")
    with op.batch_alter_table("verzoek", schema=None) as batch_op:
        batch_op.drop_constraint("ck_verzoek_status", type_="check")
    with op.batch_alter_table("ronde", schema=None) as batch_op:
        batch_op.drop_constraint("ck_ronde_status", type_="check")
    if zonder_controle:
        _sleutels_kloppen()
