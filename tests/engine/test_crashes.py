"""Crashes, proven: `integriteit verzend`, `postvak` and `bewaking` are killed with SIGKILL at seeded random
points of their work, then run to completion, against a recording SMTP server (aiosmtpd) and a real Dovecot.

A point is a call that makes up the work (a message handed to SMTP, a block of replies recorded, a block moved to
a folder), just before or just after it. The child writes down each point as it reaches it and kills itself at
the one the test drew from the points an undisturbed run reaches, so every kill lands mid-work however fast or
slow the machine is, and the test knows where.

Every run: no verzoek without its mail, at most one duplicate per crash while sending (the documented window
between the server's "250 OK" and the commit that records it), no reply lost or counted twice, no reminder
twice. Each test prints its counts (runs, killed mid-work, lost, duplicated, tracebacks) for the closing note.

A command runs in a forked child of this test process: the real CLI with its modules already imported, so a run
costs a fraction of a second.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sys
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted
from imap_tools.mailbox import BaseMailBox
from sqlalchemy import func
from sqlmodel import Session, select

from cli.main import app
from engine import auditketen, diensten, postvak
from engine.catalogus import STANDAARD_MAP
from engine.database import database, maak_engine
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from models.instellingen import Instellingen, instellingen
from models.tabellen import Antwoord, Bericht, Gebeurtenis, Inkomend, Persoon, Verzoek
from models.werkdagen import TIJDZONE
from notifications import smtp
from notifications.sleutels import antwoordadres
from testservers.onderbreker import onderbreker

pytestmark = pytest.mark.traag
RUNS = 20
ZAAD = 16
LEDEN = 6  # small batches keep 20 runs each within seconds
START = datetime(2027, 3, 1, 10, 0, tzinfo=TIJDZONE)
ADRES = "integriteit@example.nl"


@dataclass
class Telling:
    """What the runs of one test came to; `onderweg` counts the kills that landed while work was under way: the
    child died at its point, and what it left is begun and unfinished."""

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


def integriteit(argumenten: list[str], omgeving: dict[str, str], log: Path, voor=()) -> int:
    """Fork a child that runs `integriteit <argumenten>` with `omgeving` added to its environment, once each
    function of `voor` has run in it; its pid. Whatever it prints, a traceback included, goes to `log`."""
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        sys.stdout = sys.stderr = open(log, "a")  # noqa: SIM115 - the child ends with os._exit
        os.environ.update(omgeving)
        instellingen.cache_clear()
        database.cache_clear()
        for zet in voor:
            zet()
        app(argumenten)
    except SystemExit as einde:
        code = einde.code if isinstance(einde.code, int) else int(einde.code is not None)
    except BaseException:  # noqa: BLE001 - counted by the test through the log
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        os._exit(code)


def markeer(functies: tuple[tuple[object, str], ...], spoor: Path, dood_bij: str | None):
    """For the child: each call of these functions (owner and name: a module's function, a class's method) is
    two points of the work, `voor <name> <n>` and `na <name> <n>` around its n-th call. Each point is written to
    `spoor` as it is reached; at the point `dood_bij` the child kills itself with SIGKILL."""

    def zet() -> None:
        uit = os.open(spoor, os.O_WRONLY | os.O_CREAT | os.O_APPEND)  # unbuffered: each line outlives the kill
        keren: Counter = Counter()

        def punt(naam: str) -> None:
            os.write(uit, f"{naam}\n".encode())
            if naam == dood_bij:
                os.kill(os.getpid(), signal.SIGKILL)

        def gemarkeerd(naam: str, functie):
            def aanroep(*args, **kwargs):
                keren[naam] += 1
                keer = keren[naam]
                punt(f"voor {naam} {keer}")
                uitkomst = functie(*args, **kwargs)
                punt(f"na {naam} {keer}")
                return uitkomst

            return aanroep

        for eigenaar, naam in functies:
            setattr(eigenaar, naam, gemarkeerd(naam, getattr(eigenaar, naam)))

    return zet


def bereikt(spoor: Path) -> list[str]:
    """The points a child reached, in order."""
    return spoor.read_text().splitlines() if spoor.exists() else []


def binnen_het_werk(punten: list[str]) -> list[str]:
    """The points after the first and before the last: a kill there leaves the work begun and unfinished."""
    return punten[1:-1]


def tot_het_einde(pid: int) -> int:
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


class Proef:
    """One test's runs: a template database copied for each run, the command killed at a point of its work, then
    the same command run to completion."""

    def __init__(
        self,
        map: Path,
        sjabloon: Path,
        opdracht: list[str],
        omgeving: dict[str, str],
        punten: tuple[tuple[object, str], ...] = (),
        voor=None,
    ) -> None:
        """`punten`: the functions whose calls make up the work (see `markeer`); `voor()` runs in each child
        before the command."""
        self.map, self.sjabloon, self.opdracht, self.omgeving = map, sjabloon, opdracht, omgeving
        self.punten, self.voor = punten, voor
        self.telling = Telling()
        self.logs: list[Path] = []

    def database(self, naam: str) -> str:
        kopie = self.map / f"{naam}.db"
        shutil.copy(self.sjabloon, kopie)
        return f"sqlite:///{kopie}"

    def draai(self, url: str, naam: str, dood_bij: str | None = None) -> tuple[bool, int]:
        """Run the command on `url`, killed at the point `dood_bij` when given: (killed there, exit code)."""
        log, spoor = self.map / f"{naam}.log", self.map / f"{naam}.punten"
        self.logs.append(log)
        voor = [markeer(self.punten, spoor, dood_bij), *([self.voor] if self.voor else [])]
        pid = integriteit(self.opdracht, self.omgeving | {"INTEGRITEIT_DATABASE_URL": url}, log, voor)
        code = tot_het_einde(pid)
        return dood_bij is not None and code == -signal.SIGKILL and bereikt(spoor)[-1:] == [dood_bij], code

    def ijk(self, voorbereiden) -> list[str]:
        """The points an undisturbed run reaches, in order (the kills are drawn from them)."""
        url = self.database("ijking")
        voorbereiden()
        _, code = self.draai(url, "ijking")
        assert code == 0, (self.map / "ijking.log").read_text()
        return bereikt(self.map / "ijking.punten")

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


SMTP_PUNTEN = ((smtp, "bezorg"),)
"""Sending is made of messages handed to the SMTP server one by one."""


def gedood_en_afgemaakt(proef: Proef, postbode, soort: str, verwacht: int, zaad: int, per_run=None) -> Telling:
    """Every run: the command killed at a random point while it sends, then run to completion; every message of
    `soort` arrived, at most one of them twice. `per_run(url, run)` checks more."""
    punten = binnen_het_werk(proef.ijk(postbode.berichten.clear))
    kans = random.Random(zaad)
    for run in range(RUNS):
        postbode.berichten.clear()
        url = proef.database(f"run-{run}")
        punt = kans.choice(punten)
        gedood, _ = proef.draai(url, f"run-{run}-gedood", punt)
        assert gedood, f"run {run}: never reached {punt}: " + (proef.map / f"run-{run}-gedood.log").read_text()
        onderweg = 0 < len(postbode.berichten) < verwacht
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
    proef = Proef(tmp_path, sjabloon, ["verzend", "--nu", "2027-03-01T10:05"], smtp_omgeving(controller), SMTP_PUNTEN)
    telling = gedood_en_afgemaakt(proef, postbode, "verzoek", 2 * LEDEN, ZAAD, per_run=elk_bericht_eenmaal_geboekt)
    melding(telling.regel("verzend"))
    assert (telling.verloren, telling.tracebacks) == (0, 0)
    assert telling.onderweg == telling.runs  # every kill landed while mail was going out


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
    proef = Proef(tmp_path, sjabloon, ["bewaking", "--nu", herinneringsdag], smtp_omgeving(controller), SMTP_PUNTEN)

    def elk_verzoek_een_herinnering(url: str, run: int) -> None:
        engine = engine_met(url)
        with Session(engine) as s:
            per_verzoek = Counter(s.exec(select(Verzoek.herinneringen)).all())
        engine.dispose()
        assert per_verzoek == {1: 2 * LEDEN}, f"run {run}: {per_verzoek}"

    telling = gedood_en_afgemaakt(proef, postbode, "herinnering", 2 * LEDEN, ZAAD + 1, elk_verzoek_een_herinnering)
    melding(telling.regel("bewaking"))
    assert (telling.verloren, telling.tracebacks) == (0, 0)
    assert telling.onderweg == telling.runs


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


def inloggen(server) -> MailBoxUnencrypted:
    return MailBoxUnencrypted(server["host"], server["port"]).login(server["user"], server["password"])


def per_map(server) -> dict[str, int]:
    aantallen = {}
    with inloggen(server) as mb:
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
    with inloggen(server) as mb:
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


POSTVAK = ["postvak", "--nu", "2027-03-03T12:00"]
POSTVAK_PUNTEN = ((postvak, "verwerk_blok"), (BaseMailBox, "move"))
"""Reading the mailbox is made of blocks: each fetched, recorded and committed (`verwerk_blok`), then moved to
its folders, one move per folder."""


def blokken_van(aantal: int):
    """For the child: read the inbox `aantal` messages at a time, so that the work has points between blocks."""

    def zet() -> None:
        from notifications import imap

        imap.BLOK = aantal

    return zet


@pytest.mark.usefixtures("postvak_leeg_na")
def test_postvak_killed_at_random_moments_counts_every_reply_once(
    tmp_path, catalogus, catalogus_geladen, imap_server, melding
):
    sjabloon, berichten, imap = postvak_opzet(tmp_path, catalogus, imap_server)
    proef = Proef(tmp_path, sjabloon, POSTVAK, imap, POSTVAK_PUNTEN, voor=blokken_van(3))
    punten = binnen_het_werk(proef.ijk(lambda: leeg_en_vul(imap_server, berichten)))
    kans = random.Random(ZAAD + 2)
    for run in range(RUNS):
        leeg_en_vul(imap_server, berichten)
        url = proef.database(f"postvak-{run}")
        punt = kans.choice(punten)
        gedood, _ = proef.draai(url, f"postvak-{run}-gedood", punt)
        assert gedood, f"run {run}: never reached {punt}: " + (tmp_path / f"postvak-{run}-gedood.log").read_text()
        vastgelegd = ingelezen(url)  # part of the replies, or all of them but not yet all moved
        onderweg = 0 < vastgelegd < len(berichten) or (vastgelegd > 0 and per_map(imap_server)["INBOX"] > 0)
        _, code = proef.draai(url, f"postvak-{run}")
        assert code == 0, (tmp_path / f"postvak-{run}.log").read_text()
        proef.telling.tel(onderweg, *na_het_postvak(url, imap_server, berichten, run))
    telling = proef.afgerond()
    melding(telling.regel("postvak"))
    assert (telling.verloren, telling.dubbel, telling.tracebacks) == (0, 0, 0)
    assert telling.onderweg == telling.runs


# (point, messages recorded and left in the inbox at the kill), reading four at a time: the LEDEN replies come
# first, then the two out-of-office replies, so the second block goes to two folders
STAPPEN = [
    ("voor verwerk_blok 1", 0, 8),  # fetched, nothing recorded
    ("na verwerk_blok 1", 4, 8),  # committed, not moved
    ("na move 1", 4, 4),  # moved, nothing after
    ("voor verwerk_blok 2", 4, 4),
    ("na verwerk_blok 2", 8, 4),
    ("na move 2", 8, 2),  # moved to its first folder only
    ("na move 3", 8, 0),  # moved to every folder, nothing after
]


@pytest.mark.usefixtures("postvak_leeg_na")
@pytest.mark.parametrize(("punt", "vastgelegd", "in_inbox"), STAPPEN)
def test_postvak_killed_between_the_steps_of_a_block_loses_nothing_and_counts_nothing_twice(
    tmp_path, catalogus, catalogus_geladen, imap_server, punt, vastgelegd, in_inbox
):
    sjabloon, berichten, imap = postvak_opzet(tmp_path, catalogus, imap_server)
    proef = Proef(tmp_path, sjabloon, POSTVAK, imap, POSTVAK_PUNTEN, voor=blokken_van(4))
    leeg_en_vul(imap_server, berichten)
    url = proef.database("gedood")
    gedood, _ = proef.draai(url, "gedood", punt)
    assert gedood, (tmp_path / "gedood.log").read_text()
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
    proef = Proef(tmp_path, sjabloon, POSTVAK, imap)
    with onderbreker(imap_server["host"], imap_server["port"]) as meting:
        proef.omgeving = imap | {"INTEGRITEIT_IMAP_PORT": str(meting.poort)}
        proef.ijk(lambda: leeg_en_vul(imap_server, berichten))
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
