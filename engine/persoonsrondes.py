"""Rondes for one person: what an event in their working life (engine.levensloop) or a date of their own calls
for, started by the daily watch, or at once for a melding.

A ronde for an event starts on the first working day after the event's date (a melding: when it is made); one
for a person's own date on that date moved by the planning, before the end of each term. A watch that missed
days catches up with everything whose first deadline has not passed; a ronde is unique on proces, start and
person, so starting twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from engine import levensloop
from engine.agenda import stapplan
from engine.catalogus import Catalogus
from engine.rondes import Start, begin_stap
from models.planning import STANDAARD_TIJD, GebeurtenisPlanning, PersoonsdatumPlanning
from models.proces import Proces
from models.tabellen import Persoon, Ronde
from models.werkdagen import TIJDZONE

TERUGBLIK = timedelta(days=400)
"""How far back the watch looks for events whose ronde it has not started (as for calendar rondes)."""


@dataclass(frozen=True)
class Aanleiding:
    """A ronde that is due for one person: when it starts, and the event that called for it (if any)."""

    persoon_id: int
    start: datetime
    gebeurtenis_id: int | None = None


def start_persoonsrondes(session: Session, *, catalogus: Catalogus, proces: Proces, nu: datetime) -> list[Start]:
    """Start every ronde of `proces` that is due for a person at `nu` and not started yet."""
    vandaag = nu.astimezone(TIJDZONE).date()
    gestart = set(
        session.exec(
            select(Ronde.persoon_id, Ronde.startdatum).where(
                Ronde.proces == proces.id, Ronde.stapnummer == 0, Ronde.startdatum >= vandaag - TERUGBLIK
            )
        ).all()
    )
    starts = []
    for aanleiding in _aanleidingen(session, catalogus, proces, nu):
        if aanleiding.start > nu or (aanleiding.persoon_id, aanleiding.start.date()) in gestart:
            continue
        if stapplan(catalogus, proces.id, 0, aanleiding.start).deadline < vandaag:
            continue  # missed for good: asking now would be too late already
        if (start := begin(session, catalogus=catalogus, proces=proces, aanleiding=aanleiding, nu=nu)) is not None:
            gestart.add((aanleiding.persoon_id, aanleiding.start.date()))
            starts.append(start)
    return starts


def begin(
    session: Session, *, catalogus: Catalogus, proces: Proces, aanleiding: Aanleiding, nu: datetime
) -> Start | None:
    """Start the person's ronde; None when another worker started it a moment ago."""
    try:
        with session.begin_nested():
            ronde = begin_stap(
                session,
                catalogus=catalogus,
                proces=proces,
                stapnummer=0,
                startdatum=aanleiding.start.date(),
                start=aanleiding.start,
                nu=nu,
                persoon_id=aanleiding.persoon_id,
                gebeurtenis_id=aanleiding.gebeurtenis_id,
            )
    except IntegrityError:
        return None
    return Start(ronde, nieuw=True)


def start_melding(
    session: Session, *, catalogus: Catalogus, persoon_id: int, register: str, nu: datetime
) -> list[Start]:
    """Record a melding and start at once the processen it calls for."""
    gebeurtenis_id = levensloop.registreer_melding(
        session, persoon_id=persoon_id, register=register, nu=nu, dag=nu.astimezone(TIJDZONE).date()
    )
    persoon = session.get(Persoon, persoon_id)
    starts = []
    for proces in catalogus.processen:
        planning = proces.planning
        if not (proces.actief and isinstance(planning, GebeurtenisPlanning)):
            continue
        if planning.gebeurtenis != levensloop.MELDING or planning.register_naam != register:
            continue
        if not _betreft(proces, persoon, planning.gebeurtenis):
            continue
        start = begin(
            session,
            catalogus=catalogus,
            proces=proces,
            aanleiding=Aanleiding(persoon_id, nu.astimezone(TIJDZONE), gebeurtenis_id),
            nu=nu,
        )
        starts += [start] if start else []
    return starts


def _aanleidingen(session: Session, catalogus: Catalogus, proces: Proces, nu: datetime) -> list[Aanleiding]:
    planning = proces.planning
    if isinstance(planning, PersoonsdatumPlanning):
        return _op_eigen_datum(session, catalogus, proces, planning, nu)
    if planning.gebeurtenis == levensloop.MELDING:
        return []  # started when made (start_melding)
    gebeurtenissen = [
        g
        for g in levensloop.sinds(session, {planning.gebeurtenis}, nu - TERUGBLIK)
        if planning.rol is None or g.rol == planning.rol
    ]
    personen = _personen(session, {g.persoon_id for g in gebeurtenissen})
    return [
        Aanleiding(g.persoon_id, _werkdag_na(catalogus, g.datum), g.id)
        for g in gebeurtenissen
        if _betreft(proces, personen.get(g.persoon_id), planning.gebeurtenis)
    ]


def _op_eigen_datum(
    session: Session, catalogus: Catalogus, proces: Proces, planning: PersoonsdatumPlanning, nu: datetime
) -> list[Aanleiding]:
    """Per person with the date: the latest start at or before `nu` (earlier terms were asked before)."""
    kolom = {"in-dienst": Persoon.in_dienst, "uit-dienst": Persoon.uit_dienst}.get(planning.datum, Persoon.benoemd)
    aanleidingen = []
    for persoon in session.exec(select(Persoon).where(Persoon.actief, kolom.is_not(None)).order_by(Persoon.id)):
        dag = persoon.datum(planning.datum)
        if dag is None or not _betreft(proces, persoon, None):
            continue
        starts = [
            datetime.combine(catalogus.werkdagen.eerstvolgende(m.date()), m.time(), tzinfo=TIJDZONE)
            for m in planning.starts(dag)
        ]
        verstreken = [s for s in starts if s <= nu]
        if verstreken:
            aanleidingen.append(Aanleiding(persoon.id, verstreken[-1]))
    return aanleidingen


def _betreft(proces: Proces, persoon: Persoon | None, gebeurtenis: str | None) -> bool:
    """Whether the person is one the proces asks about: active and in its doelgroep, if it names one (a leaver
    is asked about by the eigenaar only)."""
    if persoon is None:
        return False
    if gebeurtenis in (levensloop.UITDIENST, levensloop.ROL_VERLOREN):
        return True
    doelgroep = proces.alle_stappen[0].doelgroep
    return persoon.actief and (doelgroep is None or doelgroep.omvat(persoon.rolset, persoon.kenmerken))


def _personen(session: Session, ids: set[int]) -> dict[int, Persoon]:
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Persoon).where(Persoon.id.in_(ids)))}


def _werkdag_na(catalogus: Catalogus, dag: date) -> datetime:
    """09:00 on the first working day after `dag`."""
    volgende = catalogus.werkdagen.eerstvolgende(dag + timedelta(days=1))
    return datetime.combine(volgende, STANDAARD_TIJD, TIJDZONE)
