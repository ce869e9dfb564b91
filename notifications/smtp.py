"""The SMTP transport: a connection, and what the server said to one message, sorted by whose problem it is.

A permanent refusal of one recipient (RCPT: 5.1.x bad address, 5.2.x mailbox disabled or full, or a bare
550-553) belongs to that address; a temporary one (4xx, greylisting too) is tried again later. Everything
else is the server's, or our configuration's: a refused connection, login or sender (`530 Authentication
required` at MAIL FROM), a policy refusal at RCPT (`554 5.7.1 Relay access denied` says nothing about the
address), a refusal of the message as a whole at DATA. Those must never mark a person undeliverable.
`engine.verzenden` decides what each outcome means for the outbox.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message

from models.instellingen import Instellingen

_ADRESFOUT = re.compile(r"^\s*5\.[12]\.\d{1,3}\b")
_ADRESCODES = {550, 551, 552, 553}
_VERRIJKT = re.compile(r"^\s*[245]\.\d{1,3}\.\d{1,3}\b")


class Serverstoring(Exception):
    """The server refused the connection, the login, the sender or a recipient on policy: nothing is wrong
    with the message or its addresses, so everything stays queued."""


class BerichtGeweigerd(Exception):
    """The server refused this message as a whole at DATA (its content or size, or the server itself)."""

    def __init__(self, code: int, tekst: str) -> None:
        super().__init__(f"{code} {tekst}")
        self.code = code


@dataclass(frozen=True)
class Bezorging:
    """What the server said to the recipients of one accepted-or-refused message."""

    aanvaard: list[str]
    blijvend: dict[str, str] = field(default_factory=dict)  # address -> reason: the address is undeliverable
    tijdelijk: dict[str, str] = field(default_factory=dict)  # address -> reason: any other refusal


@contextmanager
def verbinding(inst: Instellingen) -> Iterator[smtplib.SMTP]:
    """An SMTP session as configured; a failure to connect, secure or log in is a Serverstoring."""
    try:
        smtp = _open(inst)
    except (OSError, smtplib.SMTPException) as fout:
        raise Serverstoring(_beschrijf(fout)) from fout
    try:
        yield smtp
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def bezorg(smtp: smtplib.SMTP, bericht: Message | bytes, ontvangers: list[str], afzender: str = "") -> Bezorging:
    """Hand one message to the server: a Message (its From is the envelope sender), or one already written as
    bytes (`notifications.opstellen`) with the envelope sender `afzender`. Raises Serverstoring or
    BerichtGeweigerd as described above."""
    try:
        if isinstance(bericht, bytes):
            geweigerd = smtp.sendmail(afzender, ontvangers, bericht)
        else:
            geweigerd = smtp.send_message(bericht, to_addrs=ontvangers)
    except smtplib.SMTPRecipientsRefused as fout:
        geweigerd = fout.recipients
    except smtplib.SMTPDataError as fout:
        raise BerichtGeweigerd(fout.smtp_code, _tekst(fout.smtp_error)) from fout
    except (OSError, smtplib.SMTPException) as fout:
        raise Serverstoring(_beschrijf(fout)) from fout
    redenen = {adres: (code, _tekst(tekst)) for adres, (code, tekst) in geweigerd.items()}
    aanvaard = [a for a in ontvangers if a not in redenen]
    van_het_adres = {a for a, (code, tekst) in redenen.items() if code >= 500 and _over_het_adres(code, tekst)}
    beleid = [a for a, (code, _) in redenen.items() if code >= 500 and a not in van_het_adres]
    if beleid and not aanvaard:  # nothing was delivered, and the server's policy is why
        code, tekst = redenen[beleid[0]]
        raise Serverstoring(f"{code} {tekst} (bij ontvanger {beleid[0]})")
    return Bezorging(
        aanvaard=aanvaard,
        blijvend={a: f"{c} {t}" for a, (c, t) in redenen.items() if a in van_het_adres},
        tijdelijk={a: f"{c} {t}" for a, (c, t) in redenen.items() if a not in van_het_adres},
    )


def _over_het_adres(code: int, tekst: str) -> bool:
    """Whether a permanent RCPT refusal concerns the address itself (RFC 3463 classes 5.1 and 5.2), not a
    policy of the server."""
    if _VERRIJKT.match(tekst):
        return bool(_ADRESFOUT.match(tekst))
    return code in _ADRESCODES


def _open(inst: Instellingen) -> smtplib.SMTP:
    if inst.smtp_tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            inst.smtp_host, inst.smtp_port, timeout=30, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(inst.smtp_host, inst.smtp_port, timeout=30)
    try:
        if inst.smtp_tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if inst.smtp_user and inst.smtp_password:
            smtp.login(inst.smtp_user, inst.smtp_password.get_secret_value())
    except BaseException:
        smtp.close()
        raise
    return smtp


def _beschrijf(fout: BaseException) -> str:
    if isinstance(fout, smtplib.SMTPResponseException):
        return f"{fout.smtp_code} {_tekst(fout.smtp_error)}"
    return f"{type(fout).__name__}: {fout}"


def _tekst(tekst: bytes | str) -> str:
    return tekst.decode(errors="replace") if isinstance(tekst, bytes) else str(tekst)
