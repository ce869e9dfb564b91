"""index verzoek (ronde_id, status): counting a ronde's open verzoeken

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_verzoek_ronde_status", "verzoek", ["ronde_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_verzoek_ronde_status", table_name="verzoek")
