"""Retention: personal data past its retention period (`bewaar_*` settings) is removed by the daily watch.

What goes, and what stays so that nothing else breaks:

- a complete incoming mail (`inkomend.ruw`): its bytes go; the row stays with its Message-ID (by which the
  mailbox reader recognises a mail read again), sender, subject, outcome and folder.
- the free text of an answer (`antwoord.tekst`, `inkomend.tekst`, and a reply's free text that the eigenaar has
  made into entries or sent back): the text goes; the answer and the entries stay (when, how, "geen
  wijzigingen", date and reference).
- the details of an audit event: the details go; the event stays, with the digest of its details, so the hash
  chain still verifies (engine.auditketen).
- the register of a person who left: every version of every entry goes; the person and their verzoeken stay
  (who was asked, when, whether they answered). Publication ends at once: only active persons are published.

A purge is itself recorded in the audit trail, as counts only (`bewaartermijn`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from engine.gebeurtenissen import registreer
from models.instellingen import Instellingen
from models.statussen import Regelstatus
from models.tabellen import Antwoord, Gebeurtenis, Inkomend, Persoon, Registerregel

SOORT = "bewaartermijn"
"""The audit kind of a purge; its details are the counts per kind of data."""


def ruim_op(session: Session, *, inst: Instellingen, nu: datetime) -> Counter:
    """Remove what is past its retention period at `nu`; how many rows of each kind were purged."""

    def voor(dagen: int) -> datetime:
        return nu - timedelta(days=dagen)

    telling = Counter()
    telling["ruwe-mails"] = _wijzig(
        session,
        update(Inkomend)
        .where(Inkomend.ontvangen < voor(inst.bewaar_ruwe_mail_dagen), func.length(Inkomend.ruw) > 0)
        .values(ruw=b""),
    )
    antwoorden_voor = voor(inst.bewaar_antwoordtekst_dagen)
    telling["antwoordteksten"] = (
        _wijzig(
            session,
            update(Antwoord)
            .where(Antwoord.ontvangen < antwoorden_voor, Antwoord.tekst.is_not(None))
            .values(tekst=None),
        )
        + _wijzig(
            session,
            update(Inkomend)
            .where(Inkomend.ontvangen < antwoorden_voor, Inkomend.tekst.is_not(None))
            .values(tekst=None),
        )
        + _wijzig(session, delete(Registerregel).where(*_verwerkte_vrije_tekst(antwoorden_voor)))
    )
    telling["auditdetails"] = _wijzig(
        session,
        update(Gebeurtenis)
        .where(Gebeurtenis.moment < voor(inst.bewaar_auditdetails_dagen), Gebeurtenis.details.is_not(None))
        .values(details=None),
    )
    vertrokken = select(Persoon.id).where(~Persoon.actief, Persoon.bijgewerkt < voor(inst.bewaar_register_dagen))
    telling["registerregels"] = _wijzig(session, delete(Registerregel).where(Registerregel.persoon_id.in_(vertrokken)))
    telling = +telling  # only what was purged
    if telling:
        registreer(session, soort=SOORT, nu=nu, **telling)
    return telling


def _verwerkte_vrije_tekst(voor: datetime) -> tuple:
    """A reply's free text that the eigenaar has decided on: a version of its own (`tekst`, no `velden`) whose
    entries, if any, are versions of their own; one that still waits for the eigenaar stays."""
    return (
        Registerregel.velden.is_(None),
        Registerregel.status != Regelstatus.VOORGESTELD,
        Registerregel.ingediend < voor,
    )


def _wijzig(session: Session, stelling) -> int:
    return session.execute(stelling.execution_options(synchronize_session=False)).rowcount
