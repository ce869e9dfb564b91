"""claims of finished messages end: a sent message that still holds a claim is one whose gebeurtenis is not booked

An index on the claim lets each sender find what is left to book without reading every sent message.

Before this revision a sender left its claim on the messages it finished. The sender now books the
`bericht-verzonden` gebeurtenis of a sent message when its block ends, and takes the claim off then; a sent
message with a claim is one still to be booked (engine.verzenden). The old claims would be booked a second time.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 06:30:00
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE bericht SET geclaimd_door = NULL, geclaimd_tot = NULL "
        "WHERE geclaimd_door IS NOT NULL AND (verzonden IS NOT NULL OR geweigerd IS NOT NULL)"
    )
    op.create_index("ix_bericht_geclaimd_door", "bericht", ["geclaimd_door"])


def downgrade() -> None:
    op.drop_index("ix_bericht_geclaimd_door", "bericht")  # the ended claims carried nothing
