"""What the coordinator sees per ronde and overall: rows, progress, and `openstaand`, the typed overview of
what runs and what needs them (the Prefect artifact and the web page `/overzicht` render it).

Names and statuses only: no email addresses, no register contents (the artifacts are visible to every user
of the Prefect UI). Whatever people typed (names) is escaped for Markdown and HTML by `veilig`, so a name
cannot become a link, an image or markup in the coordinator's view.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, func, select

from engine import persoonsrondes, rondes
from engine.agenda import stapplan
from engine.bewaking import FOUT
from engine.catalogus import Catalogus
from engine.personen import leden
from engine.status import betreft, bevestigingen, functie
from engine.uitgaand import COORDINATOR
from models.doelgroep import Doelgroep
from models.statussen import OPEN, Map, Regelstatus, RondeStatus, VerzoekStatus
from models.tabellen import Gebeurtenis, Inkomend, Persoon, Registerregel, Ronde, Vergrendeling, Verzoek
from models.werkdagen import TIJDZONE
from notifications.opmaak import lange_datum

_STATUS = {status: str(status) for status in VerzoekStatus} | {VerzoekStatus.GEESCALEERD: "geëscaleerd"}
"""A verzoek's status as the coordinator reads it."""


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~:])")


def veilig(tekst: str) -> str:
    """`tekst` as literal text in Markdown that may contain HTML: markup characters escaped."""
    return _MARKDOWN.sub(r"\\\1", html.escape(tekst, quote=False))


def ronde_tabel(session: Session, ronde: Ronde) -> list[dict[str, str | int]]:
    rijen = session.exec(
        select(Verzoek, Persoon)
        .join(Persoon, Persoon.id == Verzoek.persoon_id)
        .where(Verzoek.ronde_id == ronde.id)
        .order_by(Persoon.naam)
    ).all()
    return [
        {
            "persoon": veilig(p.naam),
            "rol": veilig(", ".join(sorted(p.rolset))),
            "status": _STATUS.get(v.status, v.status),
            "laatste contact": v.laatste_contact.astimezone(TIJDZONE).strftime("%Y-%m-%d") if v.laatste_contact else "",
            "herinneringen": v.herinneringen,
        }
        for v, p in rijen
    ]


def voortgang(session: Session, ronde: Ronde) -> tuple[int, int]:
    """(answered, total) of the ronde's verzoeken that still count (not vervallen)."""
    telling = dict(
        session.exec(
            select(Verzoek.status, func.count()).where(Verzoek.ronde_id == ronde.id).group_by(Verzoek.status)
        ).all()
    )
    totaal = sum(telling.values()) - telling.get(VerzoekStatus.VERVALLEN, 0)
    return telling.get(VerzoekStatus.BEANTWOORD, 0), totaal


TERUGBLIK = timedelta(days=30)
"""How long a ronde that closed with people who never answered stays in the overview."""


@dataclass(frozen=True)
class Termijn:
    """A deadline as the coordinator reads it on `vandaag`."""

    deadline: date
    vandaag: date

    @property
    def dagen(self) -> int:
        """Days left (negative: days late)."""
        return (self.deadline - self.vandaag).days

    @property
    def te_laat(self) -> bool:
        return self.dagen < 0

    @property
    def datum(self) -> str:
        """`vrijdag 26 maart 2027`."""
        return lange_datum(self.deadline)

    @property
    def stand(self) -> str:
        """`nog 3 dagen`, `vandaag`, `2 dagen te laat`."""
        dagen = abs(self.dagen)
        hoeveel = f"{dagen} {'dag' if dagen == 1 else 'dagen'}"
        return "vandaag" if self.dagen == 0 else f"{hoeveel} te laat" if self.te_laat else f"nog {hoeveel}"

    def __str__(self) -> str:
        """`vrijdag 26 maart 2027, nog 3 dagen`."""
        return f"{self.datum}, {self.stand}"


@dataclass(frozen=True)
class Rondeverwijzing:
    """What a shell needs to point at a ronde: its id, and what its artifacts are keyed on."""

    id: int
    proces: str
    stap: str
    startdatum: date
    persoon_id: int | None

    @classmethod
    def van(cls, ronde: Ronde) -> Rondeverwijzing:
        return cls(ronde.id, ronde.proces, ronde.stap, ronde.startdatum, ronde.persoon_id)


