"""Specs -> deployments, as a pure function: what `integriteit start` serves, checkable without a server.

Each proces gets a deployment named after its id whose schedule is the agenda itself: the ronde starts of the
coming years, already moved to working days, as an RRULE set (DTSTART + RDATE) in Europe/Amsterdam. So the
Prefect UI shows exactly the dates the agenda shows, whatever kind of planning the spec uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from engine.agenda import rondestarts
from engine.catalogus import Catalogus
from models.werkdagen import TIJDZONE

TIJDZONE_NAAM = "Europe/Amsterdam"
HORIZON = relativedelta(years=10)
MAX_DATUMS = 250  # Prefect limits the length of an RRULE string


@dataclass(frozen=True)
class Schema:
    soort: str  # rrule or cron
    expressie: str
    slug: str


@dataclass(frozen=True)
class Deploymentplan:
    naam: str
    flow: str  # ronde, bewaking, postvak, bevestiging, controle, publicatie
    beschrijving: str
    schemas: tuple[Schema, ...] = ()
    parameters: dict = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    tegelijk: int | None = None  # at most this many runs at once (None: no limit)


def plannen(catalogus: Catalogus, vandaag: date) -> list[Deploymentplan]:
    """One deployment per active proces, then the daily watch, the mailbox poll, the confirmation flow and the
    check that the watch ran."""
    return [*(_proces(catalogus, p.id, vandaag) for p in catalogus.processen if p.actief), *VASTE_DEPLOYMENTS]


def _proces(catalogus: Catalogus, proces_id: str, vandaag: date) -> Deploymentplan:
    proces = catalogus.proces(proces_id)
    van = datetime.combine(vandaag, datetime.min.time(), tzinfo=TIJDZONE)
    starts = rondestarts(proces, catalogus, van, van + HORIZON)[:MAX_DATUMS]
    schemas = (Schema("rrule", rdate_regel(starts), slug=f"{proces.id}-agenda"),) if starts else ()
    tags = [
        "proces",
        f"eigenaar:{proces.eigenaar}",
        *(f"register:{s.register_naam}" for s in proces.alle_stappen if s.register_naam),
    ]
    return Deploymentplan(
        naam=proces.id,
        flow="ronde",
        beschrijving=f"{proces.titel}. Bron: {proces.bron}.",
        schemas=schemas,
        parameters={"proces": proces.id},
        tags=tuple(dict.fromkeys(tags)),
    )


def rdate_regel(starts: list[datetime]) -> str:
    """`DTSTART:...` + `RDATE:...`: exactly these moments, local Amsterdam wall-clock time."""
    lokaal = [s.astimezone(TIJDZONE).strftime("%Y%m%dT%H%M%S") for s in starts]
    return f"DTSTART:{lokaal[0]}\nRDATE:{','.join(lokaal)}"


VASTE_DEPLOYMENTS = (
    Deploymentplan(
        naam="bewaking",
        flow="bewaking",
        beschrijving="De dagelijkse bewaking: gemiste rondes starten, herinneren, escaleren, afsluiten, volgende stap.",
        schemas=(Schema("cron", "0 8 * * 1-5", slug="werkdagen-0800"),),
        tags=("bewaking",),
        tegelijk=1,  # a late run must not overlap the next one: they would only wait for each other's lock
    ),
    Deploymentplan(
        naam="postvak",
        flow="postvak",
        beschrijving="Leest het antwoordpostvak (IMAP) en verwerkt de antwoorden.",
        schemas=(Schema("cron", "*/5 * * * *", slug="elke-5-minuten"),),
        tags=("postvak",),
        tegelijk=1,  # one reader of the mailbox at a time: a slow poll is not joined by the next one
    ),
    Deploymentplan(
        naam="publicatie",
        flow="publicatie",
        beschrijving="De eigenaar publiceert de registers na een ronde: website en open data naar "
        "INTEGRITEIT_PUBLICATIE, met de wijzigingen sinds de vorige publicatie. Start met 'Run'.",
        tags=("publicatie",),
    ),
    Deploymentplan(
        naam="bevestiging",
        flow="bevestiging",
        beschrijving="Wacht op de bevestiging van de eigenaar (datum en kenmerk), in te vullen in dit scherm.",
        tags=("bevestiging",),
    ),
    Deploymentplan(
        naam="controle",
        flow="controle",
        beschrijving="Controleert op werkdagen om 10:00 of de bewaking vandaag heeft gedraaid; zo niet, een melding.",
        schemas=(Schema("cron", "0 10 * * 1-5", slug="werkdagen-1000"),),
        tags=("controle",),
    ),
)
