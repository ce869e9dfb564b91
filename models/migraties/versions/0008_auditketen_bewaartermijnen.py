"""auditketen en bewaartermijnen: every gebeurtenis carries a place in the chain, the digest of its details and a
hash; the moments retention counts from are indexed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 12:00:00

The rows that exist are chained here, in the order of their ids, with the same functions the engine uses for
new rows (`models.keten`, whose format is frozen).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.keten import BEGIN, VELDEN, digest, schakel

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BEWAARMOMENTEN = (("antwoord", "ontvangen"), ("inkomend", "ontvangen"), ("registerregel", "ingediend"))
"""The columns the daily purge reads a window of (engine.bewaartermijnen)."""

_GEBEURTENIS = sa.table(
    "gebeurtenis",
    sa.column("id", sa.Integer()),
    sa.column("moment", sqlmodel.sql.sqltypes.UTCDateTime()),
    *(sa.column(veld, sa.Integer()) for veld in VELDEN if veld.endswith("_id") or veld == "volgnummer"),
    sa.column("soort", sa.String()),
    sa.column("proces", sa.String()),
    sa.column("details", sa.Text()),
    sa.column("details_digest", sa.String()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("gebeurtenis", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("volgnummer", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_gebeurtenis_volgnummer"), ["volgnummer"], unique=True)
    _keten_bestaande_rijen()
    for tabel, kolom in _BEWAARMOMENTEN:
        with op.batch_alter_table(tabel, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{tabel}_{kolom}"), [kolom], unique=False)


def _keten_bestaande_rijen() -> None:
    verbinding = op.get_bind()
    g = _GEBEURTENIS.c
    rijen = verbinding.execute(sa.select(_GEBEURTENIS).order_by(g.id)).mappings().all()
    vorige, wijzigingen = BEGIN, []
    for volgnummer, rij in enumerate(rijen, start=1):
        rij = dict(rij) | {"volgnummer": volgnummer, "details_digest": digest(rij["details"])}
        vorige = schakel(vorige, rij)
        wijzigingen.append({"b_id": rij["id"], "v": volgnummer, "d": rij["details_digest"], "h": vorige})
    if wijzigingen:
        verbinding.execute(
            _GEBEURTENIS.update()
            .where(g.id == sa.bindparam("b_id"))
            .values(volgnummer=sa.bindparam("v"), details_digest=sa.bindparam("d"), hash=sa.bindparam("h")),
            wijzigingen,
        )


def downgrade() -> None:
    for tabel, kolom in _BEWAARMOMENTEN:
        with op.batch_alter_table(tabel, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{tabel}_{kolom}"))
    with op.batch_alter_table("gebeurtenis", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gebeurtenis_volgnummer"))
        batch_op.drop_column("hash")
        batch_op.drop_column("volgnummer")
        batch_op.drop_column("details_digest")
