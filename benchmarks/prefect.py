"""Prefect's cost, against the core called directly, in one run.

    uv run python -m benchmarks.prefect [--snel] [--aantal 1000]

1. A ronde of N recipients through the ronde flow (against a started Prefect server) and through the core
   directly, each on a fresh database, after a ronde of one recipient warmed the core: seconds and the ratio;
   and the fixed cost of a second flow run in the same process.
2. The resident memory of the process that serves every deployment (`integriteit start` against that server).
3. The time from `integriteit start` (with its own, fresh Prefect server) to a UI that answers, and the
   resident memory of everything it runs (its process tree), once settled.
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
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from benchmarks.tabel import Regel, toon
from engine import diensten
from engine.catalogus import STANDAARD_MAP
from engine.database import database, maak_engine, sessie
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from models.instellingen import instellingen
from models.werkdagen import TIJDZONE
from testservers.smtp import vrije_poort

NU = datetime(2027, 3, 1, 9, 30, tzinfo=TIJDZONE)


def meet(aantal: int) -> list[Regel]:
    with tempfile.TemporaryDirectory() as map:
        werk = Path(map)
        os.environ["PREFECT_HOME"] = str(werk / "prefect")
        from cli.start import prefect_server

        with prefect_server(vrije_poort()) as adres:
            os.environ["PREFECT_API_URL"] = f"{adres}/api"
            direct, via_prefect, tweede = ronde(werk, aantal)
            bediener = geheugen(werk, f"{adres}/api")
        os.environ.pop("PREFECT_API_URL")
        (vers, alles), (opnieuw, _) = opstarttijd(werk, "fresh"), opstarttijd(werk, "again")
    return [
        Regel(
            f"a ronde of {aantal:,} recipients through Prefect vs the core directly",
            "fixed cost at most 1.5 s; at 10,000 recipients at most 1.1x",
            f"Prefect {via_prefect:.2f} s, core {direct:.2f} s; fixed cost {via_prefect - direct:.2f} s "
            f"(a second run in the same process: {tweede - direct:.2f} s)",
            f"{via_prefect / direct:.1f}x",
        ),
        Regel(
            "resident memory: the process serving every deployment / everything `start` runs",
            "at most 150 MB / at most 450 MB",
            f"{bediener:.0f} MB / {alles:.0f} MB",
        ),
        Regel(
            "`integriteit start` on a fresh clone to a UI that answers",
            "at most 15 s",
            f"{vers:.1f} s (with an existing Prefect database: {opnieuw:.1f} s)",
        ),
    ]


def main(argv: list[str] | None = None) -> list[Regel]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snel", action="store_true", help="a ronde of 20 recipients (for CI)")
    parser.add_argument("--aantal", type=int, default=1_000)
    args = parser.parse_args(argv)
    regels = meet(20 if args.snel else args.aantal)
    print(toon(regels))
    return regels


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


def ronde(werk: Path, aantal: int) -> tuple[float, float, float]:
    """Seconds of a ronde through the core directly, through the flow (the first flow run in this process), and
    through the flow once more (a second run: what a process that already ran one pays)."""
    from flows.ronde import ronde_flow

    # The catalogue of this process, as the flows get it: loaded once. A ronde of one recipient first, so
    # neither path below pays for the core's first use (imports, holidays, templates) and the difference is
    # Prefect's own.
    catalogus = diensten.catalogus(STANDAARD_MAP)
    proces = catalogus.proces("nevenfuncties-statenleden")
    for naam, n in (("opwarmen.db", 1), ("direct.db", aantal)):
        url = _database(werk / naam, n)
        begin = time.perf_counter()
        with sessie(maak_engine(url)) as s:
            start_ronde(session=s, catalogus=catalogus, proces=proces, nu=NU)
        direct = time.perf_counter() - begin
    via_prefect = []
    for naam in ("prefect.db", "prefect-2.db"):
        os.environ["INTEGRITEIT_DATABASE_URL"] = _database(werk / naam, aantal)
        instellingen.cache_clear()
        database(instellingen().database_url)  # migrate before timing, as the direct path did in _database
        begin = time.perf_counter()
        ronde_flow(proces="nevenfuncties-statenleden", nu=NU)
        via_prefect.append(time.perf_counter() - begin)
    return direct, *via_prefect


def geheugen(werk: Path, api: str) -> float:
    """MB resident in the process that serves every deployment, once it settled."""
    motor = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "start", "--webpoort", str(vrije_poort())],
        cwd=werk,
        text=True,
        env=os.environ | {"PREFECT_API_URL": api},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    gezegd = []
    try:
        while "worden bediend" not in (regel := motor.stdout.readline()):
            gezegd.append(regel)
            if not regel and motor.poll() is not None:
                raise SystemExit("integriteit start stopped:\n" + "".join(gezegd[-20:]))
        time.sleep(15)  # let serve() register every deployment and settle
        return _rss_mb(motor.pid)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(motor.pid, signal.SIGTERM)
        motor.wait(timeout=30)


def opstarttijd(werk: Path, keer: str) -> tuple[float, float]:
    """Seconds from `integriteit start` (its own Prefect server, `keer` fresh or again) to a UI that answers,
    and the MB resident in everything it runs once settled."""
    poort = vrije_poort()
    omgeving = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "INTEGRITEIT_DATABASE_URL")}
    omgeving["PREFECT_HOME"] = str(werk / "eigen-prefect")
    begin = time.perf_counter()
    motor = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "start", "--poort", str(poort), "--webpoort", str(vrije_poort())],
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
        seconden = time.perf_counter() - begin
        time.sleep(15)  # let serve() register every deployment and settle
        return seconden, sum(_rss_mb(pid) for pid in _boom(motor.pid))
    finally:
        os.killpg(motor.pid, signal.SIGTERM)
        motor.wait(timeout=30)


def _boom(wortel: int) -> list[int]:
    """`wortel` and every process it started, and they started (the Prefect server, the web app, flow runs)."""
    kinderen: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            ouder = int(status.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        kinderen.setdefault(ouder, []).append(int(status.parent.name))
    boom, rand = [], [wortel]
    while rand:
        pid = rand.pop()
        boom.append(pid)
        rand += kinderen.get(pid, [])
    return boom


def _rss_mb(pid: int) -> float:
    try:
        regels = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    return next((int(r.split()[1]) / 1024 for r in regels if r.startswith("VmRSS")), 0.0)


if __name__ == "__main__":
    main()
