"""A real Dovecot IMAP server, started in the foreground on a free loopback port with a temporary Maildir
(no systemd), and installed first when missing; the configuration is the one measured in shared/notes/email.md.
As root, mail belongs to `nobody`; as another user, every Dovecot process runs as that user, without chroot."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from testservers.benodigdheden import zorg_voor_dovecot
from testservers.smtp import vrije_poort

GEBRUIKER, WACHTWOORD = "integriteit@example.nl", "secret"


DOVECOT_CONF = """{als_gebruiker}
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
  args = uid={uid} gid={gid} home={d}/mail/%u
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
  }}{login_chroot}
}}
"""
# Without root, Dovecot cannot switch users or chroot: it runs all of itself as the current user.
ALS_GEBRUIKER = """
default_internal_user = {gebruiker}
default_internal_group = {groep}
default_login_user = {gebruiker}
service anvil {{
  chroot =
}}
"""


@contextmanager
def dovecot(melding: Callable[[str], None] = print) -> Iterator[dict]:
    """Host, port, user and password of a running Dovecot; stopped and removed afterwards. Installed first when
    missing (`zorg_voor_dovecot`, which says so through `melding`)."""
    programma = zorg_voor_dovecot(melding)
    d = Path(tempfile.mkdtemp(prefix="dovecot-"))
    d.chmod(0o755)  # Dovecot's auth process must read the users file
    poort = vrije_poort()
    (d / "mail").mkdir()
    (d / "dovecot.conf").write_text(_configuratie(d, poort))
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


def _configuratie(d: Path, poort: int) -> str:
    if os.geteuid() == 0:
        return DOVECOT_CONF.format(d=d, poort=poort, uid="nobody", gid="nogroup", als_gebruiker="", login_chroot="")
    gebruiker, groep = pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name
    return DOVECOT_CONF.format(
        d=d,
        poort=poort,
        uid=gebruiker,
        gid=groep,
        als_gebruiker=ALS_GEBRUIKER.format(gebruiker=gebruiker, groep=groep),
        login_chroot="\n  chroot =",
    )


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
