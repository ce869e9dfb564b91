"""persoonsrondes: a person's own dates, and rondes for one person (started by an event or such a date)

Revision ID: 0009
Revises: 0008

A calendar ronde stays unique on proces, stap and start date (now a partial index: where persoon_id is null);
a ronde for one person is unique on those and the person.
"""

import sqlalchemy as sa
from alembic import op

from models.migraties.sleutelcontrole import sleutels_kloppen, sqlite_zonder_sleutelcontrole

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_KALENDER = sa.text("persoon_id IS NULL")


def upgrade() -> None:
    zonder_controle = sqlite_zonder_sleutelcontrole(("ronde",))
    with op.batch_alter_table("persoon", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_dienst", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("uit_dienst", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("benoemd", sa.Date(), nullable=True))
    with op.batch_alter_table("ronde", schema=None) as batch_op:
        batch_op.add_column(sa.Column("persoon_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("gebeurtenis_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_ronde_persoon_id_persoon", "persoon", ["persoon_id"], ["id"])
        batch_op.drop_constraint("uq_ronde_proces_stap_start", type_="unique")
        batch_op.create_unique_constraint(
            "uq_ronde_proces_stap_start_persoon", ["proces", "stap", "startdatum", "persoon_id"]
        )
    op.create_index(
        "uq_ronde_proces_stap_start",
        "ronde",
        ["proces", "stap", "startdatum"],
        unique=True,
        sqlite_where=_KALENDER,
        postgresql_where=_KALENDER,
    )
    if zonder_controle:
        sleutels_kloppen()


def downgrade() -> None:
    zonder_controle = sqlite_zonder_sleutelcontrole(("ronde",))
    op.drop_index("uq_ronde_proces_stap_start", table_name="ronde")
    with op.batch_alter_table("ronde", schema=None) as batch_op:
        batch_op.drop_constraint("uq_ronde_proces_stap_start_persoon", type_="unique")
        batch_op.create_unique_constraint("uq_ronde_proces_stap_start", ["proces", "stap", "startdatum"])
        batch_op.drop_constraint("fk_ronde_persoon_id_persoon", type_="foreignkey")
        batch_op.drop_column("gebeurtenis_id")
        batch_op.drop_column("persoon_id")
    with op.batch_alter_table("persoon", schema=None) as batch_op:
        batch_op.drop_column("benoemd")
        batch_op.drop_column("uit_dienst")
        batch_op.drop_column("in_dienst")
    if zonder_controle:
        sleutels_kloppen()
