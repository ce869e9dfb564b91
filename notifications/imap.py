"""Reading the reply mailbox over IMAP: every message is handled, committed, then moved to its folder.

Commit before move: a crash in between leaves the message in the inbox, and the next poll recognises it by
its Message-ID and only moves it. Nothing is read twice into the counts, and nothing is lost.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted

from models.instellingen import Instellingen

_UID = re.compile(rb"UID (\d+)")


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


def lees_postvak(inst: Instellingen, mappen: tuple[str, ...], verwerk: Callable[[bytes], str]) -> Counter:
    """Handle every message in the inbox with `verwerk` (raw bytes -> folder name), then move it there."""
    verslag: Counter = Counter()
    with postvak(inst) as mb:
        for map in mappen:
            if not mb.folder.exists(map):
                mb.folder.create(map)
        for blok in _berichten(mb):
            per_map: dict[str, list[str]] = {}
            for uid, ruw in blok:
                per_map.setdefault(verwerk(ruw), []).append(uid)
            for doel, uids in per_map.items():  # each was committed before it moves
                mb.move(uids, doel)
                verslag[doel] += len(uids)
    return verslag


def _berichten(mb: MailBox) -> Iterator[list[tuple[str, bytes]]]:
    """The inbox in blocks of 200: (uid, raw message) each, fetched without marking them seen."""
    uids = mb.uids()
    for begin in range(0, len(uids), 200):
        status, data = mb.client.uid("fetch", ",".join(uids[begin : begin + 200]), "(UID BODY.PEEK[])")
        if status != "OK":
            raise OSError(f"IMAP fetch failed: {data!r}")
        yield [(m[1].decode(), item[1]) for item in data if isinstance(item, tuple) and (m := _UID.search(item[0]))]
