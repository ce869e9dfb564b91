"""persoon.slug: the address of a person's public pages, given once and never changed, so that namesakes keep
pages of their own; the persons already stored get theirs in the order they were stored

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-04 06:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.publicatie import vrije_slug

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A column and an index are added in place, on SQLite too: no table is built anew, so no reference is at risk.
    op.add_column("persoon", sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=220), nullable=True))
    persoon = sa.table("persoon", sa.column("id", sa.Integer()), sa.column("naam"), sa.column("slug"))
    verbinding = op.get_bind()
    bezet: set[str] = set()
    slugs = [
        {"rij": id_, "nieuw": vrije_slug(naam, bezet)}
        for id_, naam in verbinding.execute(sa.select(persoon.c.id, persoon.c.naam).order_by(persoon.c.id))
    ]
    if slugs:
        verbinding.execute(
            persoon.update().where(persoon.c.id == sa.bindparam("rij")).values(slug=sa.bindparam("nieuw")), slugs
        )
    op.create_index(op.f("ix_persoon_slug"), "persoon", ["slug"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_persoon_slug"), table_name="persoon")
    op.drop_column("persoon", "slug")  # SQLite drops a column in place (3.35 and later)
