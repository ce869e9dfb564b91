"""antwoord.ronde_id: every answer belongs to its ronde; a confirmation by a role (through Prefect or the CLI) or
by an eigenaar without a verzoek in the ronde belongs to the ronde alone, so antwoord.verzoek_id may be empty

Revision ID: 0015
Revises: 0014
Create Date: 2027-01-06 06:00:00
"""

import sqlalchemy as sa
from alembic import op

from models.migraties.sleutelcontrole import sleutels_kloppen, sqlite_zonder_sleutelcontrole

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_HERBOUWD = ("antwoord",)
"""The table SQLite builds anew here; inkomend and registerregel rows refer to answers."""
_ANTWOORD = sa.table("antwoord", sa.column("id"), sa.column("ronde_id"), sa.column("verzoek_id"))
_VERZOEK = sa.table("verzoek", sa.column("id"), sa.column("ronde_id"))


def upgrade() -> None:
    zonder_controle = sqlite_zonder_sleutelcontrole(_HERBOUWD)
    op.add_column("antwoord", sa.Column("ronde_id", sa.Integer(), nullable=True))
    van_het_verzoek = sa.select(_VERZOEK.c.ronde_id).where(_VERZOEK.c.id == _ANTWOORD.c.verzoek_id)
    op.execute(_ANTWOORD.update().values(ronde_id=van_het_verzoek.scalar_subquery()))
    with op.batch_alter_table("antwoord", schema=None) as batch_op:
        batch_op.alter_column("ronde_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("verzoek_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key("fk_antwoord_ronde_id_ronde", "ronde", ["ronde_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_antwoord_ronde_id"), ["ronde_id"], unique=False)
    if zonder_controle:
        sleutels_kloppen()


def downgrade() -> None:
    """An answer of the ronde alone goes back on the ronde's first verzoek, where the engine kept it before (its
    `door` still says who confirmed); a ronde without any verzoek leaves it nowhere to go."""
    zonder_controle = sqlite_zonder_sleutelcontrole(_HERBOUWD)
    in_de_ronde = _VERZOEK.c.ronde_id == _ANTWOORD.c.ronde_id
    zonder_verzoek = _ANTWOORD.c.verzoek_id.is_(None)
    nergens = (
        op.get_bind()
        .execute(
            sa.select(sa.func.count()).select_from(_ANTWOORD).where(zonder_verzoek, ~sa.exists().where(in_de_ronde))
        )
        .scalar_one()
    )
    if nergens:
        raise RuntimeError(
            f"{nergens} bevestigingen horen bij een ronde zonder verzoeken; vóór 0015 moet een antwoord bij een "
            "verzoek horen, dus deze versie kan ze niet bewaren"
        )
    eerste = sa.select(sa.func.min(_VERZOEK.c.id)).where(in_de_ronde).scalar_subquery()
    op.execute(_ANTWOORD.update().where(zonder_verzoek).values(verzoek_id=eerste))
    with op.batch_alter_table("antwoord", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_antwoord_ronde_id"))
        batch_op.drop_constraint("fk_antwoord_ronde_id_ronde", type_="foreignkey")
        batch_op.alter_column("verzoek_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("ronde_id")
    if zonder_controle:
        sleutels_kloppen()
