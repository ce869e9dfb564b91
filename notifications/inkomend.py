"""Reading one incoming message: is it an answer, an auto-reply, a bounce or a forward, which reply key it
carries and by which route, who sent it, and the answer text without quotes.

Pure parsing, no database: `engine.postvak` decides what the message means for the verzoek.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from notifications import sleutels
from notifications.citaten import antwoordtekst, html_naar_tekst, is_geen_wijziging

_AFWEZIG_ONDERWERP = re.compile(
    r"^\s*(automatisch antwoord|automatic reply|autoreply|auto-reply|afwezig|out of office|abwesenheitsnotiz|"
    r"réponse automatique|respuesta automática|vakantie|vacation)",
    re.IGNORECASE,
)
_BOUNCE_ONDERWERP = re.compile(
    r"^\s*(undeliverable|onbestelbaar|undelivered mail returned to sender|delivery status notification \(failure\)|"
    r"mail delivery failed|returned mail|niet bezorgd)",
    re.IGNORECASE,
)
_DOORGESTUURD = re.compile(r"^\s*(doorst|fw|fwd|wg|tr)\s*:", re.IGNORECASE)
_SYSTEEMAFZENDER = re.compile(r"^(mailer-daemon|postmaster|no-?reply|noreply)@", re.IGNORECASE)


@dataclass(frozen=True)
class Onbestelbaar:
    adres: str
    status: str

    @property
    def blijvend(self) -> bool:
        return self.status.startswith("5")


@dataclass(frozen=True)
class Binnenkomst:
    message_id: str
    afzender: str
    onderwerp: str
    soort: str  # antwoord, afwezig, bounce, doorgestuurd
    sleutel: str | None = None
    route: str | None = None  # plus-adres, verwijzing, onderwerp
    verzoek_nummer: int | None = None
    tekst: str = ""
    geen_wijzigingen: bool = False
    onbestelbaar: list[Onbestelbaar] = field(default_factory=list)
    origineel: str | None = None  # Message-ID of our message that bounced


def lees(ruw: bytes) -> Binnenkomst:
    bericht = email.message_from_bytes(ruw, policy=email.policy.default)
    message_id = str(bericht.get("Message-ID") or "").strip() or f"<zonder-id-{hash(ruw) & 0xFFFFFFFF:x}@onbekend>"
    afzender = _kaal_adres(str(bericht.get("From") or ""))
    onderwerp = str(bericht.get("Subject") or "")
    basis = {"message_id": message_id, "afzender": afzender, "onderwerp": onderwerp}
    if _is_bounce(bericht, afzender, onderwerp):
        ontvangers, origineel = _bounce(bericht)
        return Binnenkomst(**basis, soort="bounce", onbestelbaar=ontvangers, origineel=origineel)
    if _is_afwezig(bericht, afzender, onderwerp):
        return Binnenkomst(**basis, soort="afwezig", **_sleutel(bericht, onderwerp))
    tekst = antwoordtekst(_lichaam(bericht))
    soort = "doorgestuurd" if _DOORGESTUURD.match(onderwerp) else "antwoord"
    return Binnenkomst(
        **basis, soort=soort, tekst=tekst, geen_wijzigingen=is_geen_wijziging(tekst), **_sleutel(bericht, onderwerp)
    )


_MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_ISO_DATUM = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATUM = re.compile(rf"\b(\d{{1,2}})[ -]({'|'.join(_MAANDEN)}|\d{{1,2}})[ -](\d{{4}})\b", re.IGNORECASE)


def datum_in_tekst(tekst: str) -> date | None:
    """The first date in an answer: 2027-05-18, 18-5-2027 or 18 mei 2027 (an owner's confirmation by email)."""
    kandidaten = []
    if m := _ISO_DATUM.search(tekst):
        kandidaten.append((m.start(), int(m[1]), int(m[2]), int(m[3])))
    if m := _DATUM.search(tekst):
        maand = int(m[2]) if m[2].isdigit() else _MAANDEN.index(m[2].lower()) + 1
        kandidaten.append((m.start(), int(m[3]), maand, int(m[1])))
    for _, jaar, maand, dag in sorted(kandidaten):
        try:
            return date(jaar, maand, dag)
        except ValueError:
            continue
    return None


def _sleutel(bericht: EmailMessage, onderwerp: str) -> dict:
    adressen = [str(bericht.get(k) or "") for k in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")]
    if sleutel := sleutels.uit_adressen(*adressen):
        return {"sleutel": sleutel, "route": "plus-adres"}
    if sleutel := sleutels.uit_verwijzingen(
        str(bericht.get("In-Reply-To") or ""), str(bericht.get("References") or "")
    ):
        return {"sleutel": sleutel, "route": "verwijzing"}
    if (nummer := sleutels.uit_onderwerp(onderwerp)) is not None:
        return {"verzoek_nummer": nummer, "route": "onderwerp"}
    return {}


def _is_afwezig(bericht: EmailMessage, afzender: str, onderwerp: str) -> bool:
    auto = str(bericht.get("Auto-Submitted") or "").strip().lower()
    precedence = str(bericht.get("Precedence") or "").strip().lower()
    return (
        (auto not in ("", "no"))
        or str(bericht.get("X-Autoreply") or "").strip().lower() == "yes"
        or bericht.get("X-Autorespond") is not None
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or bool(_SYSTEEMAFZENDER.match(afzender))
        or bool(_AFWEZIG_ONDERWERP.match(onderwerp))
    )


def _is_bounce(bericht: EmailMessage, afzender: str, onderwerp: str) -> bool:
    if bericht.get_content_type() == "multipart/report" and bericht.get_param("report-type") == "delivery-status":
        return True
    systeem = _SYSTEEMAFZENDER.match(afzender) or str(bericht.get("Return-Path") or "").strip() == "<>"
    return bool(systeem and _BOUNCE_ONDERWERP.match(onderwerp))


def _bounce(bericht: EmailMessage) -> tuple[list[Onbestelbaar], str | None]:
    """Every Final-Recipient with its Status, and our Message-ID from the returned original."""
    ontvangers, origineel = [], None
    for deel in bericht.walk():
        soort = deel.get_content_type()
        if soort == "message/delivery-status":
            for blok in deel.get_payload():
                adres = str(blok.get("Final-Recipient") or blok.get("Original-Recipient") or "")
                if adres:
                    status = str(blok.get("Status") or "5.0.0").strip()
                    ontvangers.append(Onbestelbaar(adres.split(";", 1)[-1].strip().lower(), status))
        elif soort in ("message/rfc822", "text/rfc822-headers") and origineel is None:
            origineel = _message_id_van_origineel(deel)
    if not ontvangers:  # a non-standard bounce: look for addresses in the text
        tekst = _lichaam(bericht)
        ontvangers = [
            Onbestelbaar(a.lower(), "5.0.0")
            for a in dict.fromkeys(re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", tekst))
            if not _SYSTEEMAFZENDER.match(a)
        ]
    return ontvangers, origineel


def _message_id_van_origineel(deel: EmailMessage) -> str | None:
    if deel.get_content_type() == "message/rfc822":
        binnen = deel.get_payload()
        binnen = binnen[0] if isinstance(binnen, list) else binnen
        return str(binnen.get("Message-ID") or "").strip() or None
    koppen = email.message_from_string(deel.get_content(), policy=email.policy.default)
    return str(koppen.get("Message-ID") or "").strip() or None


def _lichaam(bericht: EmailMessage) -> str:
    """The text of the message: its plain part, or its HTML part made text; charsets decoded."""
    deel = bericht.get_body(preferencelist=("plain", "html"))
    if deel is None:
        return ""
    try:
        inhoud = deel.get_content()
    except (LookupError, UnicodeDecodeError):
        inhoud = deel.get_payload(decode=True).decode("latin-1", errors="replace")
    return html_naar_tekst(inhoud) if deel.get_content_type() == "text/html" else inhoud


def _kaal_adres(kop: str) -> str:
    """`Jan <Jan+iets@X.nl>` -> `jan@x.nl`: lower-cased, plus-tag removed."""
    adres = (getaddresses([kop]) or [("", "")])[0][1] or parseaddr(kop)[1]
    lokaal, _, domein = adres.lower().partition("@")
    return f"{lokaal.split('+', 1)[0]}@{domein}" if domein else lokaal
