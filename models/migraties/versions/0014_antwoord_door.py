"""antwoord.door: who made a confirmation when it was not the verzoek's own person: the logged-in eigenaar by
name, or the eigenaar's role through a channel that knows no person ("statengriffie, via Prefect")

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-05 06:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("antwoord", sa.Column("door", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column("antwoord", "door")  # SQLite drops a column in place (3.35 and later)
