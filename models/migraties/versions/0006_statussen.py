"""statussen: CHECK constraints on the state columns, and a message is never both sent and refused

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 12:00:00

The values are written out here, not taken from models.statussen: this migration keeps meaning what it meant
when a later one changes a state set (a later migration drops and recreates the constraint with the new set).
"""

from alembic import op

from models.migraties.sleutelcontrole import sleutels_kloppen, sqlite_zonder_sleutelcontrole

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


def upgrade() -> None:
    zonder_controle = sqlite_zonder_sleutelcontrole(("ronde", "verzoek", "bericht"))
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
        sleutels_kloppen()


def downgrade() -> None:
    zonder_controle = sqlite_zonder_sleutelcontrole(("ronde", "verzoek", "bericht"))
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
        sleutels_kloppen()
