"""Past one machine, as the README documents it: the engine's and Prefect's databases on PostgreSQL, every
deployment in a work pool, two workers, and concurrent runs of the same ronde that start it exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime

import psycopg
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlmodel import func, select

from cli.start import _prefect, prefect_server
from engine.database import maak_engine, sessie
from engine.personen import PersoonInvoer, importeer
from models.tabellen import Ronde, Verzoek
from models.werkdagen import TIJDZONE
from testservers.postgres import met_schema
from testservers.smtp import vrije_poort

pytestmark = pytest.mark.traag


def op(postgres_url: str, driver: str, database: str) -> str:
    """The same server as `postgres_url`, another driver and database."""
    return make_url(postgres_url).set(drivername=driver, database=database).render_as_string(hide_password=False)


def nieuwe_database(postgres_url: str, naam: str) -> None:
    with psycopg.connect(op(postgres_url, "postgresql", "postgres"), autocommit=True) as verbinding:
        verbinding.execute(f"DROP DATABASE IF EXISTS {naam} WITH (FORCE)")
        verbinding.execute(f"CREATE DATABASE {naam}")


def nieuw_schema(postgres_url: str) -> str:
    """The engine's URL, in a fresh schema of its own."""
    with create_engine(postgres_url, isolation_level="AUTOCOMMIT").connect() as c:
        c.execute(text("DROP SCHEMA IF EXISTS integriteit_werkpool CASCADE"))
        c.execute(text("CREATE SCHEMA integriteit_werkpool"))
    return met_schema(postgres_url, "integriteit_werkpool")


@pytest.fixture
def gedeelde_server(postgres_url, tmp_path, monkeypatch):
    nieuwe_database(postgres_url, "integriteit_prefect_test")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    prefect_db = op(postgres_url, "postgresql+asyncpg", "integriteit_prefect_test")
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", prefect_db)
    from prefect.events.worker import EventsWorker
    from prefect.settings import PREFECT_API_URL, PREFECT_LOGGING_TO_API_ENABLED, temporary_settings

    with (
        prefect_server(vrije_poort()) as adres,
        temporary_settings(
            # this process's own logs stay local: a log worker would still be sending them after the server stopped
            updates={PREFECT_API_URL: f"{adres}/api", PREFECT_LOGGING_TO_API_ENABLED: False}
        ),
    ):
        yield f"{adres}/api"
        EventsWorker.drain_all(timeout=10)  # emitted events reach the server before it stops


def test_two_workers_start_a_ronde_exactly_once(gedeelde_server, postgres_url, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    engine_url = nieuw_schema(postgres_url)
    with sessie(maak_engine(engine_url)) as s:
        importeer(
            s,
            [
                PersoonInvoer(extern_id=f"W{i}", naam=f"Lid {i}", email=f"w{i}@example.org", rollen=["statenlid"])
                for i in range(10)
            ],
            datetime(2027, 1, 1, tzinfo=TIJDZONE),
        )
    omgeving = os.environ | {
        "PREFECT_API_URL": gedeelde_server,
        "INTEGRITEIT_DATABASE_URL": engine_url,
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    }
    subprocess.run([sys.executable, "-m", "cli.main", "werkpool"], env=omgeving, check=True, cwd=tmp_path)
    workers = [
        subprocess.Popen(
            [_prefect(), "worker", "start", "--pool", "integriteit", "--name", f"werker-{n}"],
            env=omgeving,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for n in (1, 2)
    ]
    try:
        parameters = {"proces": "nevenfuncties-statenleden", "nu": "2027-03-01T09:30:00+01:00"}
        ids = [run_deployment("ronde/nevenfuncties-statenleden", timeout=0, parameters=parameters).id for _ in range(6)]
        with get_client(sync_client=True) as client:
            einde = time.monotonic() + 240
            while time.monotonic() < einde:
                runs = [client.read_flow_run(i) for i in ids]
                if all(r.state and r.state.is_final() for r in runs):
                    break
                time.sleep(1)
        assert sorted(r.state.name for r in runs) == ["Completed"] + ["OVERGESLAGEN"] * 5
        with sessie(maak_engine(engine_url)) as s:
            assert s.exec(select(func.count()).select_from(Ronde)).one() == 1
            assert s.exec(select(func.count()).select_from(Verzoek)).one() == 10
    finally:
        for worker in workers:
            stop(worker)


def stop(worker: subprocess.Popen) -> None:
    """Stop a worker and its flow-run children; on a loaded machine a graceful stop can take longer than the test
    should wait, and how long it takes is not what the test is about."""
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
