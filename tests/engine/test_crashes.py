"""Crashes, proven: `integriteit verzend`, `postvak` and `bewaking` are killed with SIGKILL at seeded random
moments, then run to completion, against a recording SMTP server (aiosmtpd) and a real Dovecot.

Every run: no verzoek without its mail, at most one duplicate per crash while sending (the documented window
between the server's "250 OK" and the commit that records it), no reply lost or counted twice, no reminder
twice. Each test prints its counts (runs, killed mid-work, lost, duplicated, tracebacks) for the closing note.

A command runs in a forked child of this test process: the real CLI with its modules already imported, so a run
costs a fraction of a second and the kill lands in the work itself rather than in the interpreter's start.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted
from sqlalchemy import func
from sqlmodel import Session, select

from cli.main import app
from engine import auditketen, diensten
from engine.catalogus import STANDAARD_MAP
from engine.database import database, maak_engine
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from models.instellingen import Instellingen, instellingen
from models.tabellen import Antwoord, Bericht, Gebeurtenis, Inkomend, Persoon, Verzoek
from models.werkdagen import TIJDZONE
from notifications.sleutels import antwoordadres
from testservers.onderbreker import onderbreker

pytestmark = pytest.mark.traag
RUNS = 20
ZAAD = 16
LEDEN = 6  # small batches keep 20 runs each within seconds; a kill still lands among them
START = datetime(2027, 3, 1, 10, 0, tzinfo=TIJDZONE)
ADRES = "integriteit@example.nl"


@dataclass
class Telling:
    """What the runs of one test came to; `onderweg` counts the kills that landed while work was under way."""

    runs: int = 0
    onderweg: int = 0
    verloren: int = 0
    dubbel: int = 0
    tracebacks: int = 0

    def tel(self, onderweg: bool, verloren: int, dubbel: int) -> None:
        self.runs += 1
        self.onderweg += onderweg
        self.verloren += verloren
        self.dubbel += dubbel

    def regel(self, naam: str) -> str:
        return (
            f"crash {naam}: {self.runs} runs, {self.onderweg} killed mid-work, {self.verloren} lost, "
            f"{self.dubbel} duplicated, {self.tracebacks} tracebacks"
        )


def integriteit(argumenten: list[str], omgeving: dict[str, str], log: Path, voor=None) -> int:
    """Fork a child that runs `integriteit <argumenten>` with `omgeving` added to its environment, after
    `voor()` when given; its pid. Whatever it prints, a traceback included, goes to `log`."""
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        sys.stdout = sys.stderr = open(log, "a")  # noqa: SIM115 - the child ends with os._exit
        os.environ.update(omgeving)
        instellingen.cache_clear()
        database.cache_clear()
        if voor:
            voor()
        app(argumenten)
    except SystemExit as einde:
        code = einde.code if isinstance(einde.code, int) else int(einde.code is not None)
    except BaseException:  # noqa: BLE001 - counted by the test through the log
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        os._exit(code)


def dood_na(pid: int, seconden: float) -> bool:
    """SIGKILL `pid` after `seconden` unless it ended before; whether the kill is what ended it."""
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return False
        time.sleep(0.001)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)


def tot_het_einde(pid: int) -> int:
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


class Proef:
    """One test's runs: a template database copied for each run, a command killed at a random moment in the
    time an undisturbed run takes, then the same command run to completion."""

    def __init__(self, map: Path, sjabloon: Path, opdracht: list[str], omgeving: dict[str, str], voor=None) -> None:
        """`voor()` runs in each child before the command."""
        self.map, self.sjabloon, self.opdracht, self.omgeving, self.voor = map, sjabloon, opdracht, omgeving, voor
        self.telling = Telling()
        self.logs: list[Path] = []

    def database(self, naam: str) -> str:
        kopie = self.map / f"{naam}.db"
        shutil.copy(self.sjabloon, kopie)
        return f"sqlite:///{kopie}"

    def draai(self, url: str, naam: str, dood_na_seconden: float | None = None) -> tuple[bool, int]:
        """Run the command on `url`; killed after `dood_na_seconden` when given. (killed, exit code)."""
        log = self.map / f"{naam}.log"
        self.logs.append(log)
        pid = integriteit(self.opdracht, self.omgeving | {"INTEGRITEIT_DATABASE_URL": url}, log, self.voor)
        if dood_na_seconden is None:
            return False, tot_het_einde(pid)
        return dood_na(pid, dood_na_seconden), -9

    def duur(self, voorbereiden) -> float:
        """How long an undisturbed run takes (the window the kills are drawn from)."""
        url = self.database("ijking")
        voorbereiden()
        begin = time.monotonic()
        _, code = self.draai(url, "ijking")
        assert code == 0, (self.map / "ijking.log").read_text()
        return time.monotonic() - begin

    def afgerond(self) -> Telling:
        """The counts of every run, with the tracebacks any command printed."""
        self.telling.tracebacks = sum(log.read_text().count("Traceback") for log in self.logs if log.exists())
        return self.telling


def engine_met(url: str):
    return maak_engine(url)


def leden(aantal: int) -> list[PersoonInvoer]:
    return [
        PersoonInvoer(extern_id=f"S{i}", naam=f"Lid {i}", email=f"lid{i}@example.org", rollen=["statenlid"])
        for i in range(aantal)
    ] + [PersoonInvoer(extern_id="G", naam="Griffie", email="griffie@example.org", rollen=["statengriffie"])]


def smtp_omgeving(controller) -> dict[str, str]:
    return {
        "INTEGRITEIT_SMTP_HOST": "127.0.0.1",
        "INTEGRITEIT_SMTP_PORT": str(controller.port),
        "INTEGRITEIT_SMTP_TLS": "geen",
        "INTEGRITEIT_BASIS_URL": "https://integriteit.example.nl",  # real mail never links to this machine
        "INTEGRITEIT_ANTWOORDADRES": ADRES,
        "INTEGRITEIT_AFZENDER": ADRES,
    }


@pytest.fixture
def catalogus_geladen():
    """The project's catalogue loaded in this process, so every forked child finds it loaded."""
    return diensten.catalogus(STANDAARD_MAP)


