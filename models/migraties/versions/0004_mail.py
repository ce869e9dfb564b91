"""mail: incoming messages, and the outbox's HTML part, Message-ID and delivery state

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 19:15:10.580518
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inkomend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=998), nullable=False),
        sa.Column("ontvangen", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("afzender", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("onderwerp", sqlmodel.sql.sqltypes.AutoString(length=998), nullable=True),
        sa.Column("map", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("uitkomst", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("verzoek_id", sa.Integer(), nullable=True),
        sa.Column("antwoord_id", sa.Integer(), nullable=True),
        sa.Column("tekst", sa.Text(), nullable=True),
        sa.Column("ruw", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["antwoord_id"],
            ["antwoord.id"],
        ),
        sa.ForeignKeyConstraint(
            ["verzoek_id"],
            ["verzoek.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    with op.batch_alter_table("inkomend", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inkomend_verzoek_id"), ["verzoek_id"], unique=False)

    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column("geweigerd", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("pogingen", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("fout", sa.Text(), nullable=True))
    # Messages queued before this release get a Message-ID of their own.
    op.execute("UPDATE bericht SET message_id = '<bericht.' || id || '@integriteit.invalid>'")
    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.alter_column("message_id", existing_type=sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False)
        batch_op.alter_column("pogingen", server_default=None)
        batch_op.create_unique_constraint("uq_bericht_message_id", ["message_id"])


def downgrade() -> None:
    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.drop_constraint("uq_bericht_message_id", type_="unique")
        batch_op.drop_column("fout")
        batch_op.drop_column("pogingen")
        batch_op.drop_column("geweigerd")
        batch_op.drop_column("message_id")
        batch_op.drop_column("html")

    with op.batch_alter_table("inkomend", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inkomend_verzoek_id"))

    op.drop_table("inkomend")
