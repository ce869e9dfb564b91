"""`python -m benchmarks --snel` runs every benchmark at its small size and writes one table: every figure of
issue 15 has its row with a goal and a value, so the benchmarks cannot rot. No timing is asserted."""

from __future__ import annotations

import json

import pytest

from benchmarks.__main__ import main

CIJFERS = (
    "simulate",
    "daily watch on PostgreSQL",
    "the same watch",
    "send",
    "read, match and record replies",
    "through Prefect vs the core",
    "resident memory",
    "`integriteit start`",
    "one-click answers through the web",
)


@pytest.mark.traag
def test_every_benchmark_runs_at_its_small_size_into_one_table(postgres_url, tmp_path, capsys):
    uitslag = main(["--snel", "--uit", str(tmp_path / "uitslag.json"), "--database", postgres_url])

    assert json.loads((tmp_path / "uitslag.json").read_text()) == uitslag
    assert uitslag["snel"] and uitslag["datum"] and "cores" in uitslag["machine"]
    regels = uitslag["regels"]
    assert [next(i for i, r in enumerate(regels) if c in r["cijfer"]) for c in CIJFERS] == list(range(9))
    assert all(r["doel"] and r["nu"] for r in regels)
    uitvoer = capsys.readouterr().out
    assert "| figure" in uitvoer and "baseline ratio" in uitvoer
