"""The outbox goes out over a real SMTP server (aiosmtpd), exactly once, and survives refusals and outages."""

from __future__ import annotations

from datetime import datetime

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from sqlmodel import select

from engine.instellingen import Instellingen
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from engine.uitgaand import zet_bericht_klaar
from engine.werkdagen import TIJDZONE
from models.tabellen import Bericht, Persoon, Verzoek
from notifications.smtp import verzend
from testservers.smtp import Postbode
from testservers.smtp import smtp_server as start_smtp

NU = datetime(2027, 3, 1, 9, 30, tzinfo=TIJDZONE)


def lid(nummer: int, email: str, *rollen: str) -> PersoonInvoer:
    return PersoonInvoer(
        extern_id=f"S{nummer}", naam=f"Lid {nummer}", email=email, rollen=list(rollen or ["statenlid"])
    )


@pytest.fixture
def ronde(session, catalogus):
    importeer(
        session,
        [
            lid(1, "een@example.org"),
            lid(2, "twee@example.org"),
            lid(3, "weiger@example.org"),
            lid(9, "griffie@example.org", "statengriffie"),
        ],
        NU,
    )
    start = start_ronde(
        session=session, catalogus=catalogus, proces=catalogus.proces("nevenfuncties-statenleden"), nu=NU
    )
    session.commit()
    return start.ronde


def instellingen_voor(controller) -> Instellingen:
    return Instellingen(
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_tls="geen",
        antwoordadres="integriteit@example.nl",
        afzender="integriteit@example.nl",
    )


def test_each_verzoek_arrives_once_with_its_reply_key(session, catalogus, ronde, smtp_server):
    controller, postbode = smtp_server
    inst = instellingen_voor(controller)
    verslag = verzend(session=session, catalogus=catalogus, nu=NU, inst=inst)
    assert (verslag.verzonden, verslag.geweigerd) == (2, 1)
    verzend(session=session, catalogus=catalogus, nu=NU, inst=inst)  # sends the notice about weiger@
    assert verzend(session=session, catalogus=catalogus, nu=NU, inst=inst).verzonden == 0
    assert sorted(b["To"] for b in postbode.berichten) == ["een@example.org", "griffie@example.org", "twee@example.org"]
    bericht = next(b for b in postbode.berichten if b["To"] == "een@example.org")
    token = session.exec(select(Verzoek.token).join(Persoon).where(Persoon.email == "een@example.org")).one()
    assert bericht["Reply-To"] == f"integriteit+{token}@example.nl"
    assert token in bericht["Message-ID"] and len(bericht.get_all("Message-ID")) == 1
    assert bericht["Auto-Submitted"] == "auto-generated" and "OOF" in bericht["X-Auto-Response-Suppress"]
    assert "[IP-" in bericht["Subject"] and "30 maart 2027" in bericht["Subject"]
    delen = {deel.get_content_type() for deel in bericht.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= delen
    ics = next(d for d in bericht.walk() if d.get_content_type() == "text/calendar").get_content()
    assert str(Calendar.from_ical(ics).walk("VEVENT")[0]["dtstart"].dt) == "2027-03-30"


def test_a_permanent_refusal_marks_the_address_and_tells_the_eigenaar(session, catalogus, ronde, smtp_server):
    controller, postbode = smtp_server
    verzend(session=session, catalogus=catalogus, nu=NU, inst=instellingen_voor(controller))
    assert session.exec(select(Persoon.onbestelbaar).where(Persoon.email == "weiger@example.org")).one()
    melding = session.exec(select(Bericht).where(Bericht.soort == "melding")).one()
    assert melding.aan == "griffie@example.org" and "weiger@example.org" in melding.tekst
    verzend(session=session, catalogus=catalogus, nu=NU, inst=instellingen_voor(controller))
    assert any(b["To"] == "griffie@example.org" for b in postbode.berichten)


def test_when_the_server_is_down_everything_stays_queued(session, catalogus, ronde, smtp_server):
    controller, postbode = smtp_server
    inst = instellingen_voor(controller)
    controller.stop()
    verslag = verzend(session=session, catalogus=catalogus, nu=NU, inst=inst)
    assert verslag.verzonden == 0 and verslag.storing
    weer_op = Controller(postbode, hostname="127.0.0.1", port=controller.port)
    weer_op.start()
    try:
        assert verzend(session=session, catalogus=catalogus, nu=NU, inst=inst).verzonden == 2
    finally:
        weer_op.stop()


def test_messages_wait_for_their_start(session, catalogus, ronde, smtp_server):
    controller, postbode = smtp_server
    vroeg = datetime(2027, 3, 1, 8, 0, tzinfo=TIJDZONE)  # before the ronde's 09:00 start
    assert verzend(session=session, catalogus=catalogus, nu=vroeg, inst=instellingen_voor(controller)).verzonden == 0


def test_escalations_also_go_to_the_alert_channels(session, catalogus, ronde, smtp_server):
    controller, postbode = smtp_server
    zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        soort="escalatie",
        sjabloon="standaard/escalatie",
        context={"ontvanger": {"naam": "Griffie"}, "ontbrekend": [], "totaal": 3},
        aan=[],
        onderwerp="Escalatie: test",
        sleutel="escalatie:test",
        nu=NU,
    )
    alarm = Postbode()
    with start_smtp(alarm) as kanaal:
        url = f"mailto://127.0.0.1:{kanaal.port}?mode=insecure&from=alarm@example.nl&to=coordinator@example.nl"
        inst = instellingen_voor(controller).model_copy(update={"meldingen": [url]})
        verzend(session=session, catalogus=catalogus, nu=NU, inst=inst)
    assert [b["Subject"] for b in alarm.berichten] == ["Escalatie: test"]
