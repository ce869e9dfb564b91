"""A real Dovecot IMAP server, started in the foreground on a free loopback port with a temporary Maildir
(no systemd); the configuration is the one measured in shared/notes/email.md."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from testservers.smtp import vrije_poort

GEBRUIKER, WACHTWOORD = "integriteit@example.nl", "secret"


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


@contextmanager
def dovecot() -> Iterator[dict]:
    """Host, port, user and password of a running Dovecot; stopped and removed afterwards."""
    programma = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(programma).exists():
        raise RuntimeError("dovecot is not installed: apt-get install -y --no-install-recommends dovecot-imapd")
    d = Path(tempfile.mkdtemp(prefix="dovecot-"))
    d.chmod(0o755)  # Dovecot's auth process must read the users file
    poort = vrije_poort()
    (d / "mail").mkdir()
    (d / "dovecot.conf").write_text(DOVECOT_CONF.format(d=d, poort=poort))
    (d / "users").write_text(f"{GEBRUIKER}:{{PLAIN}}{WACHTWOORD}\n")
    if os.geteuid() == 0:
        shutil.chown(d / "mail", "nobody", "nogroup")
    proces = subprocess.Popen([programma, "-F", "-c", str(d / "dovecot.conf")])
    try:
        _wacht_op_groet(poort, d)
        yield {"host": "127.0.0.1", "port": poort, "user": GEBRUIKER, "password": WACHTWOORD}
    finally:
        proces.terminate()
        proces.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


def _wacht_op_groet(poort: int, d: Path) -> None:
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", poort), timeout=1) as s:
                if s.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    log = (d / "dovecot.log").read_text() if (d / "dovecot.log").exists() else ""
    raise RuntimeError(f"dovecot did not start on port {poort}: {log}")
