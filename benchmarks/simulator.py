"""The simulator over ten years of the whole catalogue with the demo organisation, as a user runs it.

    uv run python -m benchmarks.simulator [--snel]

1. `integriteit simuleer --van 2027-01-01 --tot 2036-12-31 --json` in a process of its own: seconds from start
   to the JSON, and the CPU seconds it used (after one short warm-up run, so Python's bytecode is written as on
   any installed machine).
2. Baseline: the simulator in this process over one year, skipping to the next moment with work against
   watching every day; the ratio is how many times faster skipping is, with the same outcome asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

from benchmarks.tabel import Regel, toon

DOEL_S = 5.0


def meet(snel: bool) -> list[Regel]:
    tot = "2027-03-31" if snel else "2036-12-31"
    seconden, cpu, rondes = _cli("2027-01-01", tot)
    van, einde = date(2027, 1, 1), date(2027, 2, 28) if snel else date(2027, 12, 31)
    overslaan, elke_dag, passes = _verhouding(van, einde)
    dagen = (einde - van).days + 1
    return [
        Regel(
            f"simulate 2027-01-01..{tot}, whole catalogue, demo organisation (`integriteit simuleer`)",
            f"at most {DOEL_S:g} s (10 years), progress bar on a terminal",
            f"{seconden:.1f} s, of which CPU {cpu:.1f} s ({rondes} rondes)",
            f"{elke_dag / overslaan:.1f}x faster than watching every day ({passes} of {dagen} days watched)",
        )
    ]


def _cli(van: str, tot: str) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of the command (CPU too: on a shared machine the wall clock also counts the
    others' work), and the rondes it reported."""
    omgeving = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    opdracht = [sys.executable, "-m", "cli.main", "simuleer", "--van", van, "--json"]
    subprocess.run([*opdracht, "--tot", van], env=omgeving, check=True, capture_output=True)
    cpu = _cpu_kinderen()
    begin = time.perf_counter()
    klaar = subprocess.run([*opdracht, "--tot", tot], env=omgeving, check=True, capture_output=True, text=True)
    return time.perf_counter() - begin, _cpu_kinderen() - cpu, len(json.loads(klaar.stdout)["rondes"])


def _cpu_kinderen() -> float:
    gebruik = resource.getrusage(resource.RUSAGE_CHILDREN)
    return gebruik.ru_utime + gebruik.ru_stime


def _verhouding(van: date, tot: date) -> tuple[float, float, int]:
    from engine.catalogus import STANDAARD_MAP, laad_catalogus
    from engine.simulator import simuleer

    kwargs = {"catalogus": laad_catalogus(STANDAARD_MAP), "van": van, "tot": tot, "antwoordkans": 0.8, "zaad": 1}
    simuleer(**kwargs | {"tot": van + timedelta(days=31)})  # warm-up: both runs then find the same caches
    dagen: list[date] = []
    begin = time.perf_counter()
    overgeslagen = simuleer(**kwargs, voortgang=dagen.append)
    overslaan = time.perf_counter() - begin
    begin = time.perf_counter()
    if simuleer(**kwargs, elke_dag=True) != overgeslagen:
        raise SystemExit("skipping and watching every day disagree")
    return overslaan, time.perf_counter() - begin, len(dagen)


def main(argv: list[str] | None = None) -> list[Regel]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snel", action="store_true", help="a quarter instead of ten years (for CI)")
    regels = meet(parser.parse_args(argv).snel)
    print(toon(regels))
    return regels


if __name__ == "__main__":
    main()
