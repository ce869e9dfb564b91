"""Reading the reply mailbox over IMAP in blocks: a block is fetched, handled and committed, then moved to its
folders with one UID MOVE per folder.

Commit before move: a crash in between leaves the block in the inbox, and the next poll recognises each message
by its Message-ID and only moves it. Nothing is read twice into the counts, and nothing is lost.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted

from models.instellingen import Instellingen

_UID = re.compile(rb"UID (\d+)")
BLOK = 200  # messages per fetch, unit of work and move


@contextmanager
def postvak(inst: Instellingen) -> Iterator[MailBox]:
    soort = {"ssl": MailBox, "starttls": MailBoxStartTls, "geen": MailBoxUnencrypted}[inst.imap_tls]
    wachtwoord = inst.imap_password.get_secret_value() if inst.imap_password else ""
    with soort(inst.imap_host, inst.imap_port).login(
        inst.imap_user or "", wachtwoord, initial_folder=inst.imap_map
    ) as mb:
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
    each block to its folders; `voortgang` hears (messages done, messages in the inbox) after each block."""
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
