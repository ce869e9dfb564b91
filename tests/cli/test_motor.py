"""The engine's commands as a coordinator or a scheduler runs them."""

from __future__ import annotations

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
