"""A consistent copy of the engine's SQLite database while the engine runs (SQLite's online backup API).

The copy is taken in one step, which reads one snapshot: a watch or a sender that writes meanwhile is either
wholly in it or not at all (WAL lets them go on writing). It is written beside the target and renamed into place,
so a half-written backup never carries the target's name. PostgreSQL has its own tool for this: pg_dump.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from models.gebruikersfouten import Gebruikersfout


class GeenBackup(Gebruikersfout):
    """The backup cannot be made as asked (another database than SQLite, a target that exists)."""


def maak_backup(engine: Engine, doel: Path) -> Path:
    """Copy the database of `engine` to `doel`, which must not exist yet. Raises GeenBackup."""
    if engine.dialect.name != "sqlite":
        raise GeenBackup(
            "De database is PostgreSQL: maak de backup met pg_dump, bijvoorbeeld "
            "`pg_dump --format=custom --file integriteit.dump \"$URL\"` (zie de README, 'Voor de beheerder')."
        )
    if doel.exists():
        raise GeenBackup(f"{doel} bestaat al; kies een nieuw pad (een backup overschrijft niets).")
    doel.parent.mkdir(parents=True, exist_ok=True)
    deel = doel.with_name(doel.name + ".deel")
    bron = engine.raw_connection()
    try:
        kopie = sqlite3.connect(deel)
        try:
            bron.driver_connection.backup(kopie)
        finally:
            kopie.close()
    finally:
        bron.close()
    deel.rename(doel)
    return doel