@dataclass(frozen=True)
class Lopend:
    """A lopende ronde: its proces by title, whom it is about (a ronde for one person: their function), its stap,
    its deadline, how far it is, whether it escalated, and who was confirmed on which date."""

    ronde: Rondeverwijzing
    titel: str
    betreft: str | None
    stap: str | None
    termijn: Termijn
    beantwoord: int
    verzoeken: int
    geescaleerd: bool
    bevestigd: list[dict]


@dataclass(frozen=True)
class Bevestiging:
    """A stap that waits for a confirmation (date and reference), and who gives it: the role, and its holders."""

    ronde: Rondeverwijzing
    titel: str
    betreft: str | None
    stap: str | None
    termijn: Termijn
    rol: str
    wie: list[str]


@dataclass(frozen=True)
class Onbeantwoord:
    """A ronde that closed in the last 30 days with people who never answered."""

    ronde: Rondeverwijzing
    titel: str
    betreft: str | None
    stap: str | None
    gesloten: date
    ontbrekend: int
    verzoeken: int


@dataclass(frozen=True)
class Inhaalronde:
    """A ronde whose planned start passed without it (the engine was down, or its database new): the watch starts
    it late when at least half its termijn is left; otherwise it is missed (engine.rondes.Gemist), and the
    coordinator starts it with a full termijn or lets it pass."""

    proces: str
    titel: str
    betreft: str | None
    gepland: date
    termijn: Termijn
    """The deadline it has when started late (as planned), or would have had."""
    dagen: int
    """Its full termijn in days."""


@dataclass(frozen=True)
class Voorstellen:
    """Register proposals that wait for one eigenaar role, and who holds that role."""

    rol: str
    wie: list[str]
    aantal: int


@dataclass(frozen=True)
class Openstaand:
    """What runs and what needs the coordinator at `moment`. Lopende rondes late ones first, then by deadline."""

    moment: datetime
    lopend: list[Lopend]
    bevestigingen: list[Bevestiging]
    onbeantwoord: list[Onbeantwoord]
    gemist: list[Inhaalronde]
    """Missed rondes the watch leaves to the coordinator."""
    voorstellen: list[Voorstellen]
    beoordelen: int
    """Replies held for the coordinator (map Beoordelen)."""
    onbestelbaar: list[str]
    fouten: list[tuple[str, str]]


def openstaand(session: Session, *, catalogus: Catalogus, nu: datetime) -> Openstaand:
    """The coordinator's overview at `nu`. Its cost follows what is open, not what was ever stored."""
    vandaag = nu.astimezone(TIJDZONE).date()
    lopend = list(session.exec(select(Ronde).where(Ronde.status == RondeStatus.LOPEND).order_by(Ronde.id)))
    gesloten = list(
        session.exec(
            select(Ronde)
            .where(Ronde.status == RondeStatus.VERLOPEN, Ronde.gesloten >= nu - TERUGBLIK)
            .order_by(Ronde.gesloten.desc(), Ronde.id)
        )
    )
    telling = _per_status(session, [r.id for r in lopend + gesloten])
    functies = betreft(session, lopend + gesloten)
    bevestigd = bevestigingen(session, [r.id for r in lopend])
    wachtend = {r.id for r in lopend if _stap(catalogus, r) and _stap(catalogus, r).voltooiing == "bevestiging"}
    rijen = [
        Lopend(
            *_kop(catalogus, r, functies),
            Termijn(r.deadline, vandaag),
            telling[r.id][VerzoekStatus.BEANTWOORD],
            _verzoeken(telling[r.id]),
            r.geescaleerd,
            bevestigd[r.id],
        )
        for r in lopend
        if r.id not in wachtend
    ]
    return Openstaand(
        moment=nu,
        lopend=sorted(rijen, key=lambda r: (not r.termijn.te_laat, r.termijn.deadline, r.titel)),
        bevestigingen=_bevestigingen(session, catalogus, [r for r in lopend if r.id in wachtend], functies, vandaag),
        onbeantwoord=[
            Onbeantwoord(
                *_kop(catalogus, r, functies),
                r.gesloten.astimezone(TIJDZONE).date(),
                telling[r.id][VerzoekStatus.VERLOPEN],
                _verzoeken(telling[r.id]),
            )
            for r in gesloten
            if telling[r.id][VerzoekStatus.VERLOPEN]
        ],
        gemist=inhaalrondes(session, catalogus=catalogus, nu=nu)[1],
        voorstellen=_voorstellen(session, catalogus),
        beoordelen=session.exec(select(func.count()).select_from(Inkomend).where(Inkomend.map == Map.BEOORDELEN)).one(),
        onbestelbaar=list(
            session.exec(select(Persoon.naam).where(Persoon.onbestelbaar, Persoon.actief).order_by(Persoon.naam))
        ),
        fouten=processen_met_een_fout(session),
    )