def sjabloon_met(pad: Path, vul) -> Path:
    """A template database at `pad`, filled by `vul(session)`."""
    engine = engine_met(f"sqlite:///{pad}")
    with Session(engine, expire_on_commit=False) as s:
        vul(s)
        s.commit()
    engine.dispose()
    return pad


def uit_de_postbus(url: str, postbode, soorten: tuple[str, ...]) -> tuple[int, int, int]:
    """(messages of these kinds, of them never received, duplicate receipts) after a run; every message must be
    recorded as sent or refused."""
    engine = engine_met(url)
    with Session(engine) as s:
        berichten = s.exec(select(Bericht).where(Bericht.soort.in_(soorten))).all()
        assert all(b.verzonden or b.geweigerd for b in s.exec(select(Bericht)).all())
    engine.dispose()
    ontvangen = Counter(str(b["Message-ID"]).strip() for b in postbode.berichten)  # long ids come folded
    verloren = sum(1 for b in berichten if not ontvangen[b.message_id])
    return len(berichten), verloren, sum(n - 1 for n in ontvangen.values())


def gedood_en_afgemaakt(proef: Proef, postbode, soort: str, verwacht: int, zaad: int, per_run=None) -> Telling:
    """Every run: the command killed at a random moment while it sends, then run to completion; every message of
    `soort` arrived, at most one of them twice. `per_run(url, run)` checks more."""
    venster = proef.duur(postbode.berichten.clear)
    kans = random.Random(zaad)
    for run in range(RUNS):
        postbode.berichten.clear()
        url = proef.database(f"run-{run}")
        gedood, _ = proef.draai(url, f"run-{run}-gedood", kans.uniform(0, venster))
        onderweg = len(postbode.berichten) < verwacht
        _, code = proef.draai(url, f"run-{run}")
        assert code == 0, (proef.map / f"run-{run}.log").read_text()
        aantal, verloren, dubbel = uit_de_postbus(url, postbode, (soort,))
        assert aantal == verwacht, f"run {run}: {aantal} messages"
        assert dubbel <= int(gedood), f"run {run}: {dubbel} duplicates after one crash"
        if per_run:
            per_run(url, run)
        proef.telling.tel(gedood and onderweg, verloren, dubbel)
    return proef.afgerond()


