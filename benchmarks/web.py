"""The one-click answer under concurrent clients, against the same use case called directly, in one run.

    uv run python -m benchmarks.web [--aantal 300] [--clients 16] [--database URL]

1. A nevenfuncties ronde for N synthetic Statenleden on PostgreSQL, in a schema of its own (created here and
   dropped afterwards). The real app (`web.app.maak_app`, on the ronde's clock) is served by uvicorn in a process
   of its own on a free loopback port, so the clients do not share its interpreter. K client threads, each with
   its own httpx connection, take the next token, open `/antwoord/<token>/geen-wijzigingen`, read the form's
   CSRF token and post it. Printed: answers per second over the whole run, and p50/p99 of the POST's latency;
   `diensten.rondes_status` must then count exactly N answered.
2. Baseline: the same N persons and ronde in a second schema, and N one-click `diensten.beantwoord` calls in a loop
   in this process: answers per second, p50 per call, and the ratio web/direct.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import re
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection

import httpx
from sqlalchemy import create_engine, text
from sqlmodel import select

from engine import diensten
from engine.antwoorden import Invoer
from engine.catalogus import STANDAARD_MAP, laad_catalogus
from engine.database import maak_engine
from engine.diensten import Omgeving
from engine.personen import PersoonInvoer, importeer
from models.instellingen import Instellingen
from models.tabellen import Verzoek
from models.werkdagen import TIJDZONE
from testservers.postgres import kies_postgres, met_schema

NU = datetime(2027, 3, 1, 9, 30, tzinfo=TIJDZONE)
PROCES = "nevenfuncties-statenleden"
DATABASE_HULP = (
    "PostgreSQL URL, where the benchmark makes and drops its schemas (default: INTEGRITEIT_TEST_POSTGRES, else "
    "the server at 127.0.0.1:5432 when it answers, else one of its own for the run)"
)
GEHEIM = "benchmark-geheim-" + "x" * 32
MAX_CLIENTS = 256
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass(frozen=True)
class Uitkomst:
    """What one run measured; `beantwoord_*` as `diensten.rondes_status` counts them afterwards."""

    aantal: int
    clients: int
    web_per_s: float
    p50: float
    p99: float
    direct_per_s: float
    beantwoord_web: int
    beantwoord_direct: int


def main(argv: list[str] | None = None) -> Uitkomst:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aantal", type=int, default=300, help="Statenleden in the ronde: answers posted")
    parser.add_argument("--clients", type=int, default=16, help=f"concurrent clients (1 to {MAX_CLIENTS})")
    parser.add_argument("--database", help=DATABASE_HULP)
    args = parser.parse_args(argv)
    if args.aantal < 2:
        parser.error("--aantal: at least 2")
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients: 1 to {MAX_CLIENTS}")
    naam = f"bench_web_{os.getpid()}"
    with (
        kies_postgres(args.database) as url,
        schema(url, naam) as web_url,
        schema(url, f"{naam}_direct") as direct_url,
    ):
        web_per_s, post = via_web(web_url, args.aantal, args.clients)
        beantwoord_web = beantwoord(web_url)
        direct_per_s, per_call = direct(direct_url, args.aantal)
        beantwoord_direct = beantwoord(direct_url)
    p50, p99 = _percentielen(post)
    print(
        f"web:    {args.aantal} one-click answers by {args.clients} clients = {web_per_s:,.0f} answers/s; "
        f"POST latency p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms (each answer also GETs its page first)"
    )
    print(
        f"direct: {args.aantal} one-click diensten.beantwoord calls in a loop = {direct_per_s:,.0f} answers/s; "
        f"p50 {statistics.median(per_call) * 1000:.1f} ms per call; ratio web/direct {web_per_s / direct_per_s:.2f}"
    )
    print(f"rondes_status: {beantwoord_web} of {args.aantal} answered through the web, {beantwoord_direct} directly")
    if beantwoord_web != args.aantal or beantwoord_direct != args.aantal:
        raise SystemExit(f"expected {args.aantal} answered in each ronde")
    return Uitkomst(args.aantal, args.clients, web_per_s, p50, p99, direct_per_s, beantwoord_web, beantwoord_direct)


@contextmanager
def schema(url: str, naam: str) -> Iterator[str]:
    """A fresh schema `naam` in the database at `url`; yields the URL with it as search path, drops it after."""
    _beheer(url, f"DROP SCHEMA IF EXISTS {naam} CASCADE; CREATE SCHEMA {naam}")
    try:
        yield met_schema(url, naam)
    finally:
        _beheer(url, f"DROP SCHEMA IF EXISTS {naam} CASCADE")


def _beheer(url: str, sql: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as c:
            c.execute(text(sql))
    finally:
        engine.dispose()


def _omgeving(url: str) -> Omgeving:
    inst = Instellingen(basis_url="http://127.0.0.1", geheim=GEHEIM, smtp_host=None)
    return Omgeving(maak_engine(url), laad_catalogus(STANDAARD_MAP), inst)


def _ronde(omg: Omgeving, aantal: int) -> list[str]:
    """N synthetic Statenleden and the nevenfuncties ronde due at NU (not sent); its tokens."""
    with omg.werk() as s:
        importeer(
            s,
            [
                PersoonInvoer(
                    extern_id=f"S{i}", naam=f"Statenlid {i}", email=f"lid{i}@example.org", rollen=["statenlid"]
                )
                for i in range(aantal)
            ],
            NU,
        )
    diensten.start_ronde(omg, proces=PROCES, nu=NU, verzenden=False)
    with omg.werk() as s:
        tokens = list(s.exec(select(Verzoek.token).order_by(Verzoek.id)))
    if len(tokens) != aantal:
        raise SystemExit(f"the ronde has {len(tokens)} verzoeken, expected {aantal}")
    return tokens


def beantwoord(url: str) -> int:
    omg = _omgeving(url)
    try:
        (ronde,) = [r for r in diensten.rondes_status(omg) if r["proces"] == PROCES]
        return ronde["beantwoord"]
    finally:
        omg.engine.dispose()


def via_web(url: str, aantal: int, clients: int) -> tuple[float, list[float]]:
    """Answers per second over the whole run, and each answer's POST latency in seconds."""
    omg = _omgeving(url)
    tokens = _ronde(omg, aantal)
    omg.engine.dispose()
    rij: queue.SimpleQueue[str] = queue.SimpleQueue()
    for token in tokens:
        rij.put(token)
    with server(url) as adres:
        httpx.get(f"{adres}/", timeout=30).raise_for_status()  # warm: templates loaded, first connections made
        start = threading.Barrier(clients)
        with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="klant") as pool:
            begin = time.perf_counter()
            lijsten = [f.result() for f in [pool.submit(_klant, adres, rij, start) for _ in range(clients)]]
            duur = time.perf_counter() - begin
    latenties = [t for lijst in lijsten for t in lijst]
    if len(latenties) != aantal:
        raise SystemExit(f"{len(latenties)} answers posted, expected {aantal}")
    return aantal / duur, latenties


