"""A queued Bericht as the email that leaves: headers that make replies match and keep auto-replies away,
a text and an HTML part, and the deadline as a calendar attachment."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from icalendar import Calendar, Event

from engine.instellingen import Instellingen
from models.tabellen import Bericht
from notifications import sleutels


def email(bericht: Bericht, *, sleutel: str | None, deadline: date | None, inst: Instellingen) -> EmailMessage:
    bericht_uit = EmailMessage()
    bericht_uit["From"] = formataddr((inst.afzender_naam, inst.afzender))
    bericht_uit["To"] = bericht.aan
    if sleutel:
        bericht_uit["Reply-To"] = sleutels.antwoordadres(inst.antwoordadres, sleutel)
    bericht_uit["Subject"] = bericht.onderwerp
    bericht_uit["Message-ID"] = bericht.message_id
    bericht_uit["Date"] = format_datetime(bericht.verzenden_vanaf)
    bericht_uit["Auto-Submitted"] = "auto-generated"  # RFC 3834: please no auto-replies
    bericht_uit["X-Auto-Response-Suppress"] = "OOF, AutoReply"  # Exchange's way of saying the same
    bericht_uit.set_content(bericht.tekst)
    if bericht.html:
        bericht_uit.add_alternative(bericht.html, subtype="html")
    if sleutel and deadline:
        bericht_uit.add_attachment(
            _deadline_ics(bericht, deadline, inst), maintype="text", subtype="calendar", filename="deadline.ics"
        )
    return bericht_uit


def _deadline_ics(bericht: Bericht, deadline: date, inst: Instellingen) -> bytes:
    agenda = Calendar()
    agenda.add("prodid", "-//Provincie Utrecht//Integriteitsplan procesmotor//NL")
    agenda.add("version", "2.0")
    agenda.add("method", "PUBLISH")
    gebeurtenis = Event()
    gebeurtenis.add("uid", f"deadline-{bericht.message_id.strip('<>')}")
    gebeurtenis.add("summary", f"Deadline: {bericht.onderwerp}")
    gebeurtenis.add("dtstart", deadline)
    gebeurtenis.add("dtend", deadline + timedelta(days=1))
    gebeurtenis.add("dtstamp", bericht.aangemaakt)
    gebeurtenis.add("description", f"Beantwoord de e-mail van {inst.afzender_naam} uiterlijk op deze dag.")
    agenda.add_component(gebeurtenis)
    return agenda.to_ical()
