"""Mail throughput, against baselines measured in the same run.

    uv run python -m benchmarks.mail [--snel] [--aantal 10000] [--antwoorden 2000] [--alleen-verzenden]

1. A ronde of N recipients through the real sender (notifications.smtp) to a local aiosmtpd server, against a
   plain smtplib loop sending the same number of small messages on one connection.
2. Replies read and matched from a real Dovecot (engine.postvak over notifications.imap), against a raw IMAP
   fetch of the same messages.
"""

from __future__ import annotations

import argparse
import smtplib
import tempfile
import time
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from imap_tools import MailBoxUnencrypted
from sqlmodel import select

from benchmarks.tabel import Regel, toon
from engine.catalogus import STANDAARD_MAP, laad_catalogus
from engine.database import maak_engine, sessie
from engine.personen import PersoonInvoer, importeer
from engine.postvak import lees_postvak
from engine.rondes import start_ronde
from engine.verzenden import verzend
from models.instellingen import Instellingen
from models.tabellen import Bericht, Verzoek
from models.werkdagen import TIJDZONE
from testservers.dovecot import dovecot
from testservers.smtp import Postbode, smtp_server

NU = datetime(2027, 3, 1, 9, 30, tzinfo=TIJDZONE)


def meet(aantal: int, antwoorden: int, *, lezen_ook: bool = True) -> list[Regel]:
    catalogus = laad_catalogus(STANDAARD_MAP)
    with tempfile.TemporaryDirectory() as map:
        engine = maak_engine(f"sqlite:///{Path(map) / 'bench.db'}")
        with sessie(engine) as s:
            importeer(
                s,
                [
                    PersoonInvoer(extern_id=f"B{i}", naam=f"Lid {i}", email=f"lid{i}@example.org", rollen=["statenlid"])
                    for i in range(aantal)
                ],
                NU,
            )
            start_ronde(session=s, catalogus=catalogus, proces=catalogus.proces("nevenfuncties-statenleden"), nu=NU)
        regels = [verzenden(engine, catalogus, aantal)]
        if lezen_ook:
            regels.append(lezen(engine, catalogus, antwoorden))
        return regels


def main(argv: list[str] | None = None) -> list[Regel]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snel", action="store_true", help="200 messages and 50 replies (for CI)")
    parser.add_argument("--aantal", type=int, default=10_000, help="recipients in the ronde")
    parser.add_argument("--antwoorden", type=int, default=2_000, help="replies in the mailbox")
    parser.add_argument("--alleen-verzenden", action="store_true", help="only the send part (part 1)")
    args = parser.parse_args(argv)
    regels = meet(*((200, 50) if args.snel else (args.aantal, args.antwoorden)), lezen_ook=not args.alleen_verzenden)
    print(toon(regels))
    return regels


def verzenden(engine, catalogus, aantal: int) -> Regel:
    postbode = Postbode(bewaren=False)
    with smtp_server(postbode) as controller:
        inst = Instellingen(
            smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls="geen", antwoordadres="integriteit@example.nl"
        )
        begin = time.perf_counter()
        with sessie(engine) as s:
            verslag = verzend(session=s, catalogus=catalogus, nu=NU, inst=inst)
        echt = time.perf_counter() - begin
        begin = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", controller.port) as smtp:
            for i in range(aantal):
                bericht = EmailMessage()
                bericht["From"], bericht["To"], bericht["Subject"] = "a@example.nl", f"lid{i}@example.org", "Test"
                bericht.set_content("Beste lid,\n\nGraag uw opgave.\n")
                smtp.send_message(bericht)
        kaal = time.perf_counter() - begin
    echt_per_s, kaal_per_s = verslag.verzonden / echt, aantal / kaal
    return Regel(
        f"send {aantal:,} messages, ratio to a plain smtplib loop on one connection (same run)",
        "at least 0.77 (at most 1.3x slower)",
        f"{echt_per_s:,.0f}/s ({verslag.verzonden:,} sent); smtplib {kaal_per_s:,.0f}/s",
        f"{echt_per_s / kaal_per_s:.2f}",
    )


def lezen(engine, catalogus, aantal: int) -> Regel:
    with sessie(engine) as s:
        verzoeken = s.exec(
            select(Verzoek.token, Bericht.message_id)
            .join(Bericht, Bericht.verzoek_id == Verzoek.id)
            .where(Bericht.soort == "verzoek")
            .limit(aantal)
        ).all()
    with dovecot() as server:
        with MailBoxUnencrypted(server["host"], server["port"]).login(server["user"], server["password"]) as mb:
            for i, (token, message_id) in enumerate(verzoeken):
                mb.append(_antwoord(i, token, message_id), "INBOX")
            begin = time.perf_counter()
            ruw = list(mb.fetch(mark_seen=False, bulk=True))
            kaal = time.perf_counter() - begin
        inst = Instellingen(
            imap_host=server["host"],
            imap_port=server["port"],
            imap_tls="geen",
            imap_user=server["user"],
            imap_password=server["password"],
        )
        begin = time.perf_counter()
        verslag = lees_postvak(engine=engine, catalogus=catalogus, inst=inst, nu=NU).mappen
        echt = time.perf_counter() - begin
    gelezen = sum(verslag.values())
    return Regel(
        "read, match and record replies from Dovecot; ratio to a raw fetch that parses each message",
        "at least 1,000 per s, at most 3x a raw fetch",
        f"{len(ruw) / echt:,.0f}/s ({gelezen:,} of {len(ruw):,} {_mappen(verslag)}); raw {len(ruw) / kaal:,.0f}/s",
        f"{echt / kaal:.1f}x the raw fetch",
    )


def _mappen(verslag) -> str:
    return "moved to " + ", ".join(f"{map}: {aantal}" for map, aantal in verslag.items())


def _antwoord(i: int, token: str, message_id: str) -> bytes:
    bericht = EmailMessage()
    bericht["From"], bericht["To"] = f"lid{i}@example.org", f"integriteit+{token}@example.nl"
    bericht["Subject"], bericht["Message-ID"] = "Re: Actualisatie", f"<antwoord{i}@example.org>"
    bericht["In-Reply-To"] = message_id
    bericht.set_content("Geen wijzigingen.\n\nOp 1 mrt 2027 schreef Integriteit <integriteit@example.nl>:\n> Beste,\n")
    return bytes(bericht)


if __name__ == "__main__":
    main()
