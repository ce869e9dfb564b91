"""A queued Bericht as the email that leaves: headers that make replies match and keep auto-replies away,
a text and an HTML part, and the deadline as a calendar attachment.

The message is written straight as the bytes that go over the wire. Its shape is always the same, so the
stdlib's general machinery (a Header object and a fold per header, a regular expression compiled per multipart
to pick a boundary, a per-character search for the shortest header encoding) would cost more than the SMTP
conversation itself, thousands of times a ronde. Every part is base64, so no line of content can ever look
like a boundary; headers with other than ASCII become RFC 2047 words; lines are folded at spaces.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime, formataddr
from functools import lru_cache

from icalendar import Calendar, Event

from models.instellingen import Instellingen
from models.tabellen import Bericht
from notifications import sleutels
from notifications.opmaak import html_uit_tekst

REGEL = 78
"""RFC 5322's recommended line length, kept wherever a space allows it."""
_WOORD = 39
"""Bytes of text per RFC 2047 word: 52 characters of base64, so a word with its header name fits in REGEL."""


def email(bericht: Bericht, *, sleutel: str | None, deadline: date | None, inst: Instellingen) -> bytes:
    """The message as it goes over SMTP: CRLF line ends, ASCII unless an address is not."""
    inhoud = _multipart(
        "alternative",
        [_tekstdeel("plain", bericht.tekst), _tekstdeel("html", bericht.html or html_uit_tekst(bericht.tekst))],
    )
    if sleutel and deadline:
        titel = sleutels.zonder_kenmerk(bericht.onderwerp)
        inhoud = _multipart("mixed", [inhoud, _agenda(bericht.ronde_id, titel, deadline, inst.afzender_naam)])
    koppen = [
        _van(inst.afzender_naam, inst.afzender),
        _kop("To", bericht.aan),
        _kop("Reply-To", sleutels.antwoordadres(inst.antwoordadres, sleutel)) if sleutel else b"",
        _kop("Subject", bericht.onderwerp if bericht.onderwerp.isascii() else _rfc2047(bericht.onderwerp)),
        _kop("Message-ID", bericht.message_id),
        _kop("Date", format_datetime(bericht.verzenden_vanaf)),
        b"Auto-Submitted: auto-generated\r\n",  # RFC 3834: please no auto-replies
        b"X-Auto-Response-Suppress: OOF, AutoReply\r\n",  # Exchange's way of saying the same
        b"MIME-Version: 1.0\r\n",
    ]
    return b"".join(koppen) + inhoud


def _kop(naam: str, waarde: str) -> bytes:
    """One header, folded at spaces to REGEL characters where it can be (RFC 5322 2.2.3); never right after the
    name, as some parsers then keep the fold's space in the value. A line break in the value becomes a space."""
    eerste, *woorden = waarde.split() or [""]
    regels, regel = [], f"{naam}: {eerste}"
    for woord in woorden:
        if len(regel) + 1 + len(woord) > REGEL:
            regels.append(regel)
            regel = ""
        regel = f"{regel} {woord}"
    return "\r\n".join([*regels, regel]).encode() + b"\r\n"


@lru_cache(maxsize=16)
def _van(naam: str, adres: str) -> bytes:
    return _kop("From", formataddr((naam, adres), charset="utf-8"))


def _rfc2047(tekst: str) -> str:
    """`tekst` as RFC 2047 base64 words of at most _WOORD bytes, never splitting a character."""
    delen, begin, lengte = [], 0, 0
    for i, teken in enumerate(tekst):
        grootte = len(teken.encode())
        if lengte + grootte > _WOORD:
            delen.append(tekst[begin:i])
            begin, lengte = i, 0
        lengte += grootte
    delen.append(tekst[begin:])
    return " ".join(f"=?utf-8?b?{base64.b64encode(deel.encode()).decode()}?=" for deel in delen)


def _tekstdeel(soort: str, tekst: str, *koppen: bytes) -> bytes:
    return b"".join(
        [
            f'Content-Type: text/{soort}; charset="utf-8"\r\n'.encode(),
            b"Content-Transfer-Encoding: base64\r\n",
            *koppen,
            b"\r\n",
            base64.encodebytes(tekst.encode()).replace(b"\n", b"\r\n"),
        ]
    )


def _multipart(soort: str, delen: list[bytes]) -> bytes:
    grens = f"=_{secrets.token_hex(12)}".encode()
    kop = b"Content-Type: multipart/" + soort.encode() + b'; boundary="' + grens + b'"\r\n\r\n'
    return kop + b"".join(b"--" + grens + b"\r\n" + deel + b"\r\n" for deel in delen) + b"--" + grens + b"--\r\n"


@lru_cache(maxsize=256)
def _agenda(ronde_id: int, titel: str, deadline: date, afzender: str) -> bytes:
    """One calendar per ronde (same deadline for everyone), so re-importing it updates the same event."""
    agenda = Calendar()
    agenda.add("prodid", "-//Provincie Utrecht//Integriteitsplan procesmotor//NL")
    agenda.add("version", "2.0")
    agenda.add("method", "PUBLISH")
    gebeurtenis = Event()
    gebeurtenis.add("uid", f"deadline-ronde-{ronde_id}@integriteit")
    gebeurtenis.add("summary", f"Deadline: {titel}")
    gebeurtenis.add("dtstart", deadline)
    gebeurtenis.add("dtend", deadline + timedelta(days=1))
    gebeurtenis.add("dtstamp", datetime.combine(deadline, time(), tzinfo=UTC))
    gebeurtenis.add("description", f"Beantwoord de e-mail van {afzender} uiterlijk op deze dag.")
    agenda.add_component(gebeurtenis)
    bijlage = b'Content-Disposition: attachment; filename="deadline.ics"\r\n'
    return _tekstdeel("calendar", agenda.to_ical().decode(), bijlage)
