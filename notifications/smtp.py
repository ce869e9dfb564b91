"""Sending the outbox over SMTP: one connection per batch, and a record per message.

Guarantees: each message is marked sent in its own commit right after the server accepted it, so a retry,
a restart or a second run never sends it again; the one window left is a crash between the server's
"250 OK" and that commit, which sends that single message twice. A server that is down leaves everything
queued for the next run. A permanent refusal (5xx) of an address marks it undeliverable, tells the eigenaar
and goes on with the others; a temporary one (4xx) is tried again next run.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer
from engine.instellingen import Instellingen
from engine.onbestelbaar import markeer_onbestelbaar
from models.tabellen import Bericht, Ronde, Verzoek
from notifications import meldingen, opstellen

ALARM = ("escalatie", "melding")
"""Kinds of message that also go to the configured alert channels."""


@dataclass
class Verzendverslag:
    verzonden: int = 0
    geweigerd: int = 0
    uitgesteld: int = 0
    storing: str | None = None


def verzend(*, session: Session, catalogus: Catalogus, nu: datetime, inst: Instellingen) -> Verzendverslag:
    """Send every queued message that is due; commits after each one."""
    verslag = Verzendverslag()
    wachtrij = _wachtrij(session, nu)
    if not wachtrij or not inst.smtp_host:
        verslag.uitgesteld = len(wachtrij)
        return verslag
    try:
        with verbinding(inst) as smtp:
            for bericht, sleutel, ronde in wachtrij:
                if not _verstuur(session, smtp, catalogus, bericht, sleutel, ronde, nu, inst, verslag):
                    break
                session.commit()
    except (OSError, smtplib.SMTPException) as fout:
        session.rollback()
        verslag.storing = f"{type(fout).__name__}: {fout}"
    verslag.uitgesteld = len(wachtrij) - verslag.verzonden - verslag.geweigerd
    return verslag


@contextmanager
def verbinding(inst: Instellingen) -> Iterator[smtplib.SMTP]:
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
        yield smtp
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _wachtrij(session: Session, nu: datetime) -> list[tuple[Bericht, str | None, Ronde]]:
    # SKIP LOCKED: several workers can send at once without picking the same message (PostgreSQL).
    return list(
        session.exec(
            select(Bericht, Verzoek.token, Ronde)
            .join(Ronde, Ronde.id == Bericht.ronde_id)
            .outerjoin(Verzoek, Verzoek.id == Bericht.verzoek_id)
            .where(Bericht.verzonden.is_(None), Bericht.geweigerd.is_(None), Bericht.verzenden_vanaf <= nu)
            .order_by(Bericht.id)
            .with_for_update(skip_locked=True, of=Bericht)
        ).all()
    )


def _verstuur(session, smtp, catalogus, bericht, sleutel, ronde, nu, inst, verslag) -> bool:
    """Send one message; False when the connection is gone and the batch must stop."""
    uit = opstellen.email(
        bericht,
        sleutel=sleutel if bericht.soort in ("verzoek", "herinnering") else None,
        deadline=ronde.deadline,
        inst=inst,
    )
    bericht.pogingen += 1
    try:
        geweigerd = smtp.send_message(uit)
    except smtplib.SMTPRecipientsRefused as fout:
        geweigerd = fout.recipients
    except smtplib.SMTPServerDisconnected:
        raise
    except smtplib.SMTPResponseException as fout:
        if fout.smtp_code >= 500:
            _weiger(
                session, catalogus, bericht, ronde, nu, {a: (fout.smtp_code, fout.smtp_error) for a in _aan(bericht)}
            )
            verslag.geweigerd += 1
            return True
        bericht.fout = f"{fout.smtp_code} {fout.smtp_error!r}"
        return True
    blijvend = {a: r for a, r in geweigerd.items() if r[0] >= 500}
    if geweigerd and len(geweigerd) == len(_aan(bericht)) and len(blijvend) < len(geweigerd):
        bericht.fout = "; ".join(f"{a}: {c} {t!r}" for a, (c, t) in geweigerd.items())
        return True  # a temporary refusal of every recipient: try again next run
    if blijvend and len(blijvend) == len(_aan(bericht)):
        _weiger(session, catalogus, bericht, ronde, nu, blijvend)
        verslag.geweigerd += 1
        return True
    for adres, (code, tekst) in blijvend.items():
        markeer_onbestelbaar(
            session, catalogus=catalogus, adres=adres, reden=f"{code} {_tekst(tekst)}", nu=nu, ronde=ronde
        )
    bericht.verzonden = nu
    registreer(session, soort="bericht-verzonden", nu=nu, ronde=ronde, bericht_id=bericht.id)
    verslag.verzonden += 1
    if bericht.soort in ALARM:
        meldingen.alarmeer(inst.meldingen, bericht.onderwerp, bericht.tekst)
    return True


def _weiger(session, catalogus, bericht, ronde, nu, redenen: dict) -> None:
    bericht.geweigerd = nu
    bericht.fout = "; ".join(f"{a}: {c} {_tekst(t)}" for a, (c, t) in redenen.items())
    registreer(session, soort="bericht-geweigerd", nu=nu, ronde=ronde, bericht_id=bericht.id, reden=bericht.fout)
    for adres, (code, tekst) in redenen.items():
        markeer_onbestelbaar(
            session, catalogus=catalogus, adres=adres, reden=f"{code} {_tekst(tekst)}", nu=nu, ronde=ronde
        )


def _aan(bericht: Bericht) -> list[str]:
    return [a.strip() for a in bericht.aan.split(",") if a.strip()]


def _tekst(tekst: bytes | str) -> str:
    return tekst.decode(errors="replace") if isinstance(tekst, bytes) else str(tekst)
