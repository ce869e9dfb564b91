"""uitgestelde opmaak: a herinnering is queued without its text and rendered right before it is sent; the audit
trail's references are checked at commit

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 06:00:00
"""

import sqlalchemy as sa
from alembic import op

from models.migraties.sleutelcontrole import sleutels_kloppen, sqlite_zonder_sleutelcontrole

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

VERWIJZINGEN = {"ronde_id": "ronde", "verzoek_id": "verzoek", "persoon_id": "persoon", "bericht_id": "bericht"}
"""gebeurtenis's references; 0001 made them without a name, which PostgreSQL then gives as below."""
_HERBOUWD = ("bericht", "gebeurtenis")
"""The tables SQLite builds anew here; the audit trail's rows refer to messages."""


def upgrade() -> None:
    zonder_controle = sqlite_zonder_sleutelcontrole(_HERBOUWD)
    with op.batch_alter_table("bericht", schema=None) as batch_op:
        batch_op.alter_column("tekst", existing_type=sa.Text(), nullable=True)
    _verwijzingen(bij_commit=True)
    if zonder_controle:
        sleutels_kloppen()


def downgrade() -> None:
    zonder_controle = sqlite_zonder_sleutelcontrole(_HERBOUWD)
    _verwijzingen(bij_commit=False)
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
    if zonder_controle:
        sleutels_kloppen()


def _verwijzingen(*, bij_commit: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        wanneer = "DEFERRABLE INITIALLY DEFERRED" if bij_commit else "NOT DEFERRABLE"
        for kolom in VERWIJZINGEN:
            op.execute(f"ALTER TABLE gebeurtenis ALTER CONSTRAINT gebeurtenis_{kolom}_fkey {wanneer}")
        return
    # SQLite changes a constraint by rebuilding the table; the convention names the unnamed ones to drop them
    with op.batch_alter_table(
        "gebeurtenis", recreate="always", naming_convention={"fk": "fk_%(table_name)s_%(column_0_name)s"}
    ) as batch_op:
        for kolom, tabel in VERWIJZINGEN.items():
            batch_op.drop_constraint(f"fk_gebeurtenis_{kolom}", type_="foreignkey")
            batch_op.create_foreign_key(
                f"fk_gebeurtenis_{kolom}",
                tabel,
                [kolom],
                ["id"],
                **({"deferrable": True, "initially": "DEFERRED"} if bij_commit else {}),
            )
