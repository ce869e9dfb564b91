"""registers: one row per version of a register entry (registerregel); the unused register tables go

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00

The old tables nevenfunctie, financieelbelang and geschenk were never written: they are dropped, and come back
empty on a downgrade. Creating and dropping whole tables needs no batch mode on SQLite (nothing refers to them,
and the new table has its constraints from the start). The state set is written out here, as in 0006.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REGEL = ("voorgesteld", "aanvaard", "teruggestuurd", "vervangen")


def upgrade() -> None:
    op.create_table(
        "registerregel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regel", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.Column("persoon_id", sa.Integer(), nullable=False),
        sa.Column("register", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("proces", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("velden", sa.Text(), nullable=True),
        sa.Column("tekst", sa.Text(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("ingediend", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kanaal", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("verzoek_id", sa.Integer(), nullable=True),
        sa.Column("antwoord_id", sa.Integer(), nullable=True),
        sa.Column("beoordeeld", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("beoordelaar_id", sa.Integer(), nullable=True),
        sa.Column("opmerking", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["antwoord_id"], ["antwoord.id"]),
        sa.ForeignKeyConstraint(["beoordelaar_id"], ["persoon.id"]),
        sa.ForeignKeyConstraint(["persoon_id"], ["persoon.id"]),
        sa.ForeignKeyConstraint(["verzoek_id"], ["verzoek.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("regel", "versie", name="uq_registerregel_regel_versie"),
        sa.CheckConstraint(f"status IN ({', '.join(repr(w) for w in REGEL)})", name="ck_registerregel_status"),
        sa.CheckConstraint("velden IS NOT NULL OR tekst IS NOT NULL", name="ck_registerregel_inhoud"),
    )
    with op.batch_alter_table("registerregel", schema=None) as batch_op:
        batch_op.create_index("ix_registerregel_persoon_register", ["persoon_id", "register"], unique=False)
        batch_op.create_index(batch_op.f("ix_registerregel_regel"), ["regel"], unique=False)
        batch_op.create_index(batch_op.f("ix_registerregel_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_registerregel_verzoek_id"), ["verzoek_id"], unique=False)

    for tabel in ("nevenfunctie", "geschenk", "financieelbelang"):
        with op.batch_alter_table(tabel, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{tabel}_persoon_id"))
        op.drop_table(tabel)


def downgrade() -> None:
    with op.batch_alter_table("registerregel", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registerregel_verzoek_id"))
        batch_op.drop_index(batch_op.f("ix_registerregel_status"))
        batch_op.drop_index(batch_op.f("ix_registerregel_regel"))
        batch_op.drop_index("ix_registerregel_persoon_register")
    op.drop_table("registerregel")

    op.create_table(
        "financieelbelang",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("persoon_id", sa.Integer(), nullable=False),
        sa.Column("omschrijving", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("vanaf", sa.Date(), nullable=True),
        sa.Column("tot", sa.Date(), nullable=True),
        sa.Column("antwoord_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["antwoord_id"], ["antwoord.id"]),
        sa.ForeignKeyConstraint(["persoon_id"], ["persoon.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "geschenk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("persoon_id", sa.Integer(), nullable=False),
        sa.Column("omschrijving", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("gever", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("waarde", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("ontvangen", sa.Date(), nullable=True),
        sa.Column("bestemming", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("antwoord_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["antwoord_id"], ["antwoord.id"]),
        sa.ForeignKeyConstraint(["persoon_id"], ["persoon.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "nevenfunctie",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("persoon_id", sa.Integer(), nullable=False),
        sa.Column("omschrijving", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("organisatie", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("betaald", sa.Boolean(), nullable=False),
        sa.Column("qq", sa.Boolean(), nullable=False),
        sa.Column("beperkingen", sa.Text(), nullable=True),
        sa.Column("vanaf", sa.Date(), nullable=True),
        sa.Column("tot", sa.Date(), nullable=True),
        sa.Column("antwoord_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["antwoord_id"], ["antwoord.id"]),
        sa.ForeignKeyConstraint(["persoon_id"], ["persoon.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for tabel in ("financieelbelang", "geschenk", "nevenfunctie"):
        with op.batch_alter_table(tabel, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{tabel}_persoon_id"), ["persoon_id"], unique=False)
