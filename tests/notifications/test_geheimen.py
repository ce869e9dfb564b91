"""Secrets (the SMTP and IMAP passwords, apprise URLs, the web app's signing key) never show: a ronde sent through
the real SMTP path with a login, a storing told to the alert channels, a mailbox that cannot be read; then every
audit event, every outgoing message, the artifacts' contents and every log line are searched for them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlmodel import Session, select

from engine import diensten
from engine.diensten import Omgeving
from engine.personen import PersoonInvoer, importeer
from flows.overzicht import Links, als_markdown
from models.instellingen import Instellingen
from models.tabellen import Bericht, Gebeurtenis
from models.werkdagen import TIJDZONE
from notifications.imap import Postvakstoring
from notifications.meldingen import verborgen
from testservers.smtp import Postbode, vrije_poort

START = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)
SMTP_WACHTWOORD = "smtp-Wachtwoord-7f3a9"
IMAP_WACHTWOORD = "imap-Wachtwoord-2c81d"
APPRISE_WACHTWOORD = "apprise-Wachtwoord-91be"
GEHEIM = "web-Ondertekensleutel-4d5e6f7a8b9c0d1e2f3a"
GEHEIMEN = (SMTP_WACHTWOORD, IMAP_WACHTWOORD, APPRISE_WACHTWOORD, GEHEIM)


def aanmelding(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=auth_data.login == b"motor" and auth_data.password == SMTP_WACHTWOORD.encode())


@pytest.fixture
def postbode():
    postbode = Postbode()
    controller = Controller(
        postbode,
        hostname="127.0.0.1",
        port=vrije_poort(),
        authenticator=aanmelding,
        auth_require_tls=False,
        auth_required=True,
    )
    controller.start()
    yield postbode, controller
    if controller.loop.is_running():
        controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a local test server, knowingly
def test_no_secret_in_events_messages_artifacts_or_logs(session, db_engine, catalogus, postbode, caplog):
    caplog.set_level(logging.DEBUG)
    postbode, controller = postbode
    dicht = vrije_poort()  # nothing listens here
    inst = Instellingen(
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_tls="geen",
        smtp_user="motor",
        smtp_password=SMTP_WACHTWOORD,
        imap_host="127.0.0.1",
        imap_port=dicht,
        imap_tls="geen",
        imap_user="postvak",
        imap_password=IMAP_WACHTWOORD,
        geheim=GEHEIM,
        basis_url="https://integriteit.example",
        meldingen=[
            f"mailto://alarm:{APPRISE_WACHTWOORD}@127.0.0.1:{dicht}/?to=ic@example.org&from=motor@example.org",
            f"onbekend://alarm:{APPRISE_WACHTWOORD}@example.org",
        ],
    )
    with Session(db_engine) as s:
        importeer(
            s,
            [
                PersoonInvoer(extern_id="J1", naam="Jan Jansen", email="jan@example.org", rollen=["statenlid"]),
                PersoonInvoer(extern_id="G1", naam="Griffie", email="griffie@example.org", rollen=["statengriffie"]),
            ],
            START,
        )
        s.commit()
    omg = Omgeving(db_engine, catalogus, inst)

    verslag = diensten.start_ronde(omg, proces="nevenfuncties-statenleden", nu=START)
    assert verslag.verzending.verzonden == 1 and len(postbode.berichten) == 1  # through the login
    controller.stop()
    storing = diensten.bewaak(omg, nu=START + timedelta(days=14, hours=-1))  # a reminder, and the server is gone
    assert storing.verzending.storing
    with pytest.raises(Postvakstoring) as postvak:
        diensten.lees_postvak(omg, nu=START + timedelta(days=14))

    with omg.werk() as s:
        gebeurtenissen = [f"{g.soort} {g.details}" for g in s.exec(select(Gebeurtenis))]
        berichten = [f"{b.onderwerp} {b.tekst} {b.html} {b.fout}" for b in s.exec(select(Bericht))]
    ronde = diensten.lopende_rondes(omg)[0]
    overzicht = als_markdown(diensten.openstaand(omg, START + timedelta(days=14)), Links(ui="", web=""))
    artefacten = [overzicht, str(diensten.ronde_overzicht(omg, ronde.id))]
    gezien = "\n".join(
        [
            *gebeurtenissen,
            *berichten,
            *artefacten,
            *(str(g) for g in verslag.gebeurtenissen + storing.gebeurtenissen),  # Prefect's events
            storing.verzending.storing,
            str(postvak.value),
            *(str(b) for b in postbode.berichten),
            caplog.text,
            repr(inst),
        ]
    )
    # what was searched holds the failures
    assert "smtp-storing" in gezien and "imap-storing" in gezien and "Meldkanaal" in caplog.text
    for geheim in GEHEIMEN:
        assert geheim not in gezien
        assert geheim[1:-1] not in gezien  # nor most of it


def test_an_apprise_url_is_shown_without_its_secrets():
    shown = verborgen(f"mailto://alarm:{APPRISE_WACHTWOORD}@mail.example.org/?to=ic@example.org")
    assert shown.startswith("mailto://alarm:****@mail.example.org/") and APPRISE_WACHTWOORD not in shown
    assert verborgen(f"onbekend://a:{APPRISE_WACHTWOORD}@x") == "onbekend://…"
