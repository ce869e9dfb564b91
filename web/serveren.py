"""Serving the app with uvicorn: in the foreground (`integriteit web`), or in a thread beside other work
(`integriteit start`, tests) on a given or a free port, stopped when the block ends."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI


def serveer(app: FastAPI, *, host: str = "127.0.0.1", poort: int = 8000) -> None:
    """Serve until Ctrl-C or SIGTERM."""
    uvicorn.run(app, host=host, port=poort, log_level="warning", access_log=False)


@contextmanager
def op_de_achtergrond(
    app: FastAPI | None = None,
    *,
    maak_app: Callable[[str], Any] | None = None,
    host: str = "127.0.0.1",
    poort: int = 0,
    wachttijd: float = 15,
) -> Iterator[str]:
    """Serve `app` (or what `maak_app(base URL)` returns, for an app that must know its own address before it is
    made, e.g. for the links it mails) in a thread on `poort` (0: a free one); yields the base URL
    (http://host:port, no trailing slash) once it answers, and stops the server (and joins the thread) when the
    block ends.

    Raises OSError when the port is taken."""
    sok = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sok.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sok.bind((host, poort))  # bound here and handed over: nobody takes the port in between
        adres = f"http://{host}:{sok.getsockname()[1]}"
        app = app if app is not None else maak_app(adres)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
        draad = threading.Thread(target=server.run, kwargs={"sockets": [sok]}, name="integriteit-web", daemon=True)
        draad.start()
        einde = time.monotonic() + wachttijd
        while not server.started:
            if not draad.is_alive() or time.monotonic() > einde:
                server.should_exit = True
                raise RuntimeError(f"de website startte niet binnen {wachttijd:.0f} s op {adres}")
            time.sleep(0.02)
        try:
            yield adres
        finally:
            server.should_exit = True
            draad.join(wachttijd)
    finally:
        sok.close()
