"""The simulator: the real core on a simulated clock, over a fresh in-memory database with the demo organisation.

It drives the same use cases as production (engine.diensten: the daily watch, recording answers, importing
persons), at noon of each day on which there is work: the watch's next moment (engine.wekker), an HR import
or a simulated answer. Skipped days are days on which a watch would do nothing, so watching every day
(`elke_dag`) gives the same result, only slower. Each recipient answers with probability `antwoordkans`, on the
day they are asked or reminded (before any escalation), drawn when their verzoek is made. The organisation
changes as the demo's turnover says (demo.genereer.verloop: joiners and leavers each quarter, most Statenleden
replaced after each election), replayed as imports in the morning, so the events start their rondes. The same
`zaad` gives the same result.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import func, select

from demo.genereer import COLUMNS, verloop
from engine import diensten
from engine.agenda import stapplan
from engine.antwoorden import Invoer
from engine.catalogus import Catalogus
from engine.database import maak_engine
from engine.diensten import Omgeving
from engine.personen import DEMO
from engine.rondes import spec
from engine.status import rondes_status
from engine.wekker import volgende_werk
from models.instellingen import Instellingen
from models.tabellen import Bericht, Ronde, Verzoek
from models.werkdagen import TIJDZONE

MIDDAG = time(12, 0)
OCHTEND = time(8, 0)


def simuleer(
    *,
    catalogus: Catalogus,
    van: date,
    tot: date,
    antwoordkans: float,
    zaad: int,
    elke_dag: bool = False,
    voortgang: Callable[[date], None] | None = None,
) -> dict:
    """Run the use cases from `van` to `tot` over a fresh database; every ronde and message count.
    `voortgang` hears each simulated day."""
    with tempfile.TemporaryDirectory(prefix="integriteit-simulatie-") as map:
        simulatie = _Simulatie(catalogus, random.Random(zaad), antwoordkans, Path(map))
        diensten.importeer_personen(simulatie.omg, bestand=None, nu=_moment(van - timedelta(days=1)))
        with DEMO.open(encoding="utf-8") as demo:
            simulatie.exports = dict(verloop(list(csv.DictReader(demo)), van, tot, zaad))
        dag = van
        while dag <= tot:
            simulatie.dag(dag)
            if voortgang:
                voortgang(dag)
            dag = dag + timedelta(days=1) if elke_dag else simulatie.volgende_dag(dag)
        with simulatie.omg.werk() as s:
            uitkomst = {"rondes": rondes_status(s), "berichten": _berichten(s)}
        simulatie.omg.engine.dispose()
    return uitkomst


def simuleer_op(omg: Omgeving, *, van: date, tot: date, antwoordkans: float, zaad: int) -> None:
    """The simulated days from `van` to `tot` over `omg`'s database as it is (e.g. for a jaarverslag), without
    HR turnover."""
    simulatie = _Simulatie(omg.catalogus, random.Random(zaad), antwoordkans, Path(tempfile.gettempdir()), omg)
    dag = van
    while dag <= tot:
        simulatie.dag(dag)
        dag = simulatie.volgende_dag(dag)


class _Simulatie:
    def __init__(
        self, catalogus: Catalogus, rng: random.Random, antwoordkans: float, map: Path, omg: Omgeving | None = None
    ) -> None:
        self.omg = omg or Omgeving(maak_engine("sqlite:///:memory:"), catalogus, Instellingen())
        self.rng, self.kans, self.map = rng, antwoordkans, map
        self.exports: dict[date, list[dict[str, str]]] = {}
        self.gepland: dict[date, list[tuple[str, date | None]]] = defaultdict(list)
        self.laatste_verzoek = 0

    def dag(self, dag: date) -> None:
        """The day's HR export in the morning, the watch at noon, then the day's answers (an answer that
        completes a stap can start the next one, whose answers of today follow)."""
        nu = _moment(dag)
        if dag in self.exports:
            self._importeer(dag, self.exports.pop(dag))
        diensten.bewaak(self.omg, nu=nu, verzenden=False)
        self._trek()
        while antwoorden := self.gepland.pop(dag, []):
            invoer = [
                Invoer(t, geen_wijzigingen=True, datum=datum or dag, kenmerk=f"simulatie {dag}")
                for t, datum in antwoorden
            ]
            diensten.beantwoord(self.omg, invoer=invoer, nu=nu, kanaal="simulatie", verzenden=False)
            self._trek()

    def volgende_dag(self, dag: date) -> date:
        """The first day after `dag` with work for the watch or a planned answer; past every end when none."""
        with self.omg.werk() as s:
            moment = volgende_werk(s, self.omg.catalogus, _moment(dag))
        kandidaten = [min(wachtend) for wachtend in (self.gepland, self.exports) if wachtend]
        if moment is not None:
            lokaal = moment.astimezone(TIJDZONE)
            kandidaten.append(lokaal.date() + timedelta(days=lokaal.time() > MIDDAG))
        return max(dag + timedelta(days=1), min(kandidaten, default=date.max))

    def _importeer(self, dag: date, rijen: list[dict[str, str]]) -> None:
        """The day's HR export, written and imported as the HR system would deliver it."""
        pad = self.map / f"hr-{dag}.csv"
        with pad.open("w", encoding="utf-8", newline="") as bestand:
            schrijver = csv.DictWriter(bestand, fieldnames=COLUMNS)
            schrijver.writeheader()
            schrijver.writerows(rijen)
        diensten.importeer_personen(self.omg, bestand=pad, nu=datetime.combine(dag, OCHTEND, tzinfo=TIJDZONE))

    def _trek(self) -> None:
        """Draw, for each verzoek made since the last draw, whether its person answers and on which day (and,
        where the stap asks a date in given months, a date in the first of them: the meeting it confirms)."""
        with self.omg.werk() as s:
            nieuw = s.exec(
                select(Verzoek.id, Verzoek.token, Verzoek.aangemaakt, Ronde)
                .join(Ronde, Ronde.id == Verzoek.ronde_id)
                .where(Verzoek.id > self.laatste_verzoek)
                .order_by(Verzoek.id)
            ).all()
        for verzoek_id, token, aangemaakt, ronde in nieuw:
            self.laatste_verzoek = verzoek_id
            if self.rng.random() < self.kans:
                datum = _datum_in_periode(spec(self.omg.catalogus, ronde)[1], ronde.startdatum)
                self.gepland[self.rng.choice(self._contactdagen(ronde, aangemaakt))].append((token, datum))

    def _contactdagen(self, ronde: Ronde, aangemaakt: datetime) -> list[date]:
        """The day the person is asked and the days they are reminded, before any escalation."""
        plan = stapplan(self.omg.catalogus, ronde.proces, ronde.stapnummer, ronde.start)
        gevraagd = max(aangemaakt, ronde.start).astimezone(TIJDZONE).date()
        grens = plan.escalatie or plan.deadline
        return [gevraagd, *(h for h in plan.herinneringen if gevraagd < h < grens)]


def _datum_in_periode(stap, start: date) -> date | None:
    """The 15th of the first month from `start` that `datum_in_maanden` allows; None when any date will do."""
    for verder in range(13):
        jaren, maand = divmod(start.month - 1 + verder, 12)
        dag = date(start.year + jaren, maand + 1, 15)
        if not stap.buiten_periode(dag, start):
            return dag if stap.datum_in_maanden else None
    return None


def _berichten(s) -> dict[str, int]:
    telling = dict(s.exec(select(Bericht.soort, func.count()).group_by(Bericht.soort)).all())
    return {soort: telling.get(soort, 0) for soort in ("verzoek", "herinnering", "escalatie")}


def _moment(dag: date) -> datetime:
    return datetime.combine(dag, MIDDAG, tzinfo=TIJDZONE)
