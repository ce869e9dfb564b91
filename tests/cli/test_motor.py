"""The engine's commands as a coordinator or a scheduler runs them."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from cli.main import app
from models.instellingen import instellingen
from testservers.smtp import Postbode, smtp_server

runner = CliRunner()


class WeigertAfzender(Postbode):
    async def handle_MAIL(self, server, session, envelope, adres, mail_options):  # noqa: N802 - aiosmtpd's name
        return "530 5.7.0 Authentication required"


@pytest.fixture
def omgeving(tmp_path, monkeypatch):
    monkeypatch.setenv("INTEGRITEIT_DATABASE_URL", f"sqlite:///{tmp_path / 'integriteit.db'}")
    instellingen.cache_clear()
    yield
    instellingen.cache_clear()


def test_verzend_fails_with_the_servers_answer_when_the_server_refuses(omgeving, monkeypatch):
    assert runner.invoke(app, ["personen", "importeer", "--demo"]).exit_code == 0
    assert runner.invoke(app, ["ronde", "start", "nevenfuncties-gs", "--nu", "2027-03-01T10:00"]).exit_code == 0
    with smtp_server(WeigertAfzender()) as controller:
        monkeypatch.setenv("INTEGRITEIT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("INTEGRITEIT_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("INTEGRITEIT_SMTP_TLS", "geen")
        monkeypatch.setenv("INTEGRITEIT_BASIS_URL", "https://integriteit.example.nl")
        instellingen.cache_clear()
        uitkomst = runner.invoke(app, ["verzend", "--nu", "2027-03-01T10:00"])
    assert uitkomst.exit_code == 1
    assert "Verzonden: 0, geweigerd: 0, wachtend: 7." in uitkomst.stdout
    assert "De server zei: 530 5.7.0 Authentication required" in uitkomst.stderr


def test_on_an_empty_database_the_watch_starts_no_missed_ronde_lists_each_and_ronde_start_gives_a_full_termijn(
    omgeving,
):
    assert runner.invoke(app, ["personen", "importeer", "--demo", "--nu", "2027-03-25T07:00"]).exit_code == 0

    bewaakt = runner.invoke(app, ["bewaking", "--nu", "2027-03-25T08:00"])

    assert bewaakt.exit_code == 0
    gemist = re.findall(r"^  - (.+): gepland .+: integriteit ronde start (\S+)$", bewaakt.stdout, re.MULTILINE)
    assert f"{len(gemist)} gemiste rondes niet gestart" in bewaakt.stdout
    assert (
        "Actualisatie nevenfuncties Statenleden: gepland 2027-03-01, deadline 2027-03-30 (nog 5 van de 29 dagen): "
        "integriteit ronde start nevenfuncties-statenleden" in bewaakt.stdout
    )
    gestart = {r["proces"] for r in json.loads(runner.invoke(app, ["status", "--json"]).stdout)["rondes"]}
    assert gestart and gestart.isdisjoint(proces for _, proces in gemist)

    alsnog = runner.invoke(app, ["ronde", "start", "nevenfuncties-statenleden", "--nu", "2027-03-25T10:00"])

    assert alsnog.exit_code == 0
    assert alsnog.stdout == (
        "Ronde nevenfuncties-statenleden 2027-03-01 alsnog gestart, met een volle termijn vanaf nu: "
        "deadline 2027-04-22.\n"
    )