_Gepland = tuple[str, datetime, int | None]
"""(proces, planned start, whom a ronde for one person is about)."""


def inhaalrondes(session: Session, *, catalogus: Catalogus, nu: datetime) -> tuple[list[Inhaalronde], ...]:
    """The rondes whose planned start passed without them, dated and per person, by planned start: (those the
    next watch starts, with at least half their termijn; those it leaves to the coordinator)."""
    gestart = rondes.gestarte_periodes(session, nu)
    levenslopen = persoonsrondes.Levenslopen(session, catalogus, nu)
    laat: list[_Gepland] = []
    gemist: list[_Gepland] = []
    for proces in filter(lambda p: p.actief, catalogus.processen):
        if proces.per_persoon:
            laat += [(proces.id, a.start, a.persoon_id) for a in levenslopen.te_starten(proces)]
            gemist += [(proces.id, a.start, a.persoon_id) for a in levenslopen.gemist(proces)]
        elif (start := rondes.nog_te_starten(catalogus, proces, nu, gestart)) is not None and start < nu:
            laat.append((proces.id, start, None))
        elif (eentje := rondes.gemist(catalogus, proces, nu, gestart)) is not None:
            gemist.append((proces.id, eentje.gepland, None))
    return _inhaalrondes(session, catalogus, nu, laat), _inhaalrondes(session, catalogus, nu, gemist)


def _inhaalrondes(session: Session, catalogus: Catalogus, nu: datetime, lijst: list[_Gepland]) -> list[Inhaalronde]:
    vandaag = nu.astimezone(TIJDZONE).date()
    betreffend = {persoon_id for _, _, persoon_id in lijst if persoon_id is not None}
    personen = {p.id: p for p in session.exec(select(Persoon).where(Persoon.id.in_(betreffend)))} if betreffend else {}
    uit = []
    for proces_id, gepland, persoon_id in lijst:
        dag, deadline = gepland.astimezone(TIJDZONE).date(), stapplan(catalogus, proces_id, 0, gepland).deadline
        betreft = functie(personen[persoon_id]) if persoon_id in personen else None
        titel = catalogus.proces(proces_id).titel
        uit.append(Inhaalronde(proces_id, titel, betreft, dag, Termijn(deadline, vandaag), (deadline - dag).days))
    return sorted(uit, key=lambda r: (r.gepland, r.titel, r.betreft or ""))


@dataclass(frozen=True)
class NietGeantwoord:
    """Who never answered a closed ronde: by name, with their role or function."""

    ronde: Onbeantwoord
    wie: list[tuple[str, str]]


def niet_geantwoord(session: Session, *, catalogus: Catalogus, ronde_id: int) -> NietGeantwoord | None:
    """The people who never answered ronde `ronde_id` (verlopen); None when there is no such closed ronde."""
    ronde = session.get(Ronde, ronde_id)
    if ronde is None or ronde.status != RondeStatus.VERLOPEN:
        return None
    telling = _per_status(session, [ronde.id])[ronde.id]
    kop = Onbeantwoord(
        *_kop(catalogus, ronde, betreft(session, [ronde])),
        ronde.gesloten.astimezone(TIJDZONE).date(),
        telling[VerzoekStatus.VERLOPEN],
        _verzoeken(telling),
    )
    personen = session.exec(
        select(Persoon)
        .join(Verzoek, Verzoek.persoon_id == Persoon.id)
        .where(Verzoek.ronde_id == ronde.id, Verzoek.status == VerzoekStatus.VERLOPEN)
        .order_by(Persoon.naam)
    )
    return NietGeantwoord(kop, [(p.naam, functie(p)) for p in personen])


