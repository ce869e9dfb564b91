"""verzendclaim: a sender's lease on the messages it sends, giving up on long temporary refusals, named locks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 00:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vergrendeling",
        sa.Column("naam", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("moment", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("naam"),
    )
    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uitgesteld_sinds", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("geclaimd_door", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column("geclaimd_tot", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.drop_column("geclaimd_tot")
        batch_op.drop_column("geclaimd_door")
        batch_op.drop_column("uitgesteld_sinds")
    op.drop_table("vergrendeling")