def test_verzend_killed_at_random_moments_loses_nothing_and_sends_at_most_one_twice(
    tmp_path, catalogus, catalogus_geladen, smtp_server, melding
):
    controller, postbode = smtp_server

    def ronde(s: Session) -> None:
        importeer(s, leden(2 * LEDEN), START)  # one ronde of 12 verzoeken
        start_ronde(session=s, catalogus=catalogus, proces=catalogus.proces("nevenfuncties-statenleden"), nu=START)

    def elk_bericht_eenmaal_geboekt(url: str, run: int) -> None:
        engine = engine_met(url)
        with Session(engine) as s:
            verzonden = s.exec(select(Bericht.id).where(Bericht.verzonden.is_not(None))).all()
            geboekt = s.exec(select(Gebeurtenis.bericht_id).where(Gebeurtenis.soort == "bericht-verzonden")).all()
            assert sorted(geboekt) == sorted(verzonden), f"run {run}: booked {sorted(geboekt)}"
            assert auditketen.controleer(s).breuk is None, f"run {run}"
        engine.dispose()

    sjabloon = sjabloon_met(tmp_path / "sjabloon.db", ronde)
    proef = Proef(tmp_path, sjabloon, ["verzend", "--nu", "2027-03-01T10:05"], smtp_omgeving(controller))
    telling = gedood_en_afgemaakt(proef, postbode, "verzoek", 2 * LEDEN, ZAAD, per_run=elk_bericht_eenmaal_geboekt)
    melding(telling.regel("verzend"))
    assert (telling.verloren, telling.tracebacks) == (0, 0)
    assert telling.onderweg > 0  # the kills did land while mail was going out


def test_the_daily_watch_killed_mid_pass_reminds_everyone_once(
    tmp_path, catalogus, catalogus_geladen, smtp_server, melding
):
    controller, postbode = smtp_server
    inst = Instellingen(database_url=f"sqlite:///{tmp_path / 'sjabloon.db'}", **_smtp(controller))

    def maart(s: Session) -> None:
        importeer(s, leden(LEDEN), START)

    sjabloon = sjabloon_met(tmp_path / "sjabloon.db", maart)
    omg = diensten.Omgeving(engine_met(inst.database_url), catalogus, inst)
    diensten.bewaak(omg, nu=START)  # the rondes of March start and go out
    omg.engine.dispose()
    herinneringsdag = "2027-03-15T10:00"  # the first reminder of nevenfuncties and financiële belangen (P2W)
    proef = Proef(tmp_path, sjabloon, ["bewaking", "--nu", herinneringsdag], smtp_omgeving(controller))

    def elk_verzoek_een_herinnering(url: str, run: int) -> None:
        engine = engine_met(url)
        with Session(engine) as s:
            per_verzoek = Counter(s.exec(select(Verzoek.herinneringen)).all())
        engine.dispose()
        assert per_verzoek == {1: 2 * LEDEN}, f"run {run}: {per_verzoek}"

    telling = gedood_en_afgemaakt(proef, postbode, "herinnering", 2 * LEDEN, ZAAD + 1, elk_verzoek_een_herinnering)
    melding(telling.regel("bewaking"))
    assert (telling.verloren, telling.tracebacks) == (0, 0)
    assert telling.onderweg > 0


def _smtp(controller) -> dict:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": controller.port,
        "smtp_tls": "geen",
        "antwoordadres": ADRES,
        "afzender": ADRES,
    }


