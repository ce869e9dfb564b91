"""The message is written as bytes by hand (for speed); the stdlib's parser must read back exactly what was meant."""

from __future__ import annotations

import email
import email.policy
from datetime import date, datetime

from icalendar import Calendar

from models.instellingen import Instellingen
from models.tabellen import Bericht
from models.werkdagen import TIJDZONE
from notifications import opstellen

INST = Instellingen(antwoordadres="integriteit@example.nl", afzender="integriteit@example.nl")
SLEUTEL = "0123456789abcdef0123456789abcdef"


def bericht(**velden) -> Bericht:
    return Bericht(
        **{
            "sleutel": "verzoek:1",
            "soort": "verzoek",
            "ronde_id": 7,
            "aan": "lid@example.org",
            "onderwerp": "Actualisatie financiële belangen Gedeputeerde Staten (uiterlijk dinsdag 30 maart) [IP-1]",
            "tekst": "Beste Ädelheid,\n\nGraag uw opgave.\n\n-- \nMet vriendelijke groet\n",
            "message_id": f"<verzoek.{SLEUTEL}.0@provincie-utrecht.example>",
            "aangemaakt": datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE),
            "verzenden_vanaf": datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE),
        }
        | velden
    )


def gelezen(ruw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(ruw, policy=email.policy.default)


def test_the_parser_reads_back_every_header_and_part_without_defects():
    b = bericht()
    ruw = opstellen.email(b, sleutel=SLEUTEL, deadline=date(2027, 3, 30), inst=INST)
    m = gelezen(ruw)
    assert all(not deel.defects for deel in m.walk())
    assert m["Subject"] == b.onderwerp and m["To"] == "lid@example.org" and m["Message-ID"] == b.message_id
    assert m["From"] == f"{INST.afzender_naam} <integriteit@example.nl>"
    assert m["Reply-To"] == f"integriteit+{SLEUTEL}@example.nl"
    assert m["Auto-Submitted"] == "auto-generated" and m["Date"].datetime == b.verzenden_vanaf
    assert m.get_body(("plain",)).get_content() == b.tekst
    assert "<p>Beste Ädelheid,</p>" in m.get_body(("html",)).get_content()
    [agenda] = [d for d in m.walk() if d.get_content_type() == "text/calendar"]
    assert agenda.get_filename() == "deadline.ics"
    assert str(Calendar.from_ical(agenda.get_content()).walk("VEVENT")[0]["dtstart"].dt) == "2027-03-30"


def test_it_is_ascii_with_crlf_lines_that_fit_and_headers_folded_at_spaces():
    lang = ", ".join(f"persoon{i}@example.org" for i in range(8))
    ruw = opstellen.email(bericht(aan=lang), sleutel=SLEUTEL, deadline=date(2027, 3, 30), inst=INST)
    assert ruw.isascii() and b"\n" not in ruw.replace(b"\r\n", b"")
    koppen = ruw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert all(len(regel) <= opstellen.REGEL for regel in koppen if not regel.startswith(b"Message-ID"))
    assert gelezen(ruw)["To"] == lang


def test_a_line_break_in_a_header_value_cannot_start_a_header_of_its_own():
    m = gelezen(
        opstellen.email(bericht(onderwerp="Vraag\r\nBcc: iedereen@example.org"), sleutel=None, deadline=None, inst=INST)
    )
    assert m["Subject"] == "Vraag Bcc: iedereen@example.org" and m["Bcc"] is None


def test_a_message_without_reply_key_has_no_reply_to_and_no_calendar():
    m = gelezen(
        opstellen.email(bericht(soort="melding", html="<p>Al klaar</p>"), sleutel=None, deadline=None, inst=INST)
    )
    assert m["Reply-To"] is None and m.get_content_type() == "multipart/alternative"
    assert m.get_body(("html",)).get_content() == "<p>Al klaar</p>"


def test_every_message_has_boundaries_of_its_own():
    eerste, tweede = (opstellen.email(bericht(), sleutel=None, deadline=None, inst=INST) for _ in range(2))
    assert gelezen(eerste).get_boundary() != gelezen(tweede).get_boundary()
