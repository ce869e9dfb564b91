"""`ruff check` is part of the test command: a lint error fails the suite like any other test."""

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).parents[1]


def test_ruff_finds_nothing():
    uitkomst = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=PROJECT, capture_output=True, text=True, check=False
    )
    assert uitkomst.returncode == 0, uitkomst.stdout + uitkomst.stderr
