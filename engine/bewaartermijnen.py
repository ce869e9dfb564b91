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

Every pass is recorded in the audit trail (`bewaartermijn`), with counts only (no details when nothing was due);
its moment is where the next pass starts, so a daily purge costs what became due since, not all history.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, func, update
from sqlmodel import Session, select

from engine.gebeurtenissen import registreer
from models.instellingen import Instellingen
from models.statussen import Regelstatus
from models.tabellen import Antwoord, Gebeurtenis, Inkomend, Persoon, Registerregel

SOORT = "bewaartermijn"
"""The audit kind of a purge; its details are the counts per kind of data."""
_ALTIJD = datetime(1900, 1, 1, tzinfo=UTC)
"""Before any data: the first pass looks at everything."""

_INKOMEND, _ANTWOORD, _REGEL, _GEBEURTENIS = (t.__table__ for t in (Inkomend, Antwoord, Registerregel, Gebeurtenis))


def _verlopen(kolom, soort: str) -> tuple:
    """`kolom` is past its period (before `<soort>_tot`) and was not yet at the previous pass, which took
    everything older (from `<soort>_vanaf`): each pass reads only what became due since, through the column's
    index."""
    return kolom < bindparam(f"{soort}_tot"), kolom >= bindparam(f"{soort}_vanaf")


# Built once: a pass is eight statements, and the watch runs every day (the simulator: every simulated day).
_OPRUIMING = {
    "ruwe-mails": [
        update(_INKOMEND)
        .where(*_verlopen(_INKOMEND.c.ontvangen, "mail"), func.length(_INKOMEND.c.ruw) > 0)
        .values(ruw=b"")
    ],
    "antwoordteksten": [
        update(_ANTWOORD)
        .where(*_verlopen(_ANTWOORD.c.ontvangen, "antwoord"), _ANTWOORD.c.tekst.is_not(None))
        .values(tekst=None),
        update(_INKOMEND)
        .where(*_verlopen(_INKOMEND.c.ontvangen, "antwoord"), _INKOMEND.c.tekst.is_not(None))
        .values(tekst=None),
        delete(_REGEL).where(
            *_verlopen(_REGEL.c.ingediend, "antwoord"),
            _REGEL.c.velden.is_(None),  # a reply's free text, a version of its own ...
            _REGEL.c.status != Regelstatus.VOORGESTELD,  # ... that the eigenaar has decided on
        ),
    ],
    "auditdetails": [
        update(_GEBEURTENIS)
        .where(*_verlopen(_GEBEURTENIS.c.moment, "audit"), _GEBEURTENIS.c.details.is_not(None))
        .values(details=None)
    ],
    # Persons are few: every leaver past the period is looked at, so an entry added after they left goes too.
    "registerregels": [
        delete(_REGEL).where(
            _REGEL.c.persoon_id.in_(
                select(Persoon.id).where(~Persoon.actief, Persoon.bijgewerkt < bindparam("register_tot"))
            )
        )
    ],
}


def ruim_op(session: Session, *, inst: Instellingen, nu: datetime) -> Counter:
    """Remove what is past its retention period at `nu`; how many rows of each kind were purged."""
    vorige = session.exec(select(func.max(Gebeurtenis.moment)).where(Gebeurtenis.soort == SOORT)).one()
    grenzen = {}
    for soort, dagen in (
        ("mail", inst.bewaar_ruwe_mail_dagen),
        ("antwoord", inst.bewaar_antwoordtekst_dagen),
        ("audit", inst.bewaar_auditdetails_dagen),
        ("register", inst.bewaar_register_dagen),
    ):
        periode = timedelta(days=dagen)
        grenzen |= {f"{soort}_tot": nu - periode, f"{soort}_vanaf": vorige - periode if vorige else _ALTIJD}
    telling = Counter()
    for soort, stellingen in _OPRUIMING.items():
        for stelling in stellingen:
            telling[soort] += session.execute(stelling, grenzen).rowcount
    telling = +telling  # only what was purged
    registreer(session, soort=SOORT, nu=nu, **telling)
    return telling
