"""The life of a ronde: start (idempotent), its doelgroep kept current, completion, closing, the next stap.

A ronde (one stap of one occurrence of a proces) moves lopend -> voltooid, or verlopen at its deadline with
who is missing. A verzoek moves open -> herinnerd -> beantwoord, or on to geescaleerd and verlopen; a person
who leaves the doelgroep makes it vervallen, and one who returns reopens it. The states and their allowed
transitions are in `models.statussen`; every change here goes through its `zet_status`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from engine import personen
from engine.agenda import Rondeplan, plan_stap, rondestarts, stapplan
from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer
from engine.uitgaand import zet_sluitbericht_klaar, zet_verzoeken_klaar
from models import statussen
from models.proces import Proces, Stap
from models.statussen import RondeStatus, VerzoekStatus, voorgangers, zet_status
from models.tabellen import Antwoord, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE

OPEN = statussen.OPEN
_TERUGBLIK = timedelta(days=400)


@dataclass(frozen=True)
class Start:
    ronde: Ronde
    nieuw: bool


@dataclass(frozen=True)
class Gemist:
    """A dated ronde that was due but that the watch did not start: it came so late (the engine was down, its
    database new) that its recipients would have had less than half their termijn, or none. The coordinator starts
    it with a full termijn (`alsnog`) or lets it pass; the proces's next planned start takes its place. (For one
    person: `engine.persoonsrondes.Levenslopen.gemist`.)"""

    proces: str
    gepland: datetime
    deadline: date
    """The deadline it would have had, started on its day."""

    @classmethod
    def van(cls, catalogus: Catalogus, proces: Proces, gepland: datetime) -> Gemist:
        return cls(proces.id, gepland, stapplan(catalogus, proces.id, 0, gepland).deadline)


def laatste_start(catalogus: Catalogus, proces: Proces, nu: datetime) -> datetime | None:
    """The latest planned start at or before `nu` in the look-back window: the period that is current at `nu`."""
    jaren = range((nu - _TERUGBLIK).year, nu.year + 1)
    starts = [s for jaar in jaren for s in _starts_in_jaar(catalogus, proces.id, jaar) if nu - _TERUGBLIK <= s <= nu]
    return starts[-1] if starts else None


def op_tijd(catalogus: Catalogus, proces_id: str, gepland: datetime, nu: datetime) -> bool:
    """Whether a ronde planned at `gepland` and started at `nu` leaves its recipients at least half the termijn of
    its first stap. One started on its day has all of it; one started later, because the engine was down or its
    database new, may not: the watch leaves that one to the coordinator (`Gemist`)."""
    deadline = stapplan(catalogus, proces_id, 0, gepland).deadline
    return 2 * (deadline - _dag(nu)).days >= (deadline - _dag(gepland)).days


@lru_cache(maxsize=4096)
def _starts_in_jaar(catalogus: Catalogus, proces_id: str, jaar: int) -> tuple[datetime, ...]:
    """Planned starts in one calendar year; cached, as the daily watch asks every day."""
    begin = datetime(jaar, 1, 1, tzinfo=TIJDZONE)
    return tuple(rondestarts(catalogus.proces(proces_id), catalogus, begin, begin.replace(year=jaar + 1)))


def volgende_start(catalogus: Catalogus, proces: Proces, na: datetime) -> datetime | None:
    """The first planned start after `na`; None when the plan never starts again."""
    jaar = na.year - 1  # a start of last year's plan may have moved past new year
    while jaar is not None:
        if later := [s for s in _starts_in_jaar(catalogus, proces.id, jaar) if s > na]:
            return later[0]
        jaar = _jaar_met_starts(catalogus, proces.id, jaar + 1)
    return None


@lru_cache(maxsize=4096)
def _jaar_met_starts(catalogus: Catalogus, proces_id: str, vanaf: int) -> int | None:
    """The first year from `vanaf` in which the plan has a moment: skips the empty years of a sparse plan."""
    moment = catalogus.proces(proces_id).planning.volgende(datetime(vanaf, 1, 1), catalogus.kalender.ankers)
    return moment.year if moment else None


def gestarte_periodes(session: Session, nu: datetime) -> set[tuple[str, date]]:
    """(proces, startdatum) of every ronde started in the look-back window: one query for the whole watch."""
    return set(
        session.exec(
            select(Ronde.proces, Ronde.startdatum).where(
                Ronde.stapnummer == 0, Ronde.startdatum >= _dag(nu - _TERUGBLIK)
            )
        ).all()
    )


def nog_te_starten(catalogus: Catalogus, proces: Proces, nu: datetime, gestart: set) -> datetime | None:
    """The current period's start (`laatste_start`) when it is not among `gestart` (from `gestarte_periodes`) and
    still leaves at least half the termijn: what the watch starts."""
    start = laatste_start(catalogus, proces, nu)
    if start is None or (proces.id, _dag(start)) in gestart or not op_tijd(catalogus, proces.id, start, nu):
        return None
    return start


def gemist(catalogus: Catalogus, proces: Proces, nu: datetime, gestart: set) -> Gemist | None:
    """The current period's ronde when it is not among `gestart` and the watch leaves it to the coordinator:
    less than half its termijn left, or its deadline passed."""
    start = laatste_start(catalogus, proces, nu)
    if start is None or (proces.id, _dag(start)) in gestart or op_tijd(catalogus, proces.id, start, nu):
        return None
    return Gemist.van(catalogus, proces, start)


def start_ronde(
    *,
    session: Session,
    catalogus: Catalogus,
    proces: Proces,
    nu: datetime,
    gestart: set | None = None,
    alsnog: bool = False,
) -> Start | Gemist | None:
    """Start the ronde of the current period (`laatste_start`); a second start finds the first and changes nothing.
    None: nothing planned in the look-back window. A ronde that would leave less than half its termijn is not
    started but returned as `Gemist`, unless `alsnog` (the coordinator asks for it): then it starts now with a
    full termijn, its deadline counted from now.

    `gestart` (from `gestarte_periodes`) lets the daily watch skip a lookup per proces."""
    start = laatste_start(catalogus, proces, nu) if gestart is None else nog_te_starten(catalogus, proces, nu, gestart)
    if start is None:
        return None
    eerste = proces.alle_stappen[0].id or ""
    bestaand = _ronde(session, proces.id, eerste, start)
    if bestaand is not None:
        return Start(bestaand, nieuw=False)
    begin = start
    if not op_tijd(catalogus, proces.id, start, nu):
        if not alsnog:
            return Gemist.van(catalogus, proces, start)
        begin = op_een_werkdag(catalogus, nu, start)
    try:
        with session.begin_nested():
            ronde = begin_stap(
                session, catalogus=catalogus, proces=proces, stapnummer=0, startdatum=_dag(start), start=begin, nu=nu
            )
    except IntegrityError:  # another worker started it a moment ago
        return Start(_ronde(session, proces.id, eerste, start), nieuw=False)
    return Start(ronde, nieuw=True)


def begin_stap(
    session: Session,
    *,
    catalogus: Catalogus,
    proces: Proces,
    stapnummer: int,
    startdatum: date,
    start: datetime,
    nu: datetime,
    vorige_ontbrekend: list[str] | None = None,
    persoon_id: int | None = None,
    gebeurtenis_id: int | None = None,
) -> Ronde:
    """Start stap `stapnummer`: its ronde, its verzoeken and their messages. A ronde for one person
    (`persoon_id`, started by `gebeurtenis_id` or a date of theirs) asks only them, or its eigenaar."""
    stap = proces.alle_stappen[stapnummer]
    plan = plan_stap(proces, stap, start, catalogus.werkdagen)
    ronde = Ronde(
        proces=proces.id,
        stap=stap.id or "",
        stapnummer=stapnummer,
        startdatum=startdatum,
        start=start,
        deadline=plan.deadline,
        herinnering_nr=sum(h <= _dag(nu) for h in plan.herinneringen),
        persoon_id=persoon_id,
        gebeurtenis_id=gebeurtenis_id,
    )
    session.add(ronde)
    session.flush()
    registreer(
        session, soort="ronde-gestart", nu=nu, ronde=ronde, deadline=ronde.deadline, vorige_ontbrekend=vorige_ontbrekend
    )
    extra = {"vorige_stap_ontbrekend": vorige_ontbrekend or []}
    nieuwe_verzoeken(
        session,
        catalogus=catalogus,
        ronde=ronde,
        nu=nu,
        extra=extra,
        ontvangers=ontvangers(session, proces, stap, ronde),
    )
    ronde.personen_gezien = personen.laatste_wijziging(session)
    return ronde


def nieuwe_verzoeken(
    session: Session,
    *,
    catalogus: Catalogus,
    ronde: Ronde,
    ontvangers: list[Persoon],
    nu: datetime,
    extra: dict | None = None,
) -> None:
    """A verzoek with its message for each of `ontvangers`, in a few statements however many there are."""
    if not ontvangers:
        return
    rijen = [
        {
            "ronde_id": ronde.id,
            "persoon_id": p.id,
            "token": secrets.token_hex(16),  # hex: survives mail servers that lower-case addresses
            "status": VerzoekStatus.OPEN,
            "aangemaakt": nu,
            "laatste_contact": nu,
            "herinneringen": 0,
        }
        for p in ontvangers
    ]
    tabel = Verzoek.__table__
    ids = session.execute(insert(tabel).returning(tabel.c.id, sort_by_parameter_order=True), rijen).scalars()
    adressering = [(i, r["token"], p) for i, r, p in zip(ids, rijen, ontvangers, strict=True)]
    zet_verzoeken_klaar(session, catalogus=catalogus, ronde=ronde, nu=nu, extra=extra, adressering=adressering)


def synchroniseer_doelgroep(
    session: Session,
    *,
    catalogus: Catalogus,
    ronde: Ronde,
    nu: datetime,
    gewijzigd: datetime | None,
    vragen: bool = True,
) -> bool:
    """Give a verzoek to whoever joined the doelgroep, void the open verzoek of whoever left; True when
    someone left. Costs nothing while no person changed (`gewijzigd`) since the ronde last looked.
    `vragen=False` (after the deadline) only voids: nobody who joined or returned is asked any more."""
    if ronde.personen_gezien is not None and gewijzigd is not None and gewijzigd <= ronde.personen_gezien:
        return False
    vertrokken = False
    proces, stap = spec(catalogus, ronde)
    huidig = {p.id: p for p in ontvangers(session, proces, stap, ronde)}
    bestaand = {v.persoon_id: v for v in session.exec(select(Verzoek).where(Verzoek.ronde_id == ronde.id))}
    for persoon_id, verzoek in bestaand.items():
        if persoon_id not in huidig and verzoek.status in OPEN:
            zet_status(verzoek, VerzoekStatus.VERVALLEN)
            vertrokken = True
            registreer(session, soort="verzoek-vervallen", nu=nu, ronde=ronde, verzoek=verzoek)
        elif vragen and persoon_id in huidig and verzoek.status == VerzoekStatus.VERVALLEN:
            zet_status(verzoek, VerzoekStatus.OPEN)
            registreer(session, soort="verzoek-heropend", nu=nu, ronde=ronde, verzoek=verzoek)
    if vragen:
        nieuw = [p for persoon_id, p in huidig.items() if persoon_id not in bestaand]
        nieuwe_verzoeken(session, catalogus=catalogus, ronde=ronde, nu=nu, ontvangers=nieuw)
    ronde.personen_gezien = gewijzigd
    return vertrokken


def ontvangers(session: Session, proces: Proces, stap: Stap, ronde: Ronde) -> list[Persoon]:
    """Who is asked in this ronde now: the doelgroep. A ronde for one person asks that person while they are in
    the doelgroep, and a confirmation of it goes to the eigenaar (the doelgroep says whom it is about)."""
    if ronde.persoon_id is None or stap.voltooiing == "bevestiging":
        return personen.leden(session, proces.aangeschreven(stap))
    persoon = session.get(Persoon, ronde.persoon_id)
    doelgroep = stap.doelgroep or proces.ontvangers(stap)
    return [persoon] if persoon and persoon.actief and doelgroep.omvat(persoon.rolset, persoon.kenmerken) else []


def is_compleet(session: Session, *, catalogus: Catalogus, ronde: Ronde) -> bool:
    """alle-antwoorden: nobody is still open; bevestiging: someone confirmed (on their verzoek, or the ronde
    itself)."""
    stap = spec(catalogus, ronde)[1]
    if stap.voltooiing == "bevestiging":
        return _telt(session, ronde, (VerzoekStatus.BEANTWOORD,)) > 0 or _op_de_ronde_bevestigd(session, stap, ronde)
    return _telt(session, ronde, OPEN) == 0


def _op_de_ronde_bevestigd(session: Session, stap: Stap, ronde: Ronde) -> bool:
    """A confirmation of the ronde itself (a role's, or an eigenaar's not asked in it) that counts: in time, and
    dated within the months the stap asks."""
    datums = session.exec(
        select(Antwoord.datum).where(
            Antwoord.ronde_id == ronde.id,
            Antwoord.verzoek_id.is_(None),
            Antwoord.te_laat.is_(False),
            Antwoord.datum.is_not(None),
        )
    )
    return any(not stap.buiten_periode(datum, ronde.startdatum) for datum in datums)


def worden_compleet(
    session: Session, *, catalogus: Catalogus, beantwoord: list[Verzoek], rondes: dict[int, Ronde]
) -> list[Ronde]:
    """The rondes that answering `beantwoord` (open verzoeken, not yet marked) completes."""
    per_ronde: dict[int, int] = {}
    for verzoek in beantwoord:
        per_ronde[verzoek.ronde_id] = per_ronde.get(verzoek.ronde_id, 0) + 1
    if not per_ronde:
        return []
    open_nu = dict(
        session.exec(
            select(Verzoek.ronde_id, func.count())
            .where(Verzoek.ronde_id.in_(per_ronde), Verzoek.status.in_(OPEN))
            .group_by(Verzoek.ronde_id)
        ).all()
    )
    return [
        rondes[ronde_id]
        for ronde_id, aantal in per_ronde.items()
        if spec(catalogus, rondes[ronde_id])[1].voltooiing == "bevestiging" or open_nu.get(ronde_id, 0) == aantal
    ]


def _telt(session: Session, ronde: Ronde, in_status: tuple[VerzoekStatus, ...]) -> int:
    return session.exec(
        select(func.count()).select_from(Verzoek).where(Verzoek.ronde_id == ronde.id, Verzoek.status.in_(in_status))
    ).one()


def sluit(session: Session, *, catalogus: Catalogus, ronde: Ronde, nu: datetime) -> None:
    """Close the ronde (voltooid, or verlopen with who is missing), tell its eigenaar who did not answer and what
    to do next (when someone is missing or a register is to be published), and start the next stap, if any."""
    compleet = is_compleet(session, catalogus=catalogus, ronde=ronde)
    ontbrekend = [] if compleet else ontbrekende_personen(session, ronde)
    totaal = _telt(session, ronde, tuple(s for s in VerzoekStatus if s != VerzoekStatus.VERVALLEN))
    # Set-based: closing costs one statement however many verzoeken are still open.
    nieuw = VerzoekStatus.VERVALLEN if compleet else VerzoekStatus.VERLOPEN
    session.execute(
        update(Verzoek)
        .where(Verzoek.ronde_id == ronde.id, Verzoek.status.in_([s for s in OPEN if s in voorgangers(nieuw)]))
        .values(status=nieuw)
    )
    zet_status(ronde, RondeStatus.VOLTOOID if compleet else RondeStatus.VERLOPEN)
    ronde.gesloten = nu
    namen = [p.naam for p in ontbrekend]
    registreer(session, soort="ronde-gesloten", nu=nu, ronde=ronde, status=ronde.status, ontbrekend=namen)
    proces, stap = spec(catalogus, ronde)
    if ontbrekend or stap.register_naam:
        zet_sluitbericht_klaar(session, catalogus=catalogus, ronde=ronde, nu=nu, ontbrekend=ontbrekend, totaal=totaal)
    if ronde.stapnummer + 1 < len(proces.alle_stappen):
        begin_stap(
            session,
            catalogus=catalogus,
            proces=proces,
            stapnummer=ronde.stapnummer + 1,
            startdatum=ronde.startdatum,
            start=op_een_werkdag(catalogus, nu, ronde.start),
            nu=nu,
            vorige_ontbrekend=namen,
            persoon_id=ronde.persoon_id,
            gebeurtenis_id=ronde.gebeurtenis_id,
        )


def wacht_op_escalatie(ronde: Ronde, plan: Rondeplan) -> bool:
    """Whether the ronde still owes the escalation its spec asks for: it does not close before it had it."""
    return not ronde.geescaleerd and plan.escalatie is not None


def ontbrekende_personen(session: Session, ronde: Ronde) -> list[Persoon]:
    """Who has not answered the ronde yet, by name."""
    return list(
        session.exec(
            select(Persoon)
            .join(Verzoek, Verzoek.persoon_id == Persoon.id)
            .where(Verzoek.ronde_id == ronde.id, Verzoek.status.in_(OPEN))
            .order_by(Persoon.naam, Persoon.id)
        )
    )


def spec(catalogus: Catalogus, ronde: Ronde) -> tuple[Proces, Stap]:
    proces = catalogus.proces(ronde.proces)
    return proces, proces.alle_stappen[ronde.stapnummer]


def op_een_werkdag(catalogus: Catalogus, nu: datetime, tijdstip: datetime) -> datetime:
    """Now on a working day; otherwise the next working day at the time of day of `tijdstip`."""
    lokaal = nu.astimezone(TIJDZONE)
    if catalogus.werkdagen.is_werkdag(lokaal.date()):
        return nu
    dag = catalogus.werkdagen.eerstvolgende(lokaal.date())
    return datetime.combine(dag, tijdstip.astimezone(TIJDZONE).timetz())


def _ronde(session: Session, proces: str, stap: str, start: datetime) -> Ronde | None:
    """The calendar ronde of this stap and period; the query matches the unique index, so it uses it."""
    return session.exec(
        select(Ronde).where(
            Ronde.proces == proces, Ronde.stap == stap, Ronde.startdatum == _dag(start), Ronde.persoon_id.is_(None)
        )
    ).first()


def _dag(moment: datetime) -> date:
    return moment.astimezone(TIJDZONE).date()
