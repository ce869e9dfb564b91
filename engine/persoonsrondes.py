"""Rondes for one person: what an event in their working life (engine.levensloop) or a date of their own calls
for, started by the daily watch, or at once for a melding.

A ronde for an event starts on the first working day after the event's date (a melding: when it is made); one
for a person's own date on that date moved by the planning, before the end of each term. A watch that missed
days catches up with what still leaves at least half the termijn (engine.rondes.op_tijd); what would leave less
waits for the coordinator (`Levenslopen.gemist`), who starts it with a full termijn or lets it pass; one whose
deadline passed stays listed for 30 days after it (HR told the engine of a joiner late, or the watch was down
longer than the termijn). A ronde is unique on proces, planned start and person, so starting twice changes
nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, true
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from engine import levensloop
from engine.agenda import stapplan
from engine.catalogus import Catalogus
from engine.rondes import Start, begin_stap, op_een_werkdag, op_tijd
from models.doelgroep import Doelgroep
from models.planning import STANDAARD_TIJD, GebeurtenisPlanning, PersoonsdatumPlanning
from models.proces import Proces
from models.tabellen import Gebeurtenis, Persoon, Ronde
from models.werkdagen import TIJDZONE

TERUGBLIK = timedelta(days=400)
"""How far back the watch looks for events whose ronde it has not started (as for calendar rondes)."""
NA_DE_DEADLINE = timedelta(days=30)
"""How long a missed ronde for one person stays listed for the coordinator after its deadline passed."""


@dataclass(frozen=True)
class Aanleiding:
    """A ronde that is due for one person: when it starts, and the event that called for it (if any)."""

    persoon_id: int
    start: datetime
    gebeurtenis_id: int | None = None


@dataclass
class _Lezing:
    """What a Levenslopen read, and the moment and state it read them at."""

    sleutel: tuple
    gebeurtenissen: dict[str, list[tuple[levensloop.Levensgebeurtenis, datetime]]] | None = None
    per_proces: dict[str, list[Aanleiding]] = field(default_factory=dict)
    betreft: dict[tuple[str, int], bool] = field(default_factory=dict)


_lezingen: WeakKeyDictionary[Engine, _Lezing] = WeakKeyDictionary()
"""Per database, the last reading: the wekker asks at the moment the watch just asked, and reads nothing again
while no event or person changed since (the rondes started since are read each time)."""


class Levenslopen:
    """What the rondes for one person start from at `nu`, read once for every per-person proces (a watch asks
    for each of them, and the wekker again): the events of the look-back window, the rondes already started
    for them, and the persons concerned, read only for what can still start in time."""

    def __init__(self, session: Session, catalogus: Catalogus, nu: datetime) -> None:
        self.session, self.catalogus, self.nu = session, catalogus, nu
        self.vandaag = nu.astimezone(TIJDZONE).date()
        self._gelezen: dict[int, Persoon] = {}
        sleutel = (catalogus, nu, *_stand(session, _soorten(catalogus)))
        engine = session.get_bind()
        if (lezing := _lezingen.get(engine)) is None or lezing.sleutel != sleutel:
            lezing = _lezingen[engine] = _Lezing(sleutel)
        self._lezing = lezing

    @property
    def gebeurtenissen(self) -> dict[str, list[tuple[levensloop.Levensgebeurtenis, datetime]]]:
        """The events of every kind a proces or the wekker asks about, by kind, oldest first; each with when a
        ronde for it starts."""
        if self._lezing.gebeurtenissen is None:
            soorten = _soorten(self.catalogus)
            per_soort: dict[str, list[tuple[levensloop.Levensgebeurtenis, datetime]]] = {s: [] for s in soorten}
            for gebeurtenis in levensloop.sinds(self.session, soorten, self.nu - TERUGBLIK):
                per_soort[gebeurtenis.soort].append((gebeurtenis, _werkdag_na(self.catalogus, gebeurtenis.datum)))
            self._lezing.gebeurtenissen = per_soort
        return self._lezing.gebeurtenissen

    @cached_property
    def _gestart(self) -> dict[str, set[tuple[int, date]]]:
        """Per proces, (person, start date) of every ronde for one person started in the look-back window."""
        gestart: dict[str, set[tuple[int, date]]] = defaultdict(set)
        for proces_id, persoon_id, startdatum in self.session.exec(
            select(Ronde.proces, Ronde.persoon_id, Ronde.startdatum).where(
                Ronde.persoon_id.is_not(None), Ronde.stapnummer == 0, Ronde.startdatum >= self.vandaag - TERUGBLIK
            )
        ):
            gestart[proces_id].add((persoon_id, startdatum))
        return gestart

    def te_starten(self, proces: Proces) -> list[Aanleiding]:
        """The aanleidingen due at `nu` whose ronde is not started yet and still leaves at least half its termijn:
        what the watch starts."""
        return [a for a in self._wachtend(proces) if op_tijd(self.catalogus, proces.id, a.start, self.nu)]

    def gemist(self, proces: Proces) -> list[Aanleiding]:
        """The aanleidingen due at `nu` whose ronde is not started yet and that the watch leaves to the
        coordinator: less than half the termijn left, or its deadline passed (less than `NA_DE_DEADLINE` ago)."""
        return [a for a in self._wachtend(proces) if not op_tijd(self.catalogus, proces.id, a.start, self.nu)]

    def _wachtend(self, proces: Proces) -> list[Aanleiding]:
        """The aanleidingen due at `nu` whose ronde is not started yet, once each."""
        gestart = set(self._gestart[proces.id])
        wachtend = [
            a for a in self._kandidaten(proces) if a.start <= self.nu and (a.persoon_id, a.start.date()) not in gestart
        ]
        due = []
        for aanleiding in self._betreffend(proces, wachtend):
            if (sleutel := (aanleiding.persoon_id, aanleiding.start.date())) not in gestart:
                gestart.add(sleutel)
                due.append(aanleiding)
        return due

    def volgende_start(self, proces: Proces) -> datetime | None:
        """When a watch after `nu` next has a ronde of `proces` to start, from the events and dates recorded now:
        right after `nu` when one is due and not started (a watch that could not start it), else the first start
        still to come; None when nothing recorded calls for one."""
        if self.te_starten(proces):
            return self.nu + timedelta(microseconds=1)
        komend = self._betreffend(proces, [a for a in self._kandidaten(proces) if a.start > self.nu])
        return min((a.start for a in komend), default=None)

    def _kandidaten(self, proces: Proces) -> list[Aanleiding]:
        """What calls for a ronde of `proces` and is still of concern (`_in_beeld`)."""
        gelezen = self._lezing.per_proces
        if proces.id not in gelezen:
            gelezen[proces.id] = self._lees(proces)
        return gelezen[proces.id]

    def _lees(self, proces: Proces) -> list[Aanleiding]:
        planning = proces.planning
        if isinstance(planning, PersoonsdatumPlanning):
            return self._op_eigen_datum(proces, planning)
        if planning.gebeurtenis == levensloop.MELDING:
            return []  # started when made (start_melding)
        return [
            Aanleiding(g.persoon_id, start, g.id)
            for g, start in self.gebeurtenissen[planning.gebeurtenis]
            if (planning.rol is None or g.rol == planning.rol) and self._in_beeld(proces, start)
        ]

    def _betreffend(self, proces: Proces, aanleidingen: list[Aanleiding]) -> list[Aanleiding]:
        """Those of `aanleidingen` for persons the proces asks about now: read only for these (a ronde started
        already needs no person)."""
        planning = proces.planning
        if isinstance(planning, PersoonsdatumPlanning):
            return aanleidingen  # read with their persons
        gezien = self._lezing.betreft
        if nieuw := {a.persoon_id for a in aanleidingen if (proces.id, a.persoon_id) not in gezien}:
            personen, doelgroep = self._personen(nieuw), _doelgroep(proces)
            for persoon_id in nieuw:
                gezien[proces.id, persoon_id] = _betreft(doelgroep, personen.get(persoon_id), planning.gebeurtenis)
        return [a for a in aanleidingen if gezien[proces.id, a.persoon_id]]

    def _op_eigen_datum(self, proces: Proces, planning: PersoonsdatumPlanning) -> list[Aanleiding]:
        """Per person with the date: the latest start at or before `nu` (earlier terms were asked before) and
        the first one after it."""
        kolom = {"in-dienst": Persoon.in_dienst, "uit-dienst": Persoon.uit_dienst}.get(planning.datum, Persoon.benoemd)
        doelgroep = _doelgroep(proces)
        aanleidingen = []
        # LIKE narrows to the role whose appointment date it is; Persoon.datum checks the role exactly
        rol = Persoon.rollen.like(f"%{planning.rol}%") if planning.rol else true()
        for persoon in self.session.exec(
            select(Persoon).where(Persoon.actief, kolom.is_not(None), rol).order_by(Persoon.id)
        ):
            dag = persoon.datum(planning.datum)
            if dag is None or not _betreft(doelgroep, persoon, None):
                continue
            starts = [
                datetime.combine(self.catalogus.werkdagen.eerstvolgende(m.date()), m.time(), tzinfo=TIJDZONE)
                for m in planning.starts(dag)
            ]
            verstreken = [s for s in starts if s <= self.nu]
            komend = [s for s in starts if s > self.nu]
            aanleidingen += [
                Aanleiding(persoon.id, s) for s in [*verstreken[-1:], *komend[:1]] if self._in_beeld(proces, s)
            ]
        return aanleidingen

    def _personen(self, ids: set[int]) -> dict[int, Persoon]:
        """The persons with these ids (and others read before): a joiner is read once for all processen."""
        if nieuw := ids - self._gelezen.keys():
            self._gelezen.update(_personen(self.session, nieuw))
        return self._gelezen

    def _in_beeld(self, proces: Proces, start: datetime) -> bool:
        """Whether a ronde starting at `start` is still of concern: its deadline has not passed, or passed less than
        `NA_DE_DEADLINE` ago (then only to list it as missed)."""
        return stapplan(self.catalogus, proces.id, 0, start).deadline >= self.vandaag - NA_DE_DEADLINE


def start_persoonsrondes(
    session: Session,
    *,
    catalogus: Catalogus,
    proces: Proces,
    nu: datetime,
    levenslopen: Levenslopen | None = None,
    alsnog: bool = False,
) -> list[Start]:
    """Start every ronde of `proces` that is due for a person at `nu`, not started yet, and leaves at least half
    its termijn; with `alsnog` (the coordinator asks for it) also those that do not (`Levenslopen.gemist`), now,
    each with a full termijn. `levenslopen` (read at `nu`) lets a watch read the events once for all its processen."""
    levenslopen = levenslopen or Levenslopen(session, catalogus, nu)
    te_doen = [(a, None) for a in levenslopen.te_starten(proces)]
    if alsnog:
        te_doen += [(a, op_een_werkdag(catalogus, nu, a.start)) for a in levenslopen.gemist(proces)]
    starts = [begin(session, catalogus=catalogus, proces=proces, aanleiding=a, nu=nu, vanaf=v) for a, v in te_doen]
    return [s for s in starts if s is not None]


def begin(
    session: Session,
    *,
    catalogus: Catalogus,
    proces: Proces,
    aanleiding: Aanleiding,
    nu: datetime,
    vanaf: datetime | None = None,
) -> Start | None:
    """Start the person's ronde, at its planned start or `vanaf` (a missed one started late with a full termijn;
    it keeps its planned start date as its key); None when another worker started it a moment ago."""
    try:
        with session.begin_nested():
            ronde = begin_stap(
                session,
                catalogus=catalogus,
                proces=proces,
                stapnummer=0,
                startdatum=aanleiding.start.date(),
                start=vanaf or aanleiding.start,
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
        if not _betreft(_doelgroep(proces), persoon, planning.gebeurtenis):
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


def _soorten(catalogus: Catalogus) -> frozenset[str]:
    """The kinds of event the per-person processen start from, and leaving (the wekker asks for the day)."""
    planningen = [p.planning for p in catalogus.processen if p.actief]
    return frozenset({levensloop.UITDIENST} | {p.gebeurtenis for p in planningen if isinstance(p, GebeurtenisPlanning)})


def _stand(session: Session, soorten: frozenset[str]) -> tuple:
    """What changes when an event of these kinds is recorded or loses its details, or a person changes."""
    gebeurtenissen = session.exec(
        select(func.count(), func.max(Gebeurtenis.id), func.sum(Gebeurtenis.id)).where(
            Gebeurtenis.soort.in_(soorten), Gebeurtenis.persoon_id.is_not(None), Gebeurtenis.details.is_not(None)
        )
    ).one()
    return (*gebeurtenissen, *session.exec(select(func.count(), func.max(Persoon.bijgewerkt))).one())


def _doelgroep(proces: Proces) -> Doelgroep | None:
    return proces.alle_stappen[0].doelgroep


def _betreft(doelgroep: Doelgroep | None, persoon: Persoon | None, gebeurtenis: str | None) -> bool:
    """Whether the person is one the proces asks about: active and in its doelgroep, if it names one (a leaver
    is asked about by the eigenaar only)."""
    if persoon is None:
        return False
    if gebeurtenis in (levensloop.UITDIENST, levensloop.ROL_VERLOREN):
        return True
    return persoon.actief and (doelgroep is None or doelgroep.omvat(persoon.rolset, persoon.kenmerken))


def _personen(session: Session, ids: set[int]) -> dict[int, Persoon]:
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Persoon).where(Persoon.id.in_(ids)))}


@lru_cache(maxsize=4096)
def _werkdag_na(catalogus: Catalogus, dag: date) -> datetime:
    """09:00 on the first working day after `dag`."""
    volgende = catalogus.werkdagen.eerstvolgende(dag + timedelta(days=1))
    return datetime.combine(volgende, STANDAARD_TIJD, TIJDZONE)
