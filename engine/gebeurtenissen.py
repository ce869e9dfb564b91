"""The audit trail: one append-only row per change, written in the same transaction as the change.

Rows are inserted with one statement per batch (no ORM objects): a ronde of 1,500 verzoeken writes its
1,500 gebeurtenissen in one round trip. They join the tamper-evident chain when their transaction commits
(engine.auditketen).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, literal
from sqlmodel import Session

from engine import auditketen
from models.keten import digest
from models.tabellen import Gebeurtenis, Ronde, Verzoek


def rij(
    *,
    soort: str,
    nu: datetime,
    ronde: Ronde | None = None,
    verzoek_id: int | None = None,
    persoon_id: int | None = None,
    bericht_id: int | None = None,
    **details: Any,
) -> dict[str, Any]:
    """One gebeurtenis as a row, for `registreer_veel`."""
    tekst = json.dumps(details, ensure_ascii=False, default=str) if details else None
    return {
        "moment": nu,
        "soort": soort,
        "proces": ronde.proces if ronde else None,
        "ronde_id": ronde.id if ronde else None,
        "verzoek_id": verzoek_id,
        "persoon_id": persoon_id,
        "bericht_id": bericht_id,
        "details": tekst,
        "details_digest": digest(tekst),
    }


DOMEIN = {
    "ronde-gestart": "gestart",
    "herinnering-klaargezet": "herinnerd",
    "escalatie-klaargezet": "geescaleerd",
    "antwoord": "beantwoord",
    "ronde-gesloten": "gesloten",
    "register-voorstel": "voorstel",
}
"""The audit kinds that are also domain events (a use case reports them; the flows emit them to Prefect)."""


def registreer_veel(session: Session, rijen: list[dict[str, Any]]) -> None:
    """Record the rows, and count the domain events among them on the unit of work (`gebeurd`)."""
    if not rijen:
        return
    session.execute(insert(Gebeurtenis.__table__), rijen)
    auditketen.markeer(session)
    telling = session.info.setdefault("gebeurd", Counter())
    for r in rijen:
        if r["soort"] in DOMEIN and r["ronde_id"] is not None:
            telling[(r["ronde_id"], DOMEIN[r["soort"]])] += 1


def registreer_per_rij(
    session: Session, rijen: Select, *, soort: str, nu: datetime, ronde: Ronde, **details: Any
) -> int:
    """Record one gebeurtenis of `soort` per row of `rijen` (a select of verzoek id, persoon id and bericht id),
    made by the database in one statement: a watch that queues thousands of reminders sends no row over the wire.
    How many."""
    vast = {k: v for k, v in rij(soort=soort, nu=nu, ronde=ronde, **details).items() if k not in _PER_RIJ}
    c = Gebeurtenis.__table__.c
    ingevoegd = session.execute(
        insert(Gebeurtenis.__table__).from_select(
            [*_PER_RIJ, *vast], rijen.add_columns(*(literal(v, c[k].type) for k, v in vast.items()))
        ),
        execution_options={"preserve_rowcount": True},  # an INSERT's count is not kept otherwise
    )
    aantal = ingevoegd.rowcount
    if aantal:
        auditketen.markeer(session)
        if soort in DOMEIN:
            session.info.setdefault("gebeurd", Counter())[(ronde.id, DOMEIN[soort])] += aantal
    return aantal


_PER_RIJ = ("verzoek_id", "persoon_id", "bericht_id")


def gebeurd(session: Session) -> Counter:
    """(ronde id, domain event) -> how often, for everything this unit of work recorded."""
    return session.info.get("gebeurd", Counter())


def registreer(session: Session, *, soort: str, nu: datetime, verzoek: Verzoek | None = None, **velden: Any) -> None:
    """Record one change; a verzoek brings its own id and person."""
    if verzoek is not None:
        velden |= {"verzoek_id": verzoek.id, "persoon_id": velden.get("persoon_id", verzoek.persoon_id)}
    registreer_veel(session, [rij(soort=soort, nu=nu, **velden)])
