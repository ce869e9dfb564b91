"""The outbox goes out over a real SMTP server (aiosmtpd), exactly once, and survives refusals and outages."""

from __future__ import annotations

import socket
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from pydantic import SecretStr
from sqlalchemy import update
from sqlmodel import func, select

from engine import auditketen, uitgaand
from engine.bewaking import bewaking
from engine.database import instellingen_van
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from engine.uitgaand import zet_bericht_klaar
from engine.verzenden import verzend
from models.instellingen import Instellingen
from models.tabellen import Bericht, Gebeurtenis, Persoon, Verzoek
from models.werkdagen import TIJDZONE
from notifications import sleutels
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
    assert (verslag.verzonden, verslag.geweigerd) == (3, 1)  # the notice about weiger@ goes in the same run
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
        assert verzend(session=session, catalogus=catalogus, nu=NU, inst=inst).verzonden == 3
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
        inst = instellingen_voor(controller).model_copy(update={"meldingen": [SecretStr(url)]})
        verzend(session=session, catalogus=catalogus, nu=NU, inst=inst)
    assert sorted(b["Subject"] for b in alarm.berichten) == [
        "Escalatie: test",
        "Onbestelbaar: weiger@example.org (Actualisatie nevenfuncties Statenleden)",
    ]
    escalatie = session.exec(select(Bericht).where(Bericht.sleutel == "escalatie:test")).one()
    assert escalatie.verzonden is None and escalatie.fout == "geen ontvangers"  # nobody got it by mail


class WeigertAfzender(Postbode):
    """A server that wants a login first: every MAIL FROM is refused."""

    async def handle_MAIL(self, server, session, envelope, adres, mail_options):  # noqa: N802 - aiosmtpd's name
        return "530 5.7.0 Authentication required"


