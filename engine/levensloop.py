"""The events of people's working lives as the persons import reveals them: joining, leaving, a role gained or
lost, an attribute changed; and a melding, a report made on the personal page.

Each is one row of the audit trail (`gebeurtenis`), with the person and its effective date in its details: the
import's `in_dienst`, `uit_dienst` or `benoemd` when it has one, else the day of the import. An event is derived
from the difference between what was known and what the import says, so the same file imported twice yields
nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlmodel import Session, select

from engine.gebeurtenissen import registreer_veel, rij
from models.planning import GEBEURTENISSEN
from models.tabellen import Gebeurtenis, Persoon

INDIENST, UITDIENST, ROL_GEKREGEN, ROL_VERLOREN, MELDING = GEBEURTENISSEN
KENMERK_GEWIJZIGD = "kenmerk-gewijzigd"


@dataclass(frozen=True)
class Stand:
    """What matters of a person for their events: whether they work here, their roles, their attributes."""

    actief: bool = False
    rollen: frozenset[str] = frozenset()
    kenmerken: dict[str, object] = field(default_factory=dict)
    uit_dienst: date | None = None

    @classmethod
    def van(cls, persoon: Persoon | None) -> Stand:
        if persoon is None:
            return cls()
        rollen = frozenset(persoon.rolset) if persoon.actief else frozenset()
        return cls(persoon.actief, rollen, persoon.kenmerken, persoon.uit_dienst)


@dataclass(frozen=True)
class Levensgebeurtenis:
    """One recorded event, as the watch reads it back."""

    id: int
    soort: str
    persoon_id: int
    datum: date
    rol: str | None
    register: str | None


def registreer_verschil(session: Session, persoon: Persoon, voor: Stand, vandaag: date, nu: datetime) -> None:
    """Record the events between `voor` and the person as they are now; `vandaag` dates what the import does
    not date itself."""
    registreer_veel(session, verschil(persoon, voor, vandaag, nu))


def verschil(persoon: Persoon, voor: Stand, vandaag: date, nu: datetime) -> list[dict]:
    """The events between `voor` and the person as they are now, as rows for `registreer_veel` (an import
    records everyone's in one statement)."""
    na = Stand.van(persoon)
    komt = na.actief and not voor.actief
    gaat = (voor.actief or komt) and persoon.uit_dienst is not None and persoon.uit_dienst != voor.uit_dienst
    rijen = []

    def voeg_toe(soort: str, datum: date, **details) -> None:
        rijen.append(rij(soort=soort, nu=nu, persoon_id=persoon.id, datum=datum.isoformat(), **details))

    if komt:
        voeg_toe(INDIENST, persoon.in_dienst or vandaag)
    if gaat:
        voeg_toe(UITDIENST, persoon.uit_dienst)
    benoemd = persoon.benoemd or (persoon.in_dienst if komt else None) or vandaag
    for rol in sorted(na.rollen - voor.rollen):
        voeg_toe(ROL_GEKREGEN, benoemd, rol=rol)
    for rol in sorted(voor.rollen - na.rollen):
        voeg_toe(ROL_VERLOREN, persoon.uit_dienst if not na.actief and persoon.uit_dienst else vandaag, rol=rol)
    anders = sorted(
        k for k, v in na.kenmerken.items() if voor.kenmerken.get(k) != v and not (gaat and k == "uit_dienst")
    )
    if voor.actief and na.actief and anders:
        voeg_toe(KENMERK_GEWIJZIGD, vandaag, velden=anders)
    return rijen


def registreer_melding(session: Session, *, persoon_id: int, register: str, nu: datetime, dag: date) -> int:
    """Record a melding (something reported in `register`) and return its id: its proces starts from it."""
    registreer_veel(
        session, [rij(soort=MELDING, nu=nu, persoon_id=persoon_id, datum=dag.isoformat(), register=register)]
    )
    return session.exec(
        select(Gebeurtenis.id)
        .where(Gebeurtenis.soort == MELDING, Gebeurtenis.persoon_id == persoon_id, Gebeurtenis.moment == nu)
        .order_by(Gebeurtenis.id.desc())
    ).first()


def sinds(session: Session, soorten: set[str], moment: datetime) -> list[Levensgebeurtenis]:
    """The events of these kinds recorded at or after `moment`, oldest first."""
    rijen = session.exec(  # columns, not entities: the watch reads these for every per-person proces
        select(Gebeurtenis.id, Gebeurtenis.soort, Gebeurtenis.persoon_id, Gebeurtenis.details)
        .where(
            Gebeurtenis.soort.in_(soorten),
            Gebeurtenis.moment >= moment,
            Gebeurtenis.persoon_id.is_not(None),
            Gebeurtenis.details.is_not(None),  # past retention the details are gone, and with them the date
        )
        .order_by(Gebeurtenis.id)
    )
    return [Levensgebeurtenis(i, soort, persoon_id, *_details(tekst)) for i, soort, persoon_id, tekst in rijen]


@lru_cache(maxsize=16384)
def _details(tekst: str) -> tuple[date, str | None, str | None]:
    """An event's date, role and register; cached, as every watch reads the same events of the last months."""
    details = json.loads(tekst)
    return date.fromisoformat(details["datum"]), details.get("rol"), details.get("register")
