"""index persoon.bijgewerkt: the daily watch asks when any person last changed

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_persoon_bijgewerkt", "persoon", ["bijgewerkt"])


def downgrade() -> None:
    op.drop_index("ix_persoon_bijgewerkt", table_name="persoon")