class WeigertInhoud(Postbode):
    """A server that refuses every message at DATA."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return "554 5.6.0 Message rejected"


class WeigertDoorsturen(Postbode):
    """A server that relays for nobody: a policy refusal at RCPT, which says nothing about the address."""

    async def handle_RCPT(self, server, session, envelope, adres, rcpt_options):  # noqa: N802
        return "554 5.7.1 <" + adres + ">: Relay access denied"


@pytest.mark.parametrize(
    ("server", "antwoord"),
    [(WeigertAfzender, "530 5.7.0"), (WeigertInhoud, "554 5.6.0"), (WeigertDoorsturen, "554 5.7.1")],
)
def test_a_refusal_by_the_whole_server_keeps_the_ronde_queued(session, catalogus, ronde, server, antwoord):
    with start_smtp(server()) as controller:
        verslag = verzend(session=session, catalogus=catalogus, nu=NU, inst=instellingen_voor(controller))
    assert verslag.storing.startswith(antwoord) and (verslag.verzonden, verslag.geweigerd) == (0, 0)
    assert verslag.uitgesteld == 3
    assert not any(session.exec(select(Persoon.onbestelbaar)).all())
    assert session.exec(select(Bericht.soort)).all() == ["verzoek"] * 3  # no notices about undeliverable people
    postbode = Postbode()
    with start_smtp(postbode) as gerepareerd:
        verslag = verzend(session=session, catalogus=catalogus, nu=NU, inst=instellingen_voor(gerepareerd))
    assert (verslag.verzonden, verslag.geweigerd, verslag.storing) == (3, 1, None)  # weiger@ refused 5.1.1


def test_a_storing_alerts_the_coordinator_once_an_hour(session, catalogus, ronde):
    alarm = Postbode()
    with start_smtp(WeigertAfzender()) as controller, start_smtp(alarm) as kanaal:
        url = f"mailto://127.0.0.1:{kanaal.port}?mode=insecure&from=alarm@example.nl&to=coordinator@example.nl"
        inst = instellingen_voor(controller).model_copy(update={"meldingen": [SecretStr(url)]})
        for minuten in (0, 5, 10, 65):
            verzend(session=session, catalogus=catalogus, nu=NU + timedelta(minutes=minuten), inst=inst)
    assert [b["Subject"] for b in alarm.berichten] == ["SMTP-storing: berichten wachten"] * 2
    assert "530 5.7.0 Authentication required" in alarm.berichten[0].get_body(("plain",)).get_content()


def test_one_message_refused_at_data_does_not_hold_up_the_others(session, catalogus, ronde):
    class WeigertEen(Postbode):
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            if envelope.rcpt_tos == ["een@example.org"]:
                return "554 5.6.0 Message content rejected"
            return await super().handle_DATA(server, session, envelope)

    postbode = WeigertEen()
    with start_smtp(postbode) as controller:
        verslag = verzend(session=session, catalogus=catalogus, nu=NU, inst=instellingen_voor(controller))
    assert (verslag.verzonden, verslag.storing) == (2, None)
    assert [b["To"] for b in postbode.berichten] == ["twee@example.org", "griffie@example.org"]
    geweigerd = session.exec(select(Bericht).where(Bericht.aan == "een@example.org")).one()
    assert geweigerd.verzonden is None and geweigerd.geweigerd is None and "554 5.6.0" in geweigerd.fout
    assert not session.exec(select(Persoon.onbestelbaar).where(Persoon.email == "een@example.org")).one()


def test_a_temporary_refusal_is_retried_and_given_up_after_five_days(session, catalogus, smtp_server):
    controller, postbode = smtp_server
    importeer(session, [lid(1, "later@example.org"), lid(9, "griffie@example.org", "statengriffie")], NU)
    start_ronde(session=session, catalogus=catalogus, proces=catalogus.proces("nevenfuncties-statenleden"), nu=NU)
    session.commit()
    inst = instellingen_voor(controller)
    for dag in (0, 1, 4):
        verslag = verzend(session=session, catalogus=catalogus, nu=NU + timedelta(days=dag), inst=inst)
        assert (verslag.verzonden, verslag.geweigerd, verslag.uitgesteld) == (0, 0, 1)
    verslag = verzend(session=session, catalogus=catalogus, nu=NU + timedelta(days=5), inst=inst)
    assert verslag.geweigerd == 1
    assert session.exec(select(Persoon.onbestelbaar).where(Persoon.email == "later@example.org")).one()
    melding = session.exec(select(Bericht).where(Bericht.soort == "melding")).one()
    assert melding.aan == "griffie@example.org" and "na 5 dagen opgegeven" in melding.tekst


def test_claims_of_a_crashed_sender_on_this_machine_are_taken_over_at_once(session, catalogus, ronde, smtp_server):
    controller, postbode = smtp_server
    dood = _pid_van_een_beeindigd_proces()
    session.execute(
        update(Bericht).values(geclaimd_door=f"{socket.gethostname()}:{dood}:0", geclaimd_tot=NU + timedelta(days=1))
    )
    session.commit()
    assert verzend(session=session, catalogus=catalogus, nu=NU, inst=instellingen_voor(controller)).verzonden == 3


def test_a_live_claim_of_another_sender_is_respected_until_its_lease_ends(session, catalogus, ronde, smtp_server):
    controller, postbode = smtp_server
    tot = datetime.now(UTC) + timedelta(minutes=10)
    session.execute(update(Bericht).values(geclaimd_door="andere-machine:1:0", geclaimd_tot=tot))
    session.commit()
    verslag = verzend(session=session, catalogus=catalogus, nu=NU, inst=instellingen_voor(controller))
    assert (verslag.verzonden, verslag.uitgesteld) == (0, 3)
    session.execute(update(Bericht).values(geclaimd_tot=datetime.now(UTC) - timedelta(seconds=1)))
    session.commit()
    assert verzend(session=session, catalogus=catalogus, nu=NU, inst=instellingen_voor(controller)).verzonden == 3


def test_a_sent_message_is_booked_once_also_when_its_sender_died_before_booking_it(
    session, catalogus, ronde, smtp_server
):
    controller, postbode = smtp_server
    inst = instellingen_voor(controller)
    for adres, houder, tot in [
        ("een@example.org", f"{socket.gethostname()}:{_pid_van_een_beeindigd_proces()}:0", timedelta(minutes=5)),
        ("twee@example.org", "andere-machine:1:0", timedelta(minutes=5)),
    ]:  # accepted by the server and marked sent, then the sender was killed before it booked them
        session.execute(
            update(Bericht)
            .where(Bericht.aan == adres)
            .values(verzonden=NU, geclaimd_door=houder, geclaimd_tot=datetime.now(UTC) + tot)
        )
    session.commit()
    assert verzend(session=session, catalogus=catalogus, nu=NU, inst=inst).verzonden == 1  # the griffie's notice
    assert _geboekt(session) == {"een@example.org": 1, "griffie@example.org": 1}  # twee@'s sender may still live
    session.execute(update(Bericht).values(geclaimd_tot=datetime.now(UTC) - timedelta(seconds=1)))
    session.commit()
    verzend(session=session, catalogus=catalogus, nu=NU, inst=inst)
    verzend(session=session, catalogus=catalogus, nu=NU, inst=inst)
    assert _geboekt(session) == {"een@example.org": 1, "twee@example.org": 1, "griffie@example.org": 1}
    assert session.exec(select(Bericht.geclaimd_door).where(Bericht.geclaimd_door.is_not(None))).all() == []
    assert auditketen.controleer(session).breuk is None
    assert [b["To"] for b in postbode.berichten] == ["griffie@example.org"]


def _geboekt(session) -> dict[str, int]:
    """Per address, how many `bericht-verzonden` gebeurtenissen its message has."""
    aan = session.exec(
        select(Bericht.aan)
        .join(Gebeurtenis, Gebeurtenis.bericht_id == Bericht.id)
        .where(Gebeurtenis.soort == "bericht-verzonden")
    ).all()
    return {adres: aan.count(adres) for adres in aan}


def _pid_van_een_beeindigd_proces() -> int:
    proces = subprocess.Popen(["true"])
    proces.wait()
    return proces.pid


HERINNERINGSDAG = datetime(2027, 3, 15, 10, 0, tzinfo=TIJDZONE)  # nevenfuncties: the first reminder, P2W


def herinneringen_van(session, ronde) -> list[Bericht]:
    return session.exec(
        select(Bericht).where(Bericht.soort == "herinnering", Bericht.ronde_id == ronde.id).order_by(Bericht.id)
    ).all()


def test_a_herinnering_is_queued_unrendered_and_keeps_exactly_the_text_that_was_sent(
    session, catalogus, ronde, smtp_server
):
    """The watch has the database make the rows; their key, Message-ID and subject are what the engine writes for
    one message, and the sender renders each right before sending and stores what it sent."""
    controller, postbode = smtp_server
    bewaking(session=session, catalogus=catalogus, nu=HERINNERINGSDAG)
    session.commit()
    herinneringen = herinneringen_van(session, ronde)
    assert len(herinneringen) == 3 and all(b.tekst is None and b.html is None for b in herinneringen)
    for b in herinneringen:
        verzoek = session.get(Verzoek, b.verzoek_id)
        assert b.sleutel == f"herinnering:{verzoek.id}:1"
        assert b.message_id == sleutels.message_id(
            "herinnering", verzoek.token, 1, instellingen_van(session).antwoorddomein
        )
        assert sleutels.uit_verwijzingen(b.message_id) == verzoek.token
        assert (
            b.onderwerp
            == "Herinnering: Actualisatie nevenfuncties Statenleden (uiterlijk dinsdag 30 maart 2027) "
            + (sleutels.kenmerk(verzoek.id))
        )
    assert session.exec(select(func.count()).where(Gebeurtenis.soort == "herinnering-klaargezet")).one() == 3

    verzend(session=session, catalogus=catalogus, nu=HERINNERINGSDAG, inst=instellingen_voor(controller))
    verstuurd = next(
        b for b in postbode.berichten if b["Subject"].startswith("Herinnering") and b["To"] == "een@example.org"
    )
    opgeslagen = session.exec(select(Bericht).where(Bericht.message_id == verstuurd["Message-ID"].strip())).one()
    assert opgeslagen.verzonden is not None and opgeslagen.fout is None
    assert verstuurd.get_body(("plain",)).get_content().replace("\r\n", "\n") == opgeslagen.tekst
    assert "Lid 1" in opgeslagen.tekst and "/antwoord/" in opgeslagen.tekst


def test_a_herinnering_whose_template_fails_at_sending_stays_queued_until_it_renders(
    session, catalogus, ronde, smtp_server, monkeypatch
):
    """A template that broke after the watch (or fails for one person's data) loses no message: each keeps the
    reason, the audit trail records it, the coordinator hears once an hour, and the next run sends it."""
    controller, postbode = smtp_server
    bewaking(session=session, catalogus=catalogus, nu=HERINNERINGSDAG)
    session.commit()
    alarmen: list[str] = []
    monkeypatch.setattr(uitgaand.meldingen, "alarmeer", lambda urls, titel, tekst: alarmen.append(titel))
    echt = uitgaand.render

    def kapot(env, naam, context):
        if naam.endswith("herinnering"):
            env.from_string("Beste {{ persoon.naam }}, {{ jaar }}").render(context)
        return echt(env, naam, context)

    monkeypatch.setattr(uitgaand, "render", kapot)
    inst = instellingen_voor(controller)
    verslag = verzend(session=session, catalogus=catalogus, nu=HERINNERINGSDAG, inst=inst)
    assert not any(b["Subject"].startswith("Herinnering") for b in postbode.berichten)
    assert verslag.uitgesteld == 3
    for b in herinneringen_van(session, ronde):
        assert b.tekst is None and b.verzonden is None and "onbekende variabele 'jaar'" in (b.fout or "")
    fouten = session.exec(select(Gebeurtenis).where(Gebeurtenis.soort == uitgaand.OPMAAKFOUT)).all()
    assert len(fouten) == 3 and {f.proces for f in fouten} == {"nevenfuncties-statenleden"}
    niet_opgemaakt = ["Integriteit: nevenfuncties-statenleden: berichten niet opgemaakt"]
    assert [a for a in alarmen if "niet opgemaakt" in a] == niet_opgemaakt

    verzend(session=session, catalogus=catalogus, nu=HERINNERINGSDAG + timedelta(minutes=5), inst=inst)
    assert [a for a in alarmen if "niet opgemaakt" in a] == niet_opgemaakt  # recorded again, not told again

    monkeypatch.setattr(uitgaand, "render", echt)  # the coordinator repairs the template
    verslag = verzend(session=session, catalogus=catalogus, nu=HERINNERINGSDAG + timedelta(hours=1), inst=inst)
    assert (verslag.verzonden, verslag.geweigerd, verslag.uitgesteld) == (2, 1, 0)  # weiger@ refuses 5.1.1
    verstuurd = [b for b in herinneringen_van(session, ronde) if b.verzonden]
    assert len(verstuurd) == 2 and all(b.tekst and b.fout is None for b in verstuurd)