def antwoorden(url: str) -> list[bytes]:
    """A reply from every member to their verzoek (every third without a Message-ID), and two out-of-office
    replies."""
    engine = engine_met(url)
    with Session(engine) as s:
        rijen = s.exec(
            select(Persoon.email, Verzoek.token, Bericht.message_id)
            .join(Verzoek, Verzoek.persoon_id == Persoon.id)
            .join(Bericht, Bericht.verzoek_id == Verzoek.id)
        ).all()
    engine.dispose()
    berichten = []
    for nummer, (email, token, message_id) in enumerate(rijen):
        bericht = EmailMessage()
        bericht["From"], bericht["To"] = email, antwoordadres(ADRES, token)
        bericht["Subject"], bericht["In-Reply-To"] = "Re: Actualisatie nevenfuncties", message_id
        if nummer % 3:
            bericht["Message-ID"] = make_msgid(domain="example.org")
        bericht.set_content("Geen wijzigingen.\n\nOp 1 mrt 2027 schreef Integriteit:\n> Beste,\n")
        berichten.append(bytes(bericht))
    for nummer, (email, _, message_id) in enumerate(rijen[:2]):
        afwezig = EmailMessage()
        afwezig["From"], afwezig["To"], afwezig["Subject"] = email, ADRES, "Automatisch antwoord: afwezig"
        afwezig["Auto-Submitted"], afwezig["In-Reply-To"] = "auto-replied", message_id
        afwezig["Message-ID"] = make_msgid(idstring=f"afwezig{nummer}", domain="example.org")
        afwezig.set_content("Ik ben tot 15 maart afwezig.")
        berichten.append(bytes(afwezig))
    return berichten


MAPPEN = ("INBOX", "Verwerkt", "Automatisch", "Beoordelen", "Onbekend")


def postvak(server) -> MailBoxUnencrypted:
    return MailBoxUnencrypted(server["host"], server["port"]).login(server["user"], server["password"])


def per_map(server) -> dict[str, int]:
    aantallen = {}
    with postvak(server) as mb:
        for m in filter(mb.folder.exists, MAPPEN):
            mb.folder.set(m)
            aantallen[m] = len(mb.uids())
    return aantallen


def ingelezen(url: str) -> int:
    engine = engine_met(url)
    with Session(engine) as s:
        aantal = s.exec(select(func.count()).select_from(Inkomend)).one()
    engine.dispose()
    return aantal


def leeg_en_vul(server, berichten: list[bytes]) -> None:
    """An inbox with exactly `berichten`, every other folder empty (the Dovecot of this session is shared)."""
    with postvak(server) as mb:
        for m in MAPPEN:
            if mb.folder.exists(m):
                mb.folder.set(m)
                if uids := mb.uids():
                    mb.delete(uids)
        for ruw in berichten:
            mb.append(ruw, "INBOX")


@pytest.fixture
def postvak_leeg_na(imap_server):
    """The Dovecot of this session is shared: these tests leave its mailbox as empty as they found it."""
    yield imap_server
    leeg_en_vul(imap_server, [])


def postvak_opzet(tmp_path: Path, catalogus, imap_server) -> tuple[Path, list[bytes], dict[str, str]]:
    """A template database with a ronde of LEDEN verzoeken, the replies to it, and the settings of the mailbox."""

    def ronde(s: Session) -> None:
        importeer(s, leden(LEDEN), START)
        start_ronde(session=s, catalogus=catalogus, proces=catalogus.proces("nevenfuncties-statenleden"), nu=START)

    sjabloon = sjabloon_met(tmp_path / "sjabloon.db", ronde)
    imap = {
        "INTEGRITEIT_IMAP_HOST": imap_server["host"],
        "INTEGRITEIT_IMAP_PORT": str(imap_server["port"]),
        "INTEGRITEIT_IMAP_TLS": "geen",
        "INTEGRITEIT_IMAP_USER": imap_server["user"],
        "INTEGRITEIT_IMAP_PASSWORD": imap_server["password"],
        "INTEGRITEIT_ANTWOORDADRES": ADRES,
    }
    return sjabloon, antwoorden(f"sqlite:///{sjabloon}"), imap


