"""End to end, with real servers: a ronde goes out over SMTP (aiosmtpd), replies land in an IMAP mailbox
(Dovecot), `integriteit postvak` reads them, and `integriteit status --json` counts exactly the genuine ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from imap_tools import MailBoxUnencrypted
from typer.testing import CliRunner

from cli.main import app
from models.instellingen import instellingen
from testservers.smtp import Postbode
from testservers.smtp import smtp_server as start_smtp

pytestmark = pytest.mark.traag
runner = CliRunner()
PERSONEN = """extern_id,naam,email,rollen
E1,Anna Bakker,anna@example.org,statenlid
E2,Bas de Boer,bas@example.org,statenlid
E3,Carla Smit,carla@example.org,statenlid
E4,Daan Visser,daan@example.org,statenlid
E5,Eva Mulder,eva@example.org,statenlid
G1,Griffie,griffie@example.org,statengriffie
"""


@pytest.fixture
def omgeving(tmp_path, monkeypatch, smtp_server, imap_server):
    controller, postbode = smtp_server
    for naam, waarde in {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.db'}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(controller.port),
        "SMTP_TLS": "geen",
        "IMAP_HOST": imap_server["host"],
        "IMAP_PORT": str(imap_server["port"]),
        "IMAP_TLS": "geen",
        "IMAP_USER": imap_server["user"],
        "IMAP_PASSWORD": imap_server["password"],
        "ANTWOORDADRES": "integriteit@example.nl",
        "AFZENDER": "integriteit@example.nl",
        "BASIS_URL": "https://integriteit.example.nl",  # real mail links to the website, never to this machine
    }.items():
        monkeypatch.setenv(f"INTEGRITEIT_{naam}", waarde)
    instellingen.cache_clear()
    (tmp_path / "personen.csv").write_text(PERSONEN, encoding="utf-8")
    yield tmp_path, postbode
    instellingen.cache_clear()


def cli(*argumenten: str):
    uitkomst = runner.invoke(app, list(argumenten))
    assert uitkomst.exit_code == 0, uitkomst.output
    return uitkomst


def antwoord_op(
    verzoek, van: str, tekst: str, *, aan: str | None = None, koppen: dict | None = None, met_id: bool = True
) -> bytes:
    bericht = EmailMessage()
    bericht["From"] = van
    bericht["To"] = aan or verzoek["Reply-To"]
    bericht["Subject"] = f"Re: {verzoek['Subject']}"
    if met_id:
        bericht["Message-ID"] = make_msgid(domain="example.org")
    bericht["In-Reply-To"] = verzoek["Message-ID"]
    for naam, waarde in (koppen or {}).items():
        bericht[naam] = waarde
    bericht.set_content(f"{tekst}\n\nOp 1 mrt 2027 schreef Integriteit <integriteit@example.nl>:\n> Beste,\n")
    return bytes(bericht)


def postvak(server):
    return MailBoxUnencrypted(server["host"], server["port"]).login(server["user"], server["password"])


def aantallen_per_map(server) -> dict[str, int]:
    aantallen = {}
    with postvak(server) as mb:
        for naam in ("INBOX", "Verwerkt", "Automatisch", "Beoordelen"):
            if not mb.folder.exists(naam):  # the first poll on a fresh server makes the folders
                aantallen[naam] = 0
                continue
            mb.folder.set(naam)
            aantallen[naam] = len(mb.uids())
    return aantallen


def test_a_ronde_by_mail_counts_exactly_the_genuine_answers(omgeving, imap_server):
    map, postbode = omgeving
    cli("personen", "importeer", str(map / "personen.csv"))
    cli("ronde", "start", "nevenfuncties-statenleden", "--nu", "2027-03-01T09:30")
    verzoeken = {b["To"]: b for b in postbode.berichten}
    assert set(verzoeken) == {
        "anna@example.org",
        "bas@example.org",
        "carla@example.org",
        "daan@example.org",
        "eva@example.org",
    }

    antwoorden = [
        antwoord_op(verzoeken["anna@example.org"], "Anna Bakker <anna@example.org>", "Geen wijzigingen."),
        antwoord_op(verzoeken["bas@example.org"], "bas@example.org", "Nieuw: penningmeester Stichting X (onbetaald)."),
        antwoord_op(
            verzoeken["carla@example.org"], "carla@example.org", "ongewijzigd", aan="integriteit@example.nl"
        ),  # plus-address stripped; In-Reply-To still matches
        antwoord_op(
            verzoeken["daan@example.org"],
            "daan@example.org",
            "Ik ben afwezig tot 15 maart.",
            koppen={"Auto-Submitted": "auto-replied"},
        ),
        antwoord_op(verzoeken["eva@example.org"], "iemand@elders.example", "Geen wijzigingen."),  # forged
    ]
    with postvak(imap_server) as mb:
        for ruw in antwoorden:
            mb.append(ruw, "INBOX")

    cli("postvak", "--nu", "2027-03-03T12:00")
    cli("postvak", "--nu", "2027-03-03T12:05")  # reading again changes nothing

    ronde = json.loads(cli("status", "--json").stdout)["rondes"][0]
    assert (ronde["verzoeken"], ronde["beantwoord"], ronde["open"]) == (5, 3, 2)
    assert aantallen_per_map(imap_server) == {"INBOX": 0, "Verwerkt": 3, "Automatisch": 1, "Beoordelen": 1}
    bevestigd = sorted(b["To"] for b in postbode.berichten if b["Subject"].startswith("Ontvangen:"))
    assert bevestigd == ["anna@example.org", "bas@example.org", "carla@example.org"]


def test_an_address_with_a_plus_tag_answers_by_mail_from_either_form(omgeving, imap_server):
    map, postbode = omgeving
    (map / "plus.csv").write_text(
        "extern_id,naam,email,rollen\nP1,Jan Plus,jan+x@example.org,statenlid\nP2,Kim Kaal,kim@example.org,statenlid\n"
        "G1,Griffie,griffie@example.org,statengriffie\n",
        encoding="utf-8",
    )
    cli("personen", "importeer", str(map / "plus.csv"))
    cli("ronde", "start", "nevenfuncties-statenleden", "--nu", "2027-03-01T09:30")
    verzoeken = {b["To"]: b for b in postbode.berichten}
    eerder = aantallen_per_map(imap_server)  # the mailbox is shared by the tests of this session
    with postvak(imap_server) as mb:
        # the HR address carries the tag, and so does the reply; a plain HR address answers from a tagged one
        for aan, van in [("jan+x@example.org", "Jan <Jan+X@example.org>"), ("kim@example.org", "kim+werk@example.org")]:
            mb.append(antwoord_op(verzoeken[aan], van, "Geen wijzigingen."), "INBOX")

    cli("postvak", "--nu", "2027-03-03T12:00")

    ronde = json.loads(cli("status", "--json").stdout)["rondes"][0]
    assert (ronde["verzoeken"], ronde["beantwoord"]) == (2, 2)
    nu = aantallen_per_map(imap_server)
    assert {m: nu[m] - eerder[m] for m in nu} == {"INBOX": 0, "Verwerkt": 2, "Automatisch": 0, "Beoordelen": 0}


def test_a_refused_imap_login_is_one_dutch_line_an_hourly_alert_and_moves_nothing(omgeving, imap_server, monkeypatch):
    alarm = Postbode()
    wachtend = EmailMessage()
    wachtend["From"], wachtend["To"], wachtend["Subject"] = "anna@example.org", "integriteit@example.nl", "Re: x"
    wachtend.set_content("Geen wijzigingen.")
    with postvak(imap_server) as mb:
        mb.append(bytes(wachtend), "INBOX")
    eerder = aantallen_per_map(imap_server)
    with start_smtp(alarm) as kanaal:
        monkeypatch.setenv("INTEGRITEIT_IMAP_PASSWORD", "fout")
        monkeypatch.setenv(
            "INTEGRITEIT_MELDINGEN",
            f"mailto://127.0.0.1:{kanaal.port}?mode=insecure&from=motor@example.nl&to=coordinator@example.nl",
        )
        instellingen.cache_clear()
        uitkomsten = [runner.invoke(app, ["postvak", "--nu", f"2027-03-03T{t}"]) for t in ("12:00", "12:05", "13:05")]
    assert [(u.exit_code, u.stderr) for u in uitkomsten] == [(1, WEIGERING)] * 3  # no traceback
    assert [b["Subject"] for b in alarm.berichten] == ["IMAP-storing: het postvak wordt niet gelezen"] * 2  # hourly
    assert "Authentication failed" in alarm.berichten[0].get_body(("plain",)).get_content()
    assert aantallen_per_map(imap_server) == eerder  # nothing moved
    with postvak(imap_server) as mb:
        assert [m.flags for m in mb.fetch(mark_seen=False)] == [()]  # nor marked read
        mb.delete(mb.uids())


WEIGERING = (
    "Het postvak kon niet worden gelezen (IMAP-storing); wat nog niet gelezen is, blijft in het postvak staan. "
    "De server zei: NO [AUTHENTICATIONFAILED] Authentication failed.\n"
)


# A poll that dies after committing its answers and before moving them: the crash window of commit-before-move.
DOOD_VOOR_VERPLAATSEN = (
    "import os, sys, imap_tools.mailbox as m\n"
    "m.BaseMailBox.move = lambda *a, **k: os._exit(9)\n"
    "from cli.main import app\n"
    "app(['postvak', '--nu', '2027-03-03T12:00'])\n"
)


def test_replies_without_message_id_are_counted_once_after_a_crash_between_commit_and_move(omgeving, imap_server):
    map, postbode = omgeving
    cli("personen", "importeer", str(map / "personen.csv"))
    cli("ronde", "start", "nevenfuncties-statenleden", "--nu", "2027-03-01T09:30")
    verzoeken = [b for b in postbode.berichten if b["To"] != "griffie@example.org"]
    eerder = aantallen_per_map(imap_server)  # the mailbox is shared by the tests of this session
    with postvak(imap_server) as mb:
        for verzoek in verzoeken:
            mb.append(antwoord_op(verzoek, verzoek["To"], "Geen wijzigingen.", met_id=False), "INBOX")

    # another process, so another hash salt: the stand-in id must not depend on it
    gedood = subprocess.run(
        [sys.executable, "-c", DOOD_VOOR_VERPLAATSEN], env=os.environ | {"PYTHONHASHSEED": "random"}, cwd=os.getcwd()
    )
    assert gedood.returncode == 9
    assert aantallen_per_map(imap_server)["INBOX"] == eerder["INBOX"] + len(verzoeken)  # committed, never moved
    cli("postvak", "--nu", "2027-03-03T12:05")

    ronde = json.loads(cli("status", "--json").stdout)["rondes"][0]
    assert (ronde["verzoeken"], ronde["beantwoord"]) == (5, 5)
    nu = aantallen_per_map(imap_server)
    assert {m: nu[m] - eerder[m] for m in nu} == {"INBOX": 0, "Verwerkt": 5, "Automatisch": 0, "Beoordelen": 0}
    cli("verzend", "--nu", "2027-03-03T12:10")
    bevestigd = [b["To"] for b in postbode.berichten if b["Subject"].startswith("Ontvangen:")]
    assert sorted(bevestigd) == sorted(v["To"] for v in verzoeken)  # one confirmation each