def _kop(catalogus: Catalogus, ronde: Ronde, functies: dict[int, str]) -> tuple:
    """(verwijzing, titel, betreft, stap) of a ronde: the proces by its title, the stap by its title or id."""
    stap = _stap(catalogus, ronde)
    titel = catalogus.proces(ronde.proces).titel if stap else ronde.proces
    stapnaam = (stap.titel or stap.id) if stap else ronde.stap
    return Rondeverwijzing.van(ronde), titel, functies.get(ronde.id), stapnaam or None


def _stap(catalogus: Catalogus, ronde: Ronde):
    """The ronde's stap in the catalogue; None when its spec was removed."""
    if ronde.proces not in {p.id for p in catalogus.processen}:
        return None
    return rondes.spec(catalogus, ronde)[1]


def _per_status(session: Session, ronde_ids: list[int]) -> dict[int, Counter]:
    telling: dict[int, Counter] = defaultdict(Counter)
    for ronde_id, status, aantal in session.exec(
        select(Verzoek.ronde_id, Verzoek.status, func.count())
        .where(Verzoek.ronde_id.in_(ronde_ids))
        .group_by(Verzoek.ronde_id, Verzoek.status)
    ):
        telling[ronde_id][status] = aantal
    return telling


def _verzoeken(telling: Counter) -> int:
    """The verzoeken that count: all but the vervallen ones."""
    return sum(telling.values()) - telling[VerzoekStatus.VERVALLEN]


def _bevestigingen(
    session: Session, catalogus: Catalogus, wachtend: list[Ronde], functies: dict[int, str], vandaag: date
) -> list[Bevestiging]:
    """Per waiting stap, who can confirm it: whoever its open verzoeken went to (the eigenaar)."""
    wie: dict[int, list[str]] = defaultdict(list)
    for ronde_id, naam in session.exec(
        select(Verzoek.ronde_id, Persoon.naam)
        .join(Persoon, Persoon.id == Verzoek.persoon_id)
        .where(Verzoek.ronde_id.in_([r.id for r in wachtend]), Verzoek.status.in_(OPEN))
        .order_by(Persoon.naam)
    ):
        wie[ronde_id].append(naam)
    rijen = [
        Bevestiging(
            *_kop(catalogus, r, functies),
            Termijn(r.deadline, vandaag),
            " of ".join(_rol(catalogus, rol) for rol in _bevestigers(catalogus, r)),
            wie[r.id],
        )
        for r in wachtend
    ]
    return sorted(rijen, key=lambda b: (b.termijn.deadline, b.titel))


def _bevestigers(catalogus: Catalogus, ronde: Ronde) -> list[str]:
    """The roles that confirm a waiting stap: its doelgroep, or the eigenaar (always, for a ronde for one person)."""
    proces, stap = rondes.spec(catalogus, ronde)
    return [proces.eigenaar] if ronde.persoon_id is not None else proces.ontvangers(stap).rollen


def _voorstellen(session: Session, catalogus: Catalogus) -> list[Voorstellen]:
    """Register proposals per eigenaar role (a proposal without a known proces: the coordinator's)."""
    eigenaars = {p.id: p.eigenaar for p in catalogus.processen}
    per_rol: Counter = Counter()
    for proces, aantal in session.exec(
        select(Registerregel.proces, func.count())
        .where(Registerregel.status == Regelstatus.VOORGESTELD)
        .group_by(Registerregel.proces)
    ):
        per_rol[eigenaars.get(proces, COORDINATOR)] += aantal
    return [
        Voorstellen(_rol(catalogus, rol), [p.naam for p in leden(session, Doelgroep(rollen=[rol]))], aantal)
        for rol, aantal in sorted(per_rol.items())
    ]


def _rol(catalogus: Catalogus, rol: str) -> str:
    """A role as people read it (rollen.yaml), else its id."""
    return catalogus.rollen.rollen.get(rol, rol)


def processen_met_een_fout(session: Session) -> list[tuple[str, str]]:
    """(proces, reason) of every failure in the latest daily watch, in the order they happened."""
    laatste = session.exec(select(Vergrendeling.moment).where(Vergrendeling.naam == "bewaking")).first()
    if laatste is None:
        return []
    rijen = session.exec(
        select(Gebeurtenis.proces, Gebeurtenis.details)
        .where(Gebeurtenis.soort == FOUT, Gebeurtenis.moment == laatste)
        .order_by(Gebeurtenis.id)
    ).all()
    return [(proces or "?", json.loads(details or "{}").get("reden", "onbekende fout")) for proces, details in rijen]
