"""What every command shares: a problem of the moment is one Dutch line and an exit code, never a traceback."""

from __future__ import annotations

import sqlite3

import pytest
import typer
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from cli.gedeeld import BEZET, afgehandeld
from cli.main import app
from models.instellingen import instellingen


def test_a_database_busy_beyond_its_timeout_is_one_dutch_line(tmp_path):
    pad = tmp_path / "bezet.db"
    houder = sqlite3.connect(pad, isolation_level=None)
    houder.execute("CREATE TABLE t (x)")
    houder.execute("BEGIN EXCLUSIVE")  # another writer that does not let go
    ongeduldig = create_engine(f"sqlite:///{pad}", connect_args={"timeout": 0.1})  # the engine's 30 s, shortened

    def schrijf() -> None:
        with ongeduldig.begin() as verbinding:
            verbinding.execute(text("INSERT INTO t VALUES (1)"))

    opdracht = typer.Typer()
    opdracht.command()(afgehandeld(schrijf))
    uitkomst = CliRunner().invoke(opdracht, [])
    houder.close()
    assert uitkomst.exit_code == 1
    assert uitkomst.output.strip() == BEZET and "locked" not in uitkomst.output


VERZENDEN = {
    "verzend": ["verzend"],
    "bewaking": ["bewaking"],
    "ronde start": ["ronde", "start", "nevenfuncties-statenleden"],
    "postvak": ["postvak"],
    "antwoord": ["antwoord", "0" * 32, "--geen-wijzigingen"],
    "bevestig": ["bevestig", "kwetsbare-functies", "--datum", "2027-03-01"],
    "web": ["web"],
}


@pytest.mark.parametrize("opdracht", VERZENDEN.values(), ids=VERZENDEN.keys())
def test_every_command_that_sends_refuses_real_mail_linking_to_this_machine_before_it_does_anything(
    opdracht, tmp_path, monkeypatch
):
    database = tmp_path / "integriteit.db"
    monkeypatch.setenv("INTEGRITEIT_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("INTEGRITEIT_SMTP_HOST", "smtp.provincie-utrecht.example")  # real mail; never reached
    instellingen.cache_clear()
    uitkomst = CliRunner().invoke(app, opdracht)
    instellingen.cache_clear()
    assert uitkomst.exit_code == 1, uitkomst.output
    assert uitkomst.stderr.startswith(
        "INTEGRITEIT_BASIS_URL is http://127.0.0.1:8000, terwijl er echte e-mail uitgaat via "
        "smtp.provincie-utrecht.example: de links in die e-mails zouden naar de computer van de ontvanger wijzen."
    )
    assert not database.exists()  # refused before the database was even opened


def test_a_command_that_sends_nothing_runs_with_the_same_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("INTEGRITEIT_DATABASE_URL", f"sqlite:///{tmp_path / 'integriteit.db'}")
    monkeypatch.setenv("INTEGRITEIT_SMTP_HOST", "smtp.provincie-utrecht.example")
    instellingen.cache_clear()
    uitkomst = CliRunner().invoke(app, ["status"])
    instellingen.cache_clear()
    assert uitkomst.exit_code == 0, uitkomst.output
