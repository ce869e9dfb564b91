"""When the daily watch next has work: the one place that knows every kind of moment the watch acts on.

The watch (engine.bewaking) acts on a planned start, a reminder, an escalation, a deadline that passed, a
doelgroep whose persons changed, a ronde for one person and a person's leaving day. `volgende_werk` gives the
first moment after a watch at which the next watch would do any of these, from what is stored and planned;
whatever new kind of work the watch learns must be added here too. The simulator jumps from one such moment to
the next and runs the real watch there, so a moment missing here is work the simulation would skip
(tests/engine/test_simulator.py compares it with a simulation that watches every day).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, func, select

from engine import levensloop, persoonsrondes, rondes
from engine.agenda import stapplan
from engine.catalogus import Catalogus
from engine.personen import laatste_wijziging
from models.statussen import RondeStatus
from models.tabellen import Persoon, Ronde
from models.werkdagen import TIJDZONE

_DIRECT = timedelta(microseconds=1)


def volgende_werk(session: Session, catalogus: Catalogus, na: datetime) -> datetime | None:
    """The first moment after `na` at which the watch has work, assuming a watch ran at `na`; None when
    nothing is planned ever again. Work the watch could not do at `na` (a weekend, a proces that failed)
    counts as due right after it."""
    momenten = [*_starts(session, catalogus, na), *_rondewerk(session, catalogus, na), *_levens(session, catalogus, na)]
    return min(momenten, default=None)


def _levens(session: Session, catalogus: Catalogus, na: datetime) -> Iterator[datetime]:
    """Rondes for one person (engine.persoonsrondes): each per-person proces's next start from the events and
    dates recorded; and leavers: a leaver's day, from the person (right after `na` for one still active after
    their day: a watch that did not run) or the event of their leaving. (Retention is left out: it changes no
    ronde, and the next pass catches up.)"""
    levenslopen = persoonsrondes.Levenslopen(session, catalogus, na)
    for proces in catalogus.processen:
        if proces.actief and proces.per_persoon:
            volgende = levenslopen.volgende_start(proces)
            if volgende is not None:
                yield _werkmoment(catalogus, volgende)
    morgen = _dag(na) + timedelta(days=1)
    uit_dienst = session.exec(select(func.min(Persoon.uit_dienst)).where(Persoon.actief)).one()
    if uit_dienst is not None:
        yield max(_middernacht(uit_dienst), na + _DIRECT)
    for vertrek, _ in levenslopen.gebeurtenissen[levensloop.UITDIENST]:
        if vertrek.datum >= morgen:
            yield _middernacht(vertrek.datum)


def _starts(session: Session, catalogus: Catalogus, na: datetime) -> Iterator[datetime]:
    eerst = _werkmoment(catalogus, na + _DIRECT)
    gestart = rondes.gestarte_periodes(session, eerst)
    for proces in filter(lambda p: p.actief, catalogus.processen):
        if rondes.nog_te_starten(catalogus, proces, eerst, gestart) is not None:
            yield eerst
        if (volgende := rondes.volgende_start(catalogus, proces, na)) is not None:
            yield volgende


def _rondewerk(session: Session, catalogus: Catalogus, na: datetime) -> Iterator[datetime]:
    """Per lopende ronde: its closing the day after its deadline (on a working day while it still owes its
    escalation); on working days from its start on, its next reminder, its escalation and a doelgroep to bring
    up to date."""
    bekend = {p.id for p in catalogus.processen}
    gewijzigd = laatste_wijziging(session)
    for ronde in session.exec(select(Ronde).where(Ronde.status == RondeStatus.LOPEND)):
        if ronde.proces not in bekend:
            continue
        vroegst = max(na + _DIRECT, ronde.start)
        plan = stapplan(catalogus, ronde.proces, ronde.stapnummer, ronde.start)
        sluiten = _middernacht(ronde.deadline + timedelta(days=1))
        escalatie_open = rondes.wacht_op_escalatie(ronde, plan)
        yield _werkmoment(catalogus, max(vroegst, sluiten)) if escalatie_open else sluiten
        if gewijzigd is not None and (ronde.personen_gezien is None or gewijzigd > ronde.personen_gezien):
            yield _werkmoment(catalogus, vroegst)
        if ronde.herinnering_nr < len(plan.herinneringen):
            yield _werkmoment(catalogus, max(vroegst, _middernacht(plan.herinneringen[ronde.herinnering_nr])))
        if escalatie_open:
            yield _werkmoment(catalogus, max(vroegst, _middernacht(plan.escalatie)))


def _werkmoment(catalogus: Catalogus, moment: datetime) -> datetime:
    """`moment` on a working day; otherwise the start of the next working day."""
    dag = _dag(moment)
    if catalogus.werkdagen.is_werkdag(dag):
        return moment
    return _middernacht(catalogus.werkdagen.eerstvolgende(dag))


def _middernacht(dag: date) -> datetime:
    return datetime.combine(dag, time(0), tzinfo=TIJDZONE)


def _dag(moment: datetime) -> date:
    return moment.astimezone(TIJDZONE).date()
