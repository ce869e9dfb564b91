"""A TCP proxy on a free loopback port that cuts each connection once the server has sent a given number of bytes
through it: a network that drops in the middle of a conversation (an IMAP poll, an SMTP session)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from testservers.smtp import vrije_poort


class Onderbreker:
    def __init__(self, host: str, poort: int, na: int | None) -> None:
        self.doel, self.na = (host, poort), na
        self.poort = vrije_poort()
        self.doorgegeven = 0  # bytes from the server, over every connection
        self._luisteraar = socket.create_server(("127.0.0.1", self.poort))
        threading.Thread(target=self._aanvaard, daemon=True).start()

    def _aanvaard(self) -> None:
        while True:
            try:
                klant, _ = self._luisteraar.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(self.doel)
            threading.Thread(target=self._pomp, args=(klant, server, False), daemon=True).start()
            threading.Thread(target=self._pomp, args=(server, klant, True), daemon=True).start()

    def _pomp(self, van: socket.socket, naar: socket.socket, van_de_server: bool) -> None:
        """Copy `van` to `naar`; once the server sent `na` bytes on this connection, cut both ends."""
        grens = self.na if van_de_server else None
        gezien = 0
        try:
            while data := van.recv(65536):
                if grens is not None and gezien + len(data) >= grens:
                    naar.sendall(data[: grens - gezien])
                    break
                gezien += len(data)
                self.doorgegeven += len(data) if van_de_server else 0
                naar.sendall(data)
        except OSError:
            pass
        for kant in (van, naar):
            with suppress(OSError):
                kant.shutdown(socket.SHUT_RDWR)
            kant.close()

    def sluit(self) -> None:
        self._luisteraar.close()


@contextmanager
def onderbreker(host: str, poort: int, na: int | None = None) -> Iterator[Onderbreker]:
    """A proxy to `host:poort` that cuts every connection after `na` bytes from the server (None: never)."""
    proxy = Onderbreker(host, poort, na)
    try:
        yield proxy
    finally:
        proxy.sluit()
