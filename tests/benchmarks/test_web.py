"""benchmarks/web.py with tiny sizes, so it keeps running: every answer posted and counted, no timing asserted."""

from __future__ import annotations

import pytest

from benchmarks import web


@pytest.mark.traag
def test_the_web_benchmark_runs_and_counts_every_answer(postgres_url, capsys):
    uitkomst = web.main(["--aantal", "20", "--clients", "4", "--database", postgres_url])
    assert uitkomst.beantwoord_web == uitkomst.beantwoord_direct == 20
    uitvoer = capsys.readouterr().out
    assert "answers/s" in uitvoer and "ratio web/direct" in uitvoer
    assert "20 of 20 answered through the web, 20 directly" in uitvoer
