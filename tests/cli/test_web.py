"""`integriteit web` as a demo runs it: `--nu` shows the personal pages as of that moment, and without an SMTP server
the mail the website sends is caught in data/mail/ (as `start` does)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cli.main import app
from models.instellingen import instellingen
from testservers.smtp import vrije_poort

pytestmark = pytest.mark.traag
PERSONEN = """extern_id,naam,email,rollen
S1,Sanne Smit,sanne@example.org,statenlid
G1,Griffie,griffie@example.org,statengriffie
"""


@pytest.fixture
def ronde(tmp_path, monkeypatch) -> tuple[dict[str, str], str]:
    """The environment of a database with one ronde started on 1 March 2027 (deadline 30 March) and no SMTP
    server, and the token of its verzoek."""
    omgeving = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITEIT_")}
    omgeving["INTEGRITEIT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'integriteit.db'}"
    for naam in [k for k in os.environ if k.startswith("INTEGRITEIT_")]:
        monkeypatch.delenv(naam)
    monkeypatch.setenv("INTEGRITEIT_DATABASE_URL", omgeving["INTEGRITEIT_DATABASE_URL"])
    instellingen.cache_clear()
    (tmp_path / "personen.csv").write_text(PERSONEN, encoding="utf-8")
    for opdracht in (
        ["personen", "importeer", str(tmp_path / "personen.csv")],
        ["ronde", "start", "nevenfuncties-statenleden", "--nu", "2027-03-01T09:30"],
    ):
        uitkomst = CliRunner().invoke(app, opdracht)
        assert uitkomst.exit_code == 0, uitkomst.output
    instellingen.cache_clear()
    with sqlite3.connect(tmp_path / "integriteit.db") as db:
        (token,) = db.execute("SELECT token FROM verzoek").fetchone()
    return omgeving, token


@contextmanager
def website(map: Path, omgeving: dict[str, str], nu: str) -> Iterator[httpx.Client]:
    """`integriteit web --nu <nu>` in `map`, until the block ends; a client of it."""
    poort = vrije_poort()
    proces = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "web", "--poort", str(poort), "--nu", nu],
        cwd=map,
        env=omgeving | {"PYTHONPATH": str(Path(__file__).parents[2])},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{poort}") as klant:
            einde = time.monotonic() + 60
            while True:
                assert proces.poll() is None, proces.stdout.read()
                assert time.monotonic() < einde, "the website did not answer within 60 s"
                try:
                    klant.get("/")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            yield klant
    finally:
        proces.terminate()
        proces.wait(timeout=30)


def test_web_with_nu_shows_a_verzoek_open_before_its_deadline_and_late_after_it(ronde, tmp_path):
    omgeving, token = ronde
    with website(tmp_path, omgeving, "2027-03-10T10:00") as klant:
        pagina = klant.get(f"/antwoord/{token}")
        assert pagina.status_code == 200 and 'id="antwoordformulier"' in pagina.text
        assert 'id="te-laat"' not in pagina.text
    with website(tmp_path, omgeving, "2027-03-31T10:00") as klant:
        assert 'id="te-laat"' in klant.get(f"/antwoord/{token}").text


def test_web_without_smtp_catches_the_mail_it_sends_in_data_mail(ronde, tmp_path):
    omgeving, token = ronde
    with website(tmp_path, omgeving, "2027-03-10T10:00") as klant:
        pad = f"/antwoord/{token}/geen-wijzigingen"
        sleutel = re.search(r'name="csrf" value="([^"]+)"', klant.get(pad).text)[1]
        assert 'id="vastgelegd"' in klant.post(pad, data={"csrf": sleutel}).text
    gevangen = [
        email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        for eml in (tmp_path / "data" / "mail").glob("*.eml")
    ]
    # the answer sent what waited in the outbox: Sanne's verzoek, with the link to her page, and her receipt
    aan_sanne = [m for m in gevangen if m["To"] == "sanne@example.org"]
    [verzoek] = [m for m in aan_sanne if m["Subject"].startswith("Actualisatie nevenfuncties Statenleden")]
    [ontvangst] = [m for m in aan_sanne if m["Subject"].startswith("Ontvangen: ")]
    assert f"/antwoord/{token}" in verzoek.get_body(("plain",)).get_content()