def _klant(adres: str, rij: queue.SimpleQueue[str], start: threading.Barrier) -> list[float]:
    """One client: the next token until none is left; GET the one-click page, POST its form. The POST latencies."""
    latenties = []
    with httpx.Client(base_url=adres, timeout=60) as klant:
        start.wait()
        while True:
            try:
                token = rij.get_nowait()
            except queue.Empty:
                return latenties
            pad = f"/antwoord/{token}/geen-wijzigingen"
            pagina = klant.get(pad)
            pagina.raise_for_status()
            begin = time.perf_counter()
            gepost = klant.post(pad, data={"csrf": CSRF.search(pagina.text)[1]})
            latenties.append(time.perf_counter() - begin)
            if gepost.status_code != 200 or 'id="vastgelegd"' not in gepost.text:
                raise RuntimeError(f"POST {pad}: {gepost.status_code}, not recorded as a new answer")


@contextmanager
def server(url: str) -> Iterator[str]:
    """The app over the database at `url`, served by uvicorn in a process of its own; yields its base URL."""
    ouder, kind = multiprocessing.get_context("spawn").Pipe()
    proces = multiprocessing.get_context("spawn").Process(target=_serveer, args=(url, kind), daemon=True)
    proces.start()
    kind.close()
    try:
        if not ouder.poll(120):
            raise SystemExit("the server process did not start within 120 s")
        yield ouder.recv()
    finally:
        with suppress(OSError):  # the server process is gone already
            ouder.send("stop")
        proces.join(30)
        if proces.is_alive():
            proces.terminate()
            proces.join()


def _serveer(url: str, verbinding: Connection) -> None:
    """In the server process: serve until the parent says stop (or goes away)."""
    from web.app import maak_app
    from web.serveren import op_de_achtergrond

    omg = _omgeving(url)
    with op_de_achtergrond(maak_app(lambda: omg, klok=lambda: NU)) as adres:
        verbinding.send(adres)
        with suppress(EOFError):  # the parent went away
            verbinding.recv()
    omg.engine.dispose()


def direct(url: str, aantal: int) -> tuple[float, list[float]]:
    """Answers per second of the use case called in a loop, and each call's time in seconds."""
    omg = _omgeving(url)
    tokens = _ronde(omg, aantal)
    tijden = []
    begin = time.perf_counter()
    for token in tokens:
        voor = time.perf_counter()
        diensten.beantwoord(omg, invoer=[Invoer(token, kanaal="web", geen_wijzigingen=True)], nu=NU)
        tijden.append(time.perf_counter() - voor)
    duur = time.perf_counter() - begin
    omg.engine.dispose()
    return aantal / duur, tijden


def _percentielen(tijden: list[float]) -> tuple[float, float]:
    grenzen = statistics.quantiles(tijden, n=100, method="inclusive")
    return grenzen[49], grenzen[98]


if __name__ == "__main__":
    main()