def na_het_postvak(url: str, imap_server, berichten: list[bytes], run: int) -> tuple[int, int]:
    """(replies lost, replies counted twice) once the mailbox has been read to the end; every message must be in
    exactly one folder, recorded once, and have caused at most one confirmation."""
    engine = engine_met(url)
    with Session(engine) as s:
        beantwoord = s.exec(select(func.count(func.distinct(Antwoord.verzoek_id)))).one()
        antwoorden_ = s.exec(select(func.count()).select_from(Antwoord)).one()
        inkomend = s.exec(select(func.count()).select_from(Inkomend)).one()
        ontvangst = s.exec(select(func.count()).select_from(Bericht).where(Bericht.soort == "ontvangst")).one()
    engine.dispose()
    mappen = per_map(imap_server)
    assert mappen == {"INBOX": 0, "Verwerkt": LEDEN, "Automatisch": 2, "Beoordelen": 0, "Onbekend": 0}, run
    assert (inkomend, ontvangst) == (len(berichten), LEDEN), run
    return LEDEN - beantwoord, antwoorden_ - beantwoord


@pytest.mark.usefixtures("postvak_leeg_na")
def test_postvak_killed_at_random_moments_counts_every_reply_once(
    tmp_path, catalogus, catalogus_geladen, imap_server, melding
):
    sjabloon, berichten, imap = postvak_opzet(tmp_path, catalogus, imap_server)
    proef = Proef(tmp_path, sjabloon, ["postvak", "--nu", "2027-03-03T12:00"], imap, voor=kleine_blokken)
    venster = proef.duur(lambda: leeg_en_vul(imap_server, berichten))
    kans = random.Random(ZAAD + 2)
    for run in range(RUNS):
        leeg_en_vul(imap_server, berichten)
        url = proef.database(f"postvak-{run}")
        gedood, _ = proef.draai(url, f"postvak-{run}-gedood", kans.uniform(0, venster))
        vastgelegd = ingelezen(url)  # part of the replies, or all of them but not yet all moved
        onderweg = 0 < vastgelegd < len(berichten) or (vastgelegd > 0 and per_map(imap_server)["INBOX"] > 0)
        _, code = proef.draai(url, f"postvak-{run}")
        assert code == 0, (tmp_path / f"postvak-{run}.log").read_text()
        proef.telling.tel(gedood and onderweg, *na_het_postvak(url, imap_server, berichten, run))
    telling = proef.afgerond()
    melding(telling.regel("postvak"))
    assert (telling.verloren, telling.dubbel, telling.tracebacks) == (0, 0, 0)
    assert telling.onderweg > 0


def kleine_blokken() -> None:
    """For the child: read the inbox three messages at a time, so that a kill can land between blocks."""
    from notifications import imap

    imap.BLOK = 3


def dood_bij(stap: str, blok: int):
    """For the child: read the inbox four messages at a time, and SIGKILL itself at `stap` of block `blok`:
    `opgehaald` (fetched, nothing recorded), `vastgelegd` (committed, not moved), `half-verplaatst` (moved to
    its first folder only) or `verplaatst` (moved to every folder, nothing after)."""

    def zet() -> None:
        from imap_tools.mailbox import BaseMailBox

        from engine import postvak as lezer
        from notifications import imap

        imap.BLOK = 4
        verwerk_blok, move = lezer.verwerk_blok, BaseMailBox.move
        nu = {"blok": -1, "mappen": 0, "verplaatst": 0}

        def dood(hier: str) -> None:
            if (stap, blok) == (hier, nu["blok"]):
                os.kill(os.getpid(), signal.SIGKILL)

        def blok_met_dood(**kwargs):
            nu["blok"] += 1
            dood("opgehaald")
            mappen = verwerk_blok(**kwargs)
            nu["mappen"], nu["verplaatst"] = len(set(mappen)), 0
            dood("vastgelegd")
            return mappen

        def move_met_dood(self, *args, **kwargs):
            uitkomst = move(self, *args, **kwargs)
            nu["verplaatst"] += 1
            if nu["verplaatst"] == 1 < nu["mappen"]:
                dood("half-verplaatst")
            if nu["verplaatst"] == nu["mappen"]:
                dood("verplaatst")
            return uitkomst

        lezer.verwerk_blok, BaseMailBox.move = blok_met_dood, move_met_dood

    return zet


