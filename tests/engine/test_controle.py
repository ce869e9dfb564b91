"""The engine tells when it is not working: a missed daily watch, and a failed run, reach the coordinator on the
alert channels (here a second SMTP server, through apprise's mailto)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine
from typer.testing import CliRunner

from cli.main import app
from engine.bewaking import bewaking
from engine.controle import controleer, meld_mislukte_run
from models.instellingen import Instellingen, instellingen
from models.werkdagen import TIJDZONE
from testservers.smtp import Postbode
from testservers.smtp import smtp_server as start_smtp

DINSDAG = datetime(2027, 3, 2, tzinfo=TIJDZONE)


def om(uur: int, minuut: int = 0, dag: datetime = DINSDAG) -> datetime:
    return dag.replace(hour=uur, minute=minuut)


@pytest.fixture
def alarm():
    """The coordinator's alert channel: a second SMTP server, and settings that point at it."""
    postbode = Postbode()
    with start_smtp(postbode) as kanaal:
        url = f"mailto://127.0.0.1:{kanaal.port}?mode=insecure&from=motor@example.nl&to=coordinator@example.nl"
        yield postbode, Instellingen(meldingen=[url])


def onderwerpen(postbode) -> list[str]:
    return [str(b["Subject"]) for b in postbode.berichten]


def test_a_working_day_without_a_watch_by_ten_is_told_once(session, catalogus, alarm):
    postbode, inst = alarm
    assert not controleer(session, catalogus=catalogus, nu=om(9, 55), inst=inst).gemist  # not yet 10:00
    eerste = controleer(session, catalogus=catalogus, nu=om(10, 0), inst=inst)
    tweede = controleer(session, catalogus=catalogus, nu=om(11, 0), inst=inst)
    assert (eerste.gemist, eerste.gemeld, tweede.gemist, tweede.gemeld) == (True, True, True, False)
    assert onderwerpen(postbode) == ["Integriteit: de bewaking heeft vandaag (2027-03-02) niet gedraaid"]
    assert "integriteit bewaking" in postbode.berichten[0].get_body(("plain",)).get_content()


def test_a_watch_that_ran_today_or_a_day_off_is_not_told(session, catalogus, alarm):
    postbode, inst = alarm
    bewaking(session=session, catalogus=catalogus, nu=om(8, 0))
    session.commit()
    assert controleer(session, catalogus=catalogus, nu=om(10, 5), inst=inst).laatste_bewaking == om(8, 0)
    zaterdag = om(10, 5, dag=datetime(2027, 3, 6, tzinfo=TIJDZONE))
    koningsdag = om(10, 5, dag=datetime(2027, 4, 27, tzinfo=TIJDZONE))
    assert not any(controleer(session, catalogus=catalogus, nu=d, inst=inst).gemist for d in (zaterdag, koningsdag))
    assert controleer(session, catalogus=catalogus, nu=om(10, 5, dag=datetime(2027, 3, 8, tzinfo=TIJDZONE)), inst=inst)
    assert onderwerpen(postbode) == ["Integriteit: de bewaking heeft vandaag (2027-03-08) niet gedraaid"]


def test_integriteit_controle_exits_1_when_the_watch_did_not_run(db_engine, session, alarm, monkeypatch):
    postbode, inst = alarm
    monkeypatch.setenv("INTEGRITEIT_DATABASE_URL", db_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("INTEGRITEIT_MELDINGEN", inst.meldingen[0].get_secret_value())
    instellingen.cache_clear()
    try:
        uitkomst = CliRunner().invoke(app, ["controle", "--nu", "2027-03-02T10:30"])
    finally:
        instellingen.cache_clear()
    assert uitkomst.exit_code == 1
    assert "De bewaking heeft vandaag niet gedraaid (gemeld aan de meldkanalen)." in uitkomst.output
    assert len(postbode.berichten) == 1


def test_a_failed_run_is_told_with_its_reason_once_an_hour_and_a_storing_only_by_the_sender(db_engine, alarm):
    postbode, inst = alarm

    def mislukt(soort: str, minuten: int, reden: str = "Process exited -9") -> bool:
        nu = om(10) + timedelta(minutes=minuten)
        run = f"{soort} {nu:%Y-%m-%d %H:%M}"
        return meld_mislukte_run(db_engine, inst, soort=soort, run=run, toestand="Crashed", reden=reden, nu=nu)

    assert mislukt("postvak", 5)
    assert not mislukt("postvak", 10)  # the poll fails every five minutes: one alert an hour is enough
    assert mislukt("bewaking", 15)
    assert not mislukt("ronde", 20, reden="RuntimeError: SMTP-storing, alles blijft klaarstaan")  # the sender tells
    assert mislukt("postvak", 59 + 6)
    assert onderwerpen(postbode) == [
        "Integriteit: run 'postvak 2027-03-02 10:05' is crashed",
        "Integriteit: run 'bewaking 2027-03-02 10:15' is crashed",
        "Integriteit: run 'postvak 2027-03-02 11:05' is crashed",
    ]
    assert "Process exited -9" in postbode.berichten[0].get_body(("plain",)).get_content()


def test_a_failed_run_is_told_even_when_the_database_is_what_failed(alarm):
    postbode, inst = alarm
    weg = create_engine("postgresql+psycopg://root@127.0.0.1:1/weg")  # nothing listens on port 1
    nu = om(10, 5)
    assert meld_mislukte_run(weg, inst, soort="bewaking", run="bewaking", toestand="Failed", reden="db weg", nu=nu)
    assert meld_mislukte_run(None, inst, soort="bewaking", run="bewaking", toestand="Failed", reden="db weg", nu=nu)
    assert len(postbode.berichten) == 2
