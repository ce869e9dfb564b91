"""Reading one incoming message: is it an answer, an auto-reply, a bounce or a forward, which reply key it
carries and by which route, who sent it, and the answer text without quotes.

Pure parsing, no database: `engine.postvak` decides what the message means for the verzoek.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from email.header import decode_header, make_header
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from functools import lru_cache

from notifications import sleutels
from notifications.citaten import antwoordtekst, html_naar_tekst, is_geen_wijziging
from notifications.opmaak import MAANDEN

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
_SYSTEEMAFZENDER = re.compile(r"^(mailer-daemon|postmaster|no-?reply|noreply)(\+[^@]*)?@", re.IGNORECASE)


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
    twijfel: str | None = None  # why the sender cannot be trusted, if so


class _Koppen(HeaderRegistry):
    """The standard header registry, remembering what it parsed: `email.policy.default` parses a header again
    on every access, and reading one message asks for Content-Type about ten times. Parsed headers are immutable,
    so sharing them between messages (the same Content-Type, the same sender) is safe. Only short values are
    kept, so that hostile mail cannot fill the memory."""

    def __call__(self, name, value):
        return self._bewaard(name, value) if len(value) <= 998 else HeaderRegistry.__call__(self, name, value)

    @lru_cache(maxsize=4096)  # noqa: B019 - one registry lives as long as the module
    def _bewaard(self, name, value):
        return HeaderRegistry.__call__(self, name, value)


_BELEID = email.policy.default.clone(header_factory=_Koppen())

LANGSTE_ID = 250
_ADRES = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_MESSAGE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
_MISLUKT = re.compile(r"\b(dmarc|spf|dkim)\s*=\s*(fail|permerror)\b", re.IGNORECASE)


def stabiel_id(ruw: bytes, message_id: str) -> str:
    """The message's own Message-ID, or one derived from its bytes when it has none or an absurd one: the same
    in every process, so a message read again after a crash is recognised."""
    if _MESSAGE_ID.fullmatch(message_id) and len(message_id) <= LANGSTE_ID:
        return message_id
    return f"<{'ongeldig-id' if message_id else 'zonder-id'}-{hashlib.sha256(ruw).hexdigest()[:32]}@onbekend>"


def lees(ruw: bytes) -> Binnenkomst:
    bericht = email.message_from_bytes(ruw, policy=_BELEID)
    afzenders = _afzenders(bericht)
    afzender = afzenders[0] if afzenders else ""
    onderwerp = _kop(bericht, "Subject")
    basis = {
        "message_id": stabiel_id(ruw, _kop(bericht, "Message-ID")),
        "afzender": afzender,
        "onderwerp": onderwerp,
        "twijfel": _twijfel(bericht, afzenders),
    }
    if _is_bounce(bericht, afzender, onderwerp):
        ontvangers, origineel = _bounce(bericht)
        return Binnenkomst(**basis, soort="bounce", onbestelbaar=ontvangers, origineel=origineel)
    if _is_afwezig(bericht, afzender, onderwerp):
        return Binnenkomst(**basis, soort="afwezig", **_sleutel(bericht, onderwerp))
    tekst = antwoordtekst(_lichaam(bericht)).replace("\x00", "")
    soort = "doorgestuurd" if _DOORGESTUURD.match(onderwerp) else "antwoord"
    return Binnenkomst(
        **basis, soort=soort, tekst=tekst, geen_wijzigingen=is_geen_wijziging(tekst), **_sleutel(bericht, onderwerp)
    )


_ISO_DATUM = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATUM = re.compile(rf"\b(\d{{1,2}})[ -]({'|'.join(MAANDEN)}|\d{{1,2}})[ -](\d{{4}})\b", re.IGNORECASE)


def datum_in_tekst(tekst: str) -> date | None:
    """The first date in an answer: 2027-05-18, 18-5-2027 or 18 mei 2027 (an owner's confirmation by email)."""
    kandidaten = []
    if m := _ISO_DATUM.search(tekst):
        kandidaten.append((m.start(), int(m[1]), int(m[2]), int(m[3])))
    if m := _DATUM.search(tekst):
        maand = int(m[2]) if m[2].isdigit() else MAANDEN.index(m[2].lower()) + 1
        kandidaten.append((m.start(), int(m[3]), maand, int(m[1])))
    for _, jaar, maand, dag in sorted(kandidaten):
        try:
            return date(jaar, maand, dag)
        except ValueError:
            continue
    return None


def _kop(bericht: EmailMessage, naam: str) -> str:
    """A header as text, without the NUL bytes and line breaks a hostile sender may put in it; the raw value
    where the standard library's parser gives up on it (`Message-ID: <` raises IndexError there)."""
    try:
        waarde = str(bericht.get(naam) or "")
    except Exception:  # noqa: BLE001 - any parser failure: fall back to the raw text, its encoded words decoded
        return _ruwe_kop(bericht, naam)
    return re.sub(r"[\x00\r\n]+", " ", waarde).strip()


def _ruwe_kop(bericht: EmailMessage, naam: str) -> str:
    """A header as it came, its encoded words decoded but its structure not parsed: enough to find a reply key
    in, and for an address header a tenth of the cost of parsing it."""
    waarde = _gedecodeerd(next((str(w) for k, w in bericht.raw_items() if k.lower() == naam.lower()), ""))
    return re.sub(r"[\x00\r\n]+", " ", waarde).strip()


def _gedecodeerd(ruw: str) -> str:
    """A raw header with its RFC 2047 encoded words decoded, so that what they hide (an address in a display name
    that also carries a line break, which the parser refuses) is seen; the raw text when even that fails."""
    try:
        return str(make_header(decode_header(ruw)))
    except Exception:  # noqa: BLE001 - an undecodable header stays as it came
        return ruw


def _afzenders(bericht: EmailMessage) -> list[str]:
    """Every distinct address in From, lower-cased (two that differ only in a plus tag are one), read from the
    raw header as well as the parsed one (which drops what it cannot parse). More than one means a display name
    that pretends to be an address (`jan@x.nl <attacker@y.example>`), or several senders."""
    ruw = " ".join(str(waarde) for naam, waarde in bericht.raw_items() if naam.lower() == "from")
    adressen: dict[str, str] = {}
    for adres in _ADRES.findall(f"{ruw} {_kop(bericht, 'From')}"):
        adressen.setdefault(kaal_adres(adres), adres.lower())
    return list(adressen.values())


def _twijfel(bericht: EmailMessage, afzenders: list[str]) -> str | None:
    if len(afzenders) != 1:
        return "afzender-onduidelijk"
    # Only a failure counts: a sender can forge a passing Authentication-Results, never usefully a failing one.
    if any(_MISLUKT.search(str(kop)) for kop in bericht.get_all("Authentication-Results") or []):
        return "authenticatie-mislukt"
    return None


def _sleutel(bericht: EmailMessage, onderwerp: str) -> dict:
    adressen = [_ruwe_kop(bericht, k) for k in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")]
    if sleutel := sleutels.uit_adressen(*adressen):
        return {"sleutel": sleutel, "route": "plus-adres"}
    if sleutel := sleutels.uit_verwijzingen(_ruwe_kop(bericht, "In-Reply-To"), _ruwe_kop(bericht, "References")):
        return {"sleutel": sleutel, "route": "verwijzing"}
    if (nummer := sleutels.uit_onderwerp(onderwerp)) is not None:
        return {"verzoek_nummer": nummer, "route": "onderwerp"}
    return {}


def _is_afwezig(bericht: EmailMessage, afzender: str, onderwerp: str) -> bool:
    auto = _kop(bericht, "Auto-Submitted").strip().lower()
    precedence = _kop(bericht, "Precedence").strip().lower()
    return (
        (auto not in ("", "no"))
        or _kop(bericht, "X-Autoreply").strip().lower() == "yes"
        or bericht.get("X-Autorespond") is not None
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or bool(_SYSTEEMAFZENDER.match(afzender))
        or bool(_AFWEZIG_ONDERWERP.match(onderwerp))
    )


def _is_bounce(bericht: EmailMessage, afzender: str, onderwerp: str) -> bool:
    if bericht.get_content_type() == "multipart/report" and bericht.get_param("report-type") == "delivery-status":
        return True
    systeem = _SYSTEEMAFZENDER.match(afzender) or _kop(bericht, "Return-Path").strip() == "<>"
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
    koppen = email.message_from_string(deel.get_content(), policy=_BELEID)
    return str(koppen.get("Message-ID") or "").strip() or None


def _lichaam(bericht: EmailMessage) -> str:
    """The text of the message: its plain part, or its HTML part made text; charsets decoded."""
    deel = bericht.get_body(preferencelist=("plain", "html"))
    if deel is None:
        return ""
    try:
        inhoud = deel.get_content()
    except (LookupError, ValueError):  # an unknown or absurd charset
        inhoud = deel.get_payload(decode=True).decode("latin-1", errors="replace")
    return html_naar_tekst(inhoud) if deel.get_content_type() == "text/html" else inhoud


def kaal_adres(adres: str) -> str:
    """An address as two are compared: `Jan+iets@X.nl` -> `jan@x.nl`, lower-cased, the plus tag removed (mail to
    both reaches one mailbox). Apply it to both sides: a person whose own address carries a tag answers from it."""
    lokaal, _, domein = adres.lower().partition("@")
    return f"{lokaal.split('+', 1)[0]}@{domein}"