# (step, block, messages recorded and left in the inbox at the kill): the LEDEN replies come first, then the two
# out-of-office replies, so the second block goes to two folders
STAPPEN = [
    ("opgehaald", 0, 0, 8),
    ("vastgelegd", 0, 4, 8),
    ("verplaatst", 0, 4, 4),
    ("opgehaald", 1, 4, 4),
    ("vastgelegd", 1, 8, 4),
    ("half-verplaatst", 1, 8, 2),
    ("verplaatst", 1, 8, 0),
]


@pytest.mark.usefixtures("postvak_leeg_na")
@pytest.mark.parametrize(("stap", "blok", "vastgelegd", "in_inbox"), STAPPEN)
def test_postvak_killed_between_the_steps_of_a_block_loses_nothing_and_counts_nothing_twice(
    tmp_path, catalogus, catalogus_geladen, imap_server, stap, blok, vastgelegd, in_inbox
):
    sjabloon, berichten, imap = postvak_opzet(tmp_path, catalogus, imap_server)
    proef = Proef(tmp_path, sjabloon, ["postvak", "--nu", "2027-03-03T12:00"], imap)
    leeg_en_vul(imap_server, berichten)
    url = proef.database("gedood")
    pid = integriteit(
        proef.opdracht, imap | {"INTEGRITEIT_DATABASE_URL": url}, tmp_path / "gedood.log", dood_bij(stap, blok)
    )
    assert tot_het_einde(pid) == -signal.SIGKILL, (tmp_path / "gedood.log").read_text()
    assert (ingelezen(url), per_map(imap_server)["INBOX"]) == (vastgelegd, in_inbox)
    _, code = proef.draai(url, "daarna")
    assert code == 0, (tmp_path / "daarna.log").read_text()
    assert na_het_postvak(url, imap_server, berichten, 0) == (0, 0)
    assert proef.afgerond().tracebacks == 0


@pytest.mark.usefixtures("postvak_leeg_na")
def test_postvak_cut_off_mid_poll_loses_nothing_and_counts_nothing_twice(
    tmp_path, catalogus, catalogus_geladen, imap_server, melding
):
    """The connection to the IMAP server drops at a random byte of the conversation: the poll says so in one Dutch
    line (exit 1, no traceback), and the next poll reads the rest."""
    sjabloon, berichten, imap = postvak_opzet(tmp_path, catalogus, imap_server)
    proef = Proef(tmp_path, sjabloon, ["postvak", "--nu", "2027-03-03T12:00"], imap)
    with onderbreker(imap_server["host"], imap_server["port"]) as meting:
        proef.omgeving = imap | {"INTEGRITEIT_IMAP_PORT": str(meting.poort)}
        proef.duur(lambda: leeg_en_vul(imap_server, berichten))
    kans = random.Random(ZAAD + 3)
    for run in range(RUNS // 2):
        leeg_en_vul(imap_server, berichten)
        url = proef.database(f"afgebroken-{run}")
        # half the cuts anywhere (mostly the fetch), half in the last bytes: the moves after the commits
        na = kans.randrange(1, meting.doorgegeven) if run % 2 else meting.doorgegeven - kans.randrange(1, 600)
        with onderbreker(imap_server["host"], imap_server["port"], na=na) as knip:
            proef.omgeving = imap | {"INTEGRITEIT_IMAP_PORT": str(knip.poort)}
            _, code = proef.draai(url, f"afgebroken-{run}-geknipt")
        log = (tmp_path / f"afgebroken-{run}-geknipt.log").read_text()
        assert code == 0 or (code == 1 and "Het postvak kon niet worden gelezen" in log), log  # 0: cut at logout
        onderweg = ingelezen(url) > 0 and per_map(imap_server)["INBOX"] > 0  # recorded, not yet moved
        proef.omgeving = imap
        _, code = proef.draai(url, f"afgebroken-{run}")
        assert code == 0, (tmp_path / f"afgebroken-{run}.log").read_text()
        proef.telling.tel(onderweg, *na_het_postvak(url, imap_server, berichten, run))
    telling = proef.afgerond()
    melding(telling.regel("postvak, IMAP cut").replace("killed", "cut"))
    assert (telling.verloren, telling.dubbel, telling.tracebacks) == (0, 0, 0)
