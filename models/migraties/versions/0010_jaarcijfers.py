"""jaarcijfers: the coordinator's anonymous figures for the jaarverslag (Bijlage 2 section IV)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 12:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jaarcijfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jaar", sa.Integer(), nullable=False),
        sa.Column("categorie", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("aantal", sa.Integer(), nullable=False),
        sa.Column("omschrijving", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("vastgelegd", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("door_persoon_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["door_persoon_id"], ["persoon.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("jaarcijfer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jaarcijfer_jaar"), ["jaar"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jaarcijfer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jaarcijfer_jaar"))
    op.drop_table("jaarcijfer")
