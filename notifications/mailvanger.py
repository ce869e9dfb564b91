"""A local mail catcher for when no SMTP server is configured: every message becomes an .eml file, so a
newcomer sees exactly what would have been sent."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from aiosmtpd.controller import Controller


class _Opslag:
    def __init__(self, map: Path) -> None:
        self.map = map
        self.teller = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        naam = f"{datetime.now():%Y%m%d-%H%M%S}-{next(self.teller):05d}.eml"
        (self.map / naam).write_bytes(envelope.content)
        return "250 Opgeslagen"


@contextmanager
def mailvanger(map: Path, poort: int = 0) -> Iterator[int]:
    """Run the catcher on 127.0.0.1; yields its port."""
    map.mkdir(parents=True, exist_ok=True)
    controller = Controller(_Opslag(map), hostname="127.0.0.1", port=poort or _vrije_poort())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
