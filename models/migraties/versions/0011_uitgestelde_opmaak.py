"""uitgestelde opmaak: a herinnering is queued without its text and rendered right before it is sent

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.alter_column("tekst", existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    bericht = sa.table("bericht", sa.column("tekst", sa.Text()), sa.column("geweigerd", sa.DateTime()))
    # a refused message was never sent: nothing of it is lost by an empty text
    op.execute(bericht.update().where(bericht.c.tekst.is_(None), bericht.c.geweigerd.is_not(None)).values(tekst=""))
    wachtend = op.get_bind().execute(sa.select(sa.func.count()).where(bericht.c.tekst.is_(None))).scalar_one()
    if wachtend:
        raise RuntimeError(
            f"{wachtend} herinneringen staan nog klaar zonder opgemaakte tekst; verstuur ze eerst (integriteit verzend)"
        )
    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.alter_column("tekst", existing_type=sa.Text(), nullable=False)
