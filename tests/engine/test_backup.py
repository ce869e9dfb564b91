"""A backup of the SQLite database made while a watch writes is consistent: restored, its audit chain verifies
and the watch runs on it. On PostgreSQL the command points to pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine

from engine import diensten
from engine.backup import GeenBackup
from engine.database import maak_engine
from engine.diensten import Omgeving
from models.instellingen import Instellingen
from models.werkdagen import TIJDZONE

START = datetime(2027, 3, 1, 8, 0, tzinfo=TIJDZONE)


@pytest.fixture
def omg(tmp_path, catalogus) -> Omgeving:
    omgeving = Omgeving(maak_engine(f"sqlite:///{tmp_path / 'integriteit.db'}"), catalogus, Instellingen())
    diensten.importeer_personen(omgeving, bestand=None, nu=START - timedelta(days=1))
    return omgeving


def test_a_backup_made_while_the_watch_writes_restores_and_runs(omg, tmp_path):
    def bewaak_dagen() -> None:
        for dag in range(40):
            diensten.bewaak(omg, nu=START + timedelta(days=dag), verzenden=False)

    bewaking = threading.Thread(target=bewaak_dagen)
    bewaking.start()
    backups = []
    while bewaking.is_alive():  # as many as fit in the watch's time, at least one while it runs
        backups.append(diensten.maak_backup(omg, doel=tmp_path / f"backup-{len(backups)}.db"))
    bewaking.join()
    assert backups

    hersteld = tmp_path / "hersteld.db"
    shutil.copy(backups[len(backups) // 2], hersteld)
    with sqlite3.connect(hersteld) as c:
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    terug = Omgeving(maak_engine(f"sqlite:///{hersteld}"), omg.catalogus, Instellingen())
    assert diensten.controleer_audit(terug).breuk is None
    diensten.bewaak(terug, nu=START + timedelta(days=60), verzenden=False)
    assert diensten.controleer_audit(terug).breuk is None
    assert diensten.rondes_status(terug)


def test_a_backup_never_overwrites(omg, tmp_path):
    bestaand = tmp_path / "al-daar.db"
    bestaand.write_text("iets anders")
    with pytest.raises(GeenBackup, match="bestaat al"):
        diensten.maak_backup(omg, doel=bestaand)
    assert bestaand.read_text() == "iets anders"


def test_on_postgresql_the_backup_points_to_pg_dump(postgres_url, catalogus, tmp_path):
    omg = Omgeving(create_engine(postgres_url), catalogus, Instellingen())
    with pytest.raises(GeenBackup, match="pg_dump"):
        diensten.maak_backup(omg, doel=tmp_path / "backup.db")
    assert not (tmp_path / "backup.db").exists()
