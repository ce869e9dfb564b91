"""What every command shares: a problem of the moment is one Dutch line and an exit code, never a traceback."""

from __future__ import annotations

import sqlite3

import typer
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from cli.gedeeld import BEZET, afgehandeld


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
