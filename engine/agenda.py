"""What comes due when: every ronde start in a window, with its deadline, reminders and escalation.

Planned moments come from the spec's planning; a start, reminder or deadline that falls on a weekend or a
Dutch public holiday moves to the next working day, keeping its wall-clock time in Amsterdam. Every window
is kept inside the years EERSTE_JAAR-LAATSTE_JAAR and every duration is at most five years (models.duur), so
no date computed here reaches the end of the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from engine.catalogus import Catalogus
from models.planning import EERSTE_JAAR, LAATSTE_JAAR
from models.proces import Proces, Stap
from models.werkdagen import TIJDZONE, Werkdagen

_UITLOOP = timedelta(days=3 * 366)
"""How far before a window to look for rondes whose later stappen start inside it."""
EERSTE_DAG, LAATSTE_DAG = date(EERSTE_JAAR, 1, 1), date(LAATSTE_JAAR, 12, 31)
"""The widest agenda there is; a window beyond it is cut off."""


@dataclass(frozen=True)
class Rondeplan:
    """One planned stap of one ronde."""

    proces: Proces
    stap: Stap
    start: datetime
    deadline: date
    herinneringen: tuple[date, ...]
    escalatie: date | None

    @property
    def stap_id(self) -> str | None:
        return self.stap.id

    @property
    def titel(self) -> str:
        return f"{self.proces.titel} ({self.stap.titel or self.stap.id})" if self.stap.id else self.proces.titel


def plan_stap(proces: Proces, stap: Stap, start: datetime, werkdagen: Werkdagen) -> Rondeplan:
    """Deadline, reminders and escalation of `stap` when it starts at `start` (a working day)."""
    begin = start.date()
    deadline = werkdagen.eerstvolgende(stap.termijn.na(begin, werkdagen))
    herinneringen = sorted({werkdagen.eerstvolgende(h.na(begin, werkdagen)) for h in stap.herinneringen})
    escalatie = None
    if stap.escalatie:
        escalatie = min(deadline, werkdagen.eerstvolgende(stap.escalatie.na.na(begin, werkdagen)))
    return Rondeplan(proces, stap, start, deadline, tuple(h for h in herinneringen if h < deadline), escalatie)


@lru_cache(maxsize=8192)
def stapplan(catalogus: Catalogus, proces_id: str, stapnummer: int, start: datetime) -> Rondeplan:
    """`plan_stap` by ids, cached: the daily watch asks for the same plans every day."""
    proces = catalogus.proces(proces_id)
    return plan_stap(proces, proces.alle_stappen[stapnummer], start, catalogus.werkdagen)


def plan_ronde(proces: Proces, start: datetime, werkdagen: Werkdagen) -> list[Rondeplan]:
    """Every stap of a ronde, each starting the working day after the previous one's deadline at the latest."""
    plannen = []
    for stap in proces.alle_stappen:
        plan = plan_stap(proces, stap, start, werkdagen)
        plannen.append(plan)
        volgende = werkdagen.eerstvolgende(plan.deadline + timedelta(days=1))
        start = datetime.combine(volgende, start.timetz())
    return plannen


def rondestarts(proces: Proces, catalogus: Catalogus, van: datetime, tot: datetime) -> list[datetime]:
    """Ronde starts (aware, Amsterdam, on working days) whose planned moment lies in [van, tot)."""
    momenten = proces.planning.momenten(_lokaal(van), _lokaal(tot), catalogus.kalender.ankers)
    starts = []
    for moment in momenten:
        dag = catalogus.werkdagen.eerstvolgende(moment.date())
        starts.append(datetime.combine(dag, moment.time(), tzinfo=TIJDZONE))
    return starts


def agenda(catalogus: Catalogus, van: date, tot: date) -> list[Rondeplan]:
    """Every stap start of every active proces on a date in [van, tot] (within EERSTE_DAG-LAATSTE_DAG), by
    start then proces."""
    van, tot = max(van, EERSTE_DAG), min(tot, LAATSTE_DAG)
    if tot < van:
        return []
    begin = datetime.combine(van, datetime.min.time(), tzinfo=TIJDZONE)
    einde = datetime.combine(tot + timedelta(days=1), datetime.min.time(), tzinfo=TIJDZONE)
    plannen = [
        plan
        for proces in catalogus.processen
        if proces.actief
        for start in rondestarts(proces, catalogus, begin - _UITLOOP, einde)
        for plan in plan_ronde(proces, start, catalogus.werkdagen)
        if van <= plan.start.date() <= tot
    ]
    return sorted(plannen, key=lambda p: (p.start, p.proces.id))


def per_persoon(catalogus: Catalogus) -> list[Proces]:
    """The active processen that start with a person (an event, a date of theirs): they have no dates in the
    agenda, so it lists them apart, by when they start (`planning.beschrijving()`)."""
    return sorted(
        (p for p in catalogus.processen if p.actief and p.per_persoon), key=lambda p: (p.planning.beschrijving(), p.id)
    )


def _lokaal(moment: datetime) -> datetime:
    """Naive Amsterdam wall-clock time, as planning rules think."""
    return moment.astimezone(TIJDZONE).replace(tzinfo=None)
