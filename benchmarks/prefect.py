"""Prefect's cost, against the core called directly, in one run.

    uv run python -m benchmarks.prefect [--aantal 1000]

1. A ronde of N recipients through the ronde flow (against a started Prefect server) and through the core
   directly, each on a fresh database: seconds and the ratio.
2. The resident memory of the process that serves every deployment (`integriteit start` against that server).
3. The time from `integriteit start` (with its own, fresh Prefect server) to a UI that answers.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from engine.catalogus import STANDAARD_MAP, laad_catalogus
from engine.database import database, maak_engine, sessie
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from models.instellingen import instellingen
from models.werkdagen import TIJDZONE
from testservers.smtp import vrije_poort

NU = datetime(2027, 3, 1, 9, 30, tzinfo=TIJDZONE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aantal", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as map:
        werk = Path(map)
        os.environ["PREFECT_HOME"] = str(werk / "prefect")
        from cli.start import prefect_server

        with prefect_server(vrije_poort()) as adres:
            os.environ["PREFECT_API_URL"] = f"{adres}/api"
            ronde(werk, args.aantal)
            geheugen(werk, f"{adres}/api")
        opstarttijd(werk)


def _database(pad: Path, aantal: int) -> str:
    url = f"sqlite:///{pad}"
    with sessie(maak_engine(url)) as s:
        importeer(
            s,
            [
                PersoonInvoer(extern_id=f"P{i}", naam=f"Lid {i}", email=f"lid{i}@example.org", rollen=["statenlid"])
                for i in range(aantal)
            ],
            NU,
        )
    return url


def ronde(werk: Path, aantal: int) -> None:
    from flows.ronde import ronde_flow

    catalogus = laad_catalogus(STANDAARD_MAP)
    direct_url = _database(werk / "direct.db", aantal)
    begin = time.perf_counter()
    with sessie(maak_engine(direct_url)) as s:
        start_ronde(session=s, catalogus=catalogus, proces=catalogus.proces("nevenfuncties-statenleden"), nu=NU)
    direct = time.perf_counter() - begin
    os.environ["INTEGRITEIT_DATABASE_URL"] = _database(werk / "prefect.db", aantal)
    instellingen.cache_clear()
    database(instellingen().database_url)  # migrate before timing, as the direct path did in _database
    begin = time.perf_counter()
    ronde_flow(proces="nevenfuncties-statenleden", nu=NU)
    via_prefect = time.perf_counter() - begin
    print(
        f"ronde of {aantal}: core directly {direct:.2f} s; ronde flow through Prefect {via_prefect:.2f} s "
        f"(with artifacts and events); ratio {via_prefect / direct:.1f}"
    )


def geheugen(werk: Path, api: str) -> None:
    motor = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "start"],
        cwd=werk,
        text=True,
        env=os.environ | {"PREFECT_API_URL": api},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while "worden bediend" not in (regel := motor.stdout.readline()):
            if not regel and motor.poll() is not None:
                raise SystemExit("integriteit start stopped")
        time.sleep(15)  # let serve() register every deployment and settle
        rss = next(r for r in Path(f"/proc/{motor.pid}/status").read_text().splitlines() if r.startswith("VmRSS"))
        print(f"serving process with every deployment: {rss.split(':')[1].strip()} resident")
    finally:
        os.killpg(motor.pid, signal.SIGTERM)
        motor.wait(timeout=30)


def opstarttijd(werk: Path) -> None:
    for keer in ("fresh", "again"):
        poort = vrije_poort()
        omgeving = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "INTEGRITEIT_DATABASE_URL")}
        omgeving["PREFECT_HOME"] = str(werk / "eigen-prefect")
        begin = time.perf_counter()
        motor = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "start", "--poort", str(poort)],
            cwd=werk,
            env=omgeving,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{poort}/", timeout=2) as antwoord:
                        if antwoord.status == 200:
                            break
                except OSError:
                    time.sleep(0.2)
            print(
                f"integriteit start to a UI that answers ({keer} Prefect database): {time.perf_counter() - begin:.1f} s"
            )
        finally:
            os.killpg(motor.pid, signal.SIGTERM)
            motor.wait(timeout=30)


if __name__ == "__main__":
    main()
