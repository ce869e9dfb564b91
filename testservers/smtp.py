"""An SMTP server in-process (aiosmtpd) that keeps what it receives and refuses addresses on request."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postbode:
    """An SMTP handler that keeps every message (or only counts them) and refuses addresses by their local
    part: `weiger...` permanently (550), `later...` temporarily (451)."""

    def __init__(self, bewaren: bool = True) -> None:
        self.bewaren = bewaren
        self.aantal = 0
        self.berichten: list[email.message.EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, adres, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if adres.startswith("weiger"):
            return "550 5.1.1 Mailbox unavailable"
        if adres.startswith("later"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(adres)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.aantal += 1
        if self.bewaren:
            self.berichten.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


@contextmanager
def smtp_server(postbode: Postbode) -> Iterator[Controller]:
    controller = Controller(postbode, hostname="127.0.0.1", port=vrije_poort())
    controller.start()
    try:
        yield controller
    finally:
        if controller.loop.is_running():
            controller.stop()
