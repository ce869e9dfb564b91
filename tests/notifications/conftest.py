"""Real mail servers for the tests: aiosmtpd for SMTP, Debian's dovecot for IMAP."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller


def vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postbode:
    """An SMTP handler that keeps every message and refuses addresses by their local part:
    `weiger...` permanently (550), `later...` temporarily (451)."""

    def __init__(self) -> None:
        self.berichten: list[email.message.EmailMessage] = []
        self.enveloppen: list[list[str]] = []

    async def handle_RCPT(self, server, session, envelope, adres, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if adres.startswith("weiger"):
            return "550 5.1.1 Mailbox unavailable"
        if adres.startswith("later"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(adres)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.berichten.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.enveloppen.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    postbode = Postbode()
    controller = Controller(postbode, hostname="127.0.0.1", port=vrije_poort())
    controller.start()
    try:
        yield controller, postbode
    finally:
        if controller.loop.is_running():
            controller.stop()


DOVECOT_CONF = """
base_dir = {d}/run
state_dir = {d}/state
instance_name = test-{poort}
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{d}/mail/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={d}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {poort}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@pytest.fixture(scope="session")
def imap_server():
    """A real Dovecot on a free loopback port with a temporary Maildir; user integriteit@example.nl/secret."""
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(dovecot).exists():
        pytest.fail("dovecot is not installed: apt-get install -y --no-install-recommends dovecot-imapd")
    d = Path(tempfile.mkdtemp(prefix="dovecot-"))
    d.chmod(0o755)
    poort = vrije_poort()
    (d / "mail").mkdir()
    (d / "dovecot.conf").write_text(DOVECOT_CONF.format(d=d, poort=poort))
    (d / "users").write_text("integriteit@example.nl:{PLAIN}secret\n")
    if os.geteuid() == 0:
        shutil.chown(d / "mail", "nobody", "nogroup")
    proces = subprocess.Popen([dovecot, "-F", "-c", str(d / "dovecot.conf")])
    _wacht_op_groet(poort, d)
    try:
        yield {"host": "127.0.0.1", "port": poort, "user": "integriteit@example.nl", "password": "secret"}
    finally:
        proces.terminate()
        proces.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


def _wacht_op_groet(poort: int, d: Path) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", poort), timeout=1) as s:
                if s.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    log = (d / "dovecot.log").read_text() if (d / "dovecot.log").exists() else ""
    pytest.fail(f"dovecot did not start on port {poort}: {log}")
