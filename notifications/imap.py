"""Reading the reply mailbox over IMAP in blocks: a block is fetched, handled and committed, then moved to its
folders with one UID MOVE per folder.

Commit before move: a crash in between leaves the block in the inbox, and the next poll recognises each message
by its Message-ID and only moves it. Nothing is read twice into the counts, and nothing is lost.

Whatever the server refuses (the connection, the login, a command) or a connection that breaks off is a
`Postvakstoring`: what was read before it is recorded and moved, the rest stays in the inbox for the next poll.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from imaplib import IMAP4
from typing import TYPE_CHECKING

from models.gebruikersfouten import Gebruikersfout
from models.instellingen import Instellingen

if TYPE_CHECKING:  # imap_tools itself is imported where the mailbox is read: engine.controle only needs STORING
    from imap_tools import MailBox

_UID = re.compile(rb"UID (\d+)")
BLOK = 200  # messages per fetch, unit of work and move
STORING = "IMAP-storing"
"""How the message of a Postvakstoring names it (engine.controle: the poll already alerted)."""


class Postvakstoring(Gebruikersfout):
    """The IMAP server refused the connection, the login (a wrong password, or a server that only takes OAuth)
    or a command, or the connection broke off; `antwoord` is what the server said."""

    def __init__(self, antwoord: str) -> None:
        super().__init__(
            f"Het postvak kon niet worden gelezen ({STORING}); wat nog niet gelezen is, blijft in het postvak staan. "
            f"De server zei: {antwoord}"
        )
        self.antwoord = antwoord


@contextmanager
def postvak(inst: Instellingen) -> Iterator[MailBox]:
    from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted

    soort = {"ssl": MailBox, "starttls": MailBoxStartTls, "geen": MailBoxUnencrypted}[inst.imap_tls]
    wachtwoord = inst.imap_password.get_secret_value() if inst.imap_password else ""
    mb = soort(inst.imap_host, inst.imap_port)
    try:
        mb.login(inst.imap_user or "", wachtwoord, initial_folder=inst.imap_map)
    except BaseException:
        with suppress(OSError):
            mb.client.shutdown()  # a refused login leaves the connection open
        raise
    with mb:
        # imap-tools reads capabilities before login; Dovecot announces MOVE only after it.
        mb.client.capabilities = tuple(mb.client.capability()[1][-1].decode().upper().split())
        yield mb


def lees_postvak(
    inst: Instellingen,
    mappen: tuple[str, ...],
    verwerk: Callable[[list[bytes]], list[str]],
    voortgang: Callable[[int, int], None] | None = None,
) -> Counter:
    """Handle the inbox BLOK messages at a time with `verwerk` (raw messages -> the folder of each), then move
    each block to its folders; `voortgang` hears (messages done, messages in the inbox) after each block.
    Raises Postvakstoring for whatever the server refused."""
    from imap_tools.errors import ImapToolsError

    try:
        return _lees(inst, mappen, verwerk, voortgang)
    except (OSError, IMAP4.error, ImapToolsError) as fout:
        raise Postvakstoring(_beschrijf(fout)) from fout


def _lees(
    inst: Instellingen,
    mappen: tuple[str, ...],
    verwerk: Callable[[list[bytes]], list[str]],
    voortgang: Callable[[int, int], None] | None,
) -> Counter:
    verslag: Counter = Counter()
    with postvak(inst) as mb:
        for map in mappen:
            if not mb.folder.exists(map):
                mb.folder.create(map)
        uids = mb.uids()
        for begin in range(0, len(uids), BLOK):
            berichten = _haal(mb, uids[begin : begin + BLOK])
            per_map: dict[str, list[str]] = {}
            for (uid, _), doel in zip(berichten, verwerk([ruw for _, ruw in berichten]), strict=True):
                per_map.setdefault(doel, []).append(uid)
            for doel, uids_naar in per_map.items():  # the block was committed before it moves
                mb.move(uids_naar, doel)
                verslag[doel] += len(uids_naar)
            if voortgang:
                voortgang(min(begin + BLOK, len(uids)), len(uids))
    return verslag


def _haal(mb: MailBox, uids: list[str]) -> list[tuple[str, bytes]]:
    """(uid, raw message) of each, fetched in one command without marking them seen."""
    status, data = mb.client.uid("fetch", ",".join(uids), "(UID BODY.PEEK[])")
    if status != "OK":
        raise OSError(f"IMAP fetch failed: {data!r}")
    return [(m[1].decode(), item[1]) for item in data if isinstance(item, tuple) and (m := _UID.search(item[0]))]


def _beschrijf(fout: BaseException) -> str:
    """What the server said: its status and text (`NO [AUTHENTICATIONFAILED] Authentication failed.`), or the
    failure of the connection."""
    from imap_tools.errors import UnexpectedCommandStatusError

    if isinstance(fout, UnexpectedCommandStatusError):
        status, regels = fout.command_result[0], fout.command_result[1] or []
        tekst = " ".join(r.decode(errors="replace") if isinstance(r, bytes) else str(r) for r in regels)
        return f"{status} {tekst}".strip()
    return f"{type(fout).__name__}: {fout}" if isinstance(fout, OSError) else str(fout)
