"""The beheerder's commands: inzage as JSON, the audit chain's check naming an edited row, a backup."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from cli.main import app
from models.instellingen import instellingen

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'integriteit.db'}"
    monkeypatch.setenv("INTEGRITEIT_DATABASE_URL", url)
    instellingen.cache_clear()
    assert runner.invoke(app, ["personen", "importeer", "--demo", "--nu", "2027-02-01"]).exit_code == 0
    assert runner.invoke(app, ["ronde", "start", "nevenfuncties-gs", "--nu", "2027-03-01T10:00"]).exit_code == 0
    yield create_engine(url)
    instellingen.cache_clear()


def test_inzage_prints_the_persons_data_as_json(database):
    with database.connect() as c:
        email = c.execute(text("SELECT email FROM persoon WHERE rollen LIKE '%gs-lid%' LIMIT 1")).scalar_one()
    uitkomst = runner.invoke(app, ["inzage", email])
    assert uitkomst.exit_code == 0
    [dossier] = json.loads(uitkomst.stdout)["personen"]
    assert dossier["persoon"]["email"] == email and len(dossier["verzoeken"]) == 1


def test_inzage_of_an_unknown_person_says_so(database):
    uitkomst = runner.invoke(app, ["inzage", "niemand@example.org"])
    assert uitkomst.exit_code == 1 and "niemand@example.org" in uitkomst.stderr


def test_audit_controleer_names_the_row_edited_in_sql(database):
    uitkomst = runner.invoke(app, ["audit", "controleer"])
    assert uitkomst.exit_code == 0 and "ongebroken" in uitkomst.stdout
    with database.begin() as c:
        c.execute(text("UPDATE gebeurtenis SET soort = 'niets' WHERE volgnummer = 3"))
        rij = c.execute(text("SELECT id FROM gebeurtenis WHERE volgnummer = 3")).scalar_one()
    uitkomst = runner.invoke(app, ["audit", "controleer"])
    assert uitkomst.exit_code == 1
    assert f"gebeurtenis {rij} (volgnummer 3)" in uitkomst.stderr and "De 2 gebeurtenissen ervoor" in uitkomst.stderr


def test_backup_writes_a_new_file_and_refuses_an_existing_one(database, tmp_path):
    assert runner.invoke(app, ["backup", str(tmp_path / "kopie.db")]).exit_code == 0
    tweede = runner.invoke(app, ["backup", str(tmp_path / "kopie.db")])
    assert tweede.exit_code == 1 and "bestaat al" in tweede.stderr
