"""The simulator: the real core on a simulated clock, over a fresh in-memory database with the demo organisation.

It drives the same use cases as production (engine.diensten: the daily watch, recording answers, importing
persons, a melding), at noon of each day on which there is work: the watch's next moment (engine.wekker), an HR
import, a melding or a simulated answer. Skipped days are days on which a watch would do nothing, so watching
every day (`elke_dag`) gives the same result, only slower. Days in `gemist` are days the engine was down: no
watch runs, while imports, meldingen and answers arrive as on any other day, and the next watch catches up.

Each recipient answers with probability `antwoordkans`, on the day they are asked or a day they are reminded
(before any escalation), or on the day they are asked when that is later, and only while they are still in the
doelgroep (whoever left does not answer). Whether and when is drawn per verzoek from `zaad` and the verzoek's
ronde and person, so the same answers arrive however the watch runs. The organisation changes as the demo's
turnover says (demo.genereer.verloop: joiners and leavers each quarter, most Statenleden replaced after each
election and most gedeputeerden when the new college takes office), replayed as imports in the morning, so the
events start their rondes; and now and then a Statenlid or a member of GS reports a gift (a melding), which
starts its review at once. The same `zaad` gives the same result.
"""

from __future__ import annotations

import csv
import random
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import func, select

from demo.genereer import COLUMNS, verloop
from engine import diensten, personen, rondes
from engine.agenda import stapplan
from engine.antwoorden import Invoer
from engine.catalogus import Catalogus
from engine.database import maak_engine, sessie
from engine.diensten import Omgeving
from engine.status import rondes_status
from engine.wekker import volgende_werk
from models.instellingen import Instellingen
from models.tabellen import Bericht, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE

MIDDAG = time(12, 0)
OCHTEND = time(8, 0)
MELDMOMENT = time(10, 0)
MELDKANS = 0.08
"""The chance, each working day, that a Statenlid, a gedeputeerde or the cvdK reports a gift."""
DEMO_IMPORT = date(2026, 1, 1)
"""The day the demo organisation is imported, or the day before `van` when that is earlier."""


def simuleer(
    *,
    catalogus: Catalogus,
    van: date,
    tot: date,
    antwoordkans: float,
    zaad: int,
    elke_dag: bool = False,
    gemist: Collection[date] = (),
    voortgang: Callable[[date], None] | None = None,
) -> dict:
    """Run the use cases from `van` to `tot` over a fresh database; every ronde and message count. No watch runs
    on the days in `gemist`. `voortgang` hears each simulated day."""
    with tempfile.TemporaryDirectory(prefix="integriteit-simulatie-") as map:
        omg = Omgeving(_met_demo(catalogus, min(DEMO_IMPORT, van - timedelta(days=1))), catalogus, Instellingen())
        simulatie = _Simulatie(omg, zaad, antwoordkans, Path(map), set(gemist))
        with personen.DEMO.open(encoding="utf-8") as demo:
            simulatie.exports = dict(verloop(list(csv.DictReader(demo)), van, tot, zaad))
        simulatie.meldingen = _meldingsdagen(catalogus, van, tot, zaad)
        dag = van
        while dag <= tot:
            simulatie.dag(dag)
            if voortgang:
                voortgang(dag)
            dag = dag + timedelta(days=1) if elke_dag else simulatie.volgende_dag(dag)
        with omg.werk() as s:
            uitkomst = {"rondes": rondes_status(s), "berichten": _berichten(s)}
        omg.engine.dispose()
    return uitkomst


def simuleer_op(omg: Omgeving, *, van: date, tot: date, antwoordkans: float, zaad: int) -> None:
    """The simulated days from `van` to `tot` over `omg`'s database as it is (e.g. for a jaarverslag), without
    HR turnover or meldingen."""
    simulatie = _Simulatie(omg, zaad, antwoordkans, Path(tempfile.gettempdir()))
    dag = van
    while dag <= tot:
        simulatie.dag(dag)
        dag = simulatie.volgende_dag(dag)


def _met_demo(catalogus: Catalogus, dag: date) -> Engine:
    """A fresh in-memory database holding the demo organisation as imported at noon on `dag`: a copy of one
    imported once per process (migrating and importing cost more than a short simulation)."""
    kopie = maak_engine("sqlite:///:memory:", migreren=False)
    with kopie.connect() as verbinding:
        _demo_database(frozenset(catalogus.rollen.rollen), dag).backup(verbinding.connection.dbapi_connection)
    return kopie


@lru_cache(maxsize=4)
def _demo_database(rollen: frozenset[str], dag: date) -> sqlite3.Connection:
    """The demo organisation imported at noon on `dag` into a migrated in-memory database, to copy from."""
    engine = maak_engine("sqlite:///:memory:")
    with sessie(engine) as s:
        personen.importeer(s, personen.lees_bestand(personen.DEMO, set(rollen)), _moment(dag))
    sjabloon = sqlite3.connect(":memory:", check_same_thread=False)
    with engine.connect() as verbinding:
        verbinding.connection.dbapi_connection.backup(sjabloon)
    engine.dispose()
    return sjabloon


def _meldingsdagen(catalogus: Catalogus, van: date, tot: date, zaad: int) -> dict[date, int]:
    """The working days on which someone reports a gift, each with the draw that picks who."""
    meldingen = {}
    for nummer in range((tot - van).days + 1):
        dag = van + timedelta(days=nummer)
        lot = random.Random(f"{zaad}:melding:{dag}")
        if catalogus.werkdagen.is_werkdag(dag) and lot.random() < MELDKANS:
            meldingen[dag] = lot.randrange(1 << 30)
    return meldingen


class _Simulatie:
    def __init__(
        self, omg: Omgeving, zaad: int, antwoordkans: float, map: Path, gemist: set[date] | None = None
    ) -> None:
        self.omg, self.zaad, self.kans, self.map, self.gemist = omg, zaad, antwoordkans, map, gemist or set()
        self.exports: dict[date, list[dict[str, str]]] = {}
        self.meldingen: dict[date, int] = {}
        self.gepland: dict[date, list[tuple[str, date]]] = defaultdict(list)
        self.laatste_verzoek = 0

    def dag(self, dag: date) -> None:
        """The day's HR export in the morning, a melding at ten, the watch at noon (unless the engine is down),
        then the day's answers (an answer that completes a stap can start the next one, whose answers of today
        follow)."""
        nu = _moment(dag)
        if dag in self.exports:
            self._importeer(dag, self.exports.pop(dag))
        if dag in self.meldingen:
            self._meld(dag, self.meldingen.pop(dag))
        if dag not in self.gemist:
            diensten.bewaak(self.omg, nu=nu, verzenden=False)
        self._trek()
        while antwoorden := self.gepland.pop(dag, []):
            gevraagd = self._nog_gevraagd(dag, [token for token, _ in antwoorden])
            invoer = [
                Invoer(t, kanaal="simulatie", geen_wijzigingen=True, datum=datum, kenmerk=f"simulatie {datum}")
                for t, datum in antwoorden
                if t in gevraagd
            ]
            if invoer:
                diensten.beantwoord(self.omg, invoer=invoer, nu=nu, verzenden=False)
            self._trek()

    def volgende_dag(self, dag: date) -> date:
        """The first day after `dag` with work for the watch, an import, a melding or a planned answer; past
        every end when none. After a day without a watch, what it should have done is due the next day."""
        with self.omg.werk() as s:
            moment = volgende_werk(s, self.omg.catalogus, _moment(dag))
        kandidaten = [min(wachtend) for wachtend in (self.gepland, self.exports, self.meldingen) if wachtend]
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

    def _meld(self, dag: date, lot: int) -> None:
        """A Statenlid, or a gedeputeerde or the cvdK (each side as often; `lot` picks who), reports a gift
        received that day."""
        with self.omg.werk() as s:
            actief = s.exec(select(Persoon).where(Persoon.actief).order_by(Persoon.id)).all()
        rollen = {"statenlid"} if lot % 2 else {"gs-lid", "cvdk"}
        bestuurders = [p.id for p in actief if p.rolset & rollen]
        if not bestuurders:
            return
        geschenk = {
            "omschrijving": "Boekenpakket na een werkbezoek",
            "gever": "Stichting Voorbeeld",
            "datum": dag.isoformat(),
            "geschatte_waarde": "75",
            "ingeleverd_bij": "Statengriffie",
        }
        diensten.melding(
            self.omg,
            persoon_id=bestuurders[lot // 2 % len(bestuurders)],
            register="geschenken",
            invoer=[geschenk],
            nu=datetime.combine(dag, MELDMOMENT, tzinfo=TIJDZONE),
            kanaal="simulatie",
        )

    def _trek(self) -> None:
        """Draw, for each verzoek made since the last draw, whether its person answers and on which day (and,
        where the stap asks a date in given months, a date in the first of them: the meeting it confirms; else
        that day)."""
        with self.omg.werk() as s:
            nieuw = s.exec(
                select(Verzoek.id, Verzoek.token, Verzoek.persoon_id, Verzoek.aangemaakt, Ronde)
                .join(Ronde, Ronde.id == Verzoek.ronde_id)
                .where(Verzoek.id > self.laatste_verzoek)
                .order_by(Verzoek.id)
            ).all()
        for verzoek_id, token, persoon_id, aangemaakt, ronde in nieuw:
            self.laatste_verzoek = verzoek_id
            lot = random.Random(
                f"{self.zaad}:{ronde.proces}:{ronde.stapnummer}:{ronde.startdatum}:{ronde.persoon_id}:{persoon_id}"
            )
            if lot.random() < self.kans:
                gevraagd = max(aangemaakt, ronde.start).astimezone(TIJDZONE).date()
                dag = lot.choice(self._contactdagen(ronde))
                datum = _datum_in_periode(rondes.spec(self.omg.catalogus, ronde)[1], ronde.startdatum) or dag
                self.gepland[max(dag, gevraagd)].append((token, datum))

    def _contactdagen(self, ronde: Ronde) -> list[date]:
        """The day the stap starts and the days it reminds, before any escalation."""
        plan = stapplan(self.omg.catalogus, ronde.proces, ronde.stapnummer, ronde.start)
        grens = plan.escalatie or plan.deadline
        return [plan.start.astimezone(TIJDZONE).date(), *(h for h in plan.herinneringen if h < grens)]

    def _nog_gevraagd(self, dag: date, tokens: list[str]) -> set[str]:
        """Those of `tokens` whose person is still asked on `dag`: in their ronde's doelgroep as the import left
        it, and not past their leaving day (a watch that did not run has not caught up with either yet)."""
        with self.omg.werk() as s:
            rijen = s.exec(
                select(Verzoek.token, Persoon, Ronde)
                .join(Persoon, Persoon.id == Verzoek.persoon_id)
                .join(Ronde, Ronde.id == Verzoek.ronde_id)
                .where(Verzoek.token.in_(tokens))
            ).all()
            doelgroepen: dict[int, set[int]] = {}
            for _, _, ronde in rijen:
                if ronde.id not in doelgroepen:
                    proces, stap = rondes.spec(self.omg.catalogus, ronde)
                    doelgroepen[ronde.id] = {p.id for p in rondes.ontvangers(s, proces, stap, ronde)}
        return {
            token
            for token, persoon, ronde in rijen
            if persoon.id in doelgroepen[ronde.id] and (persoon.uit_dienst is None or persoon.uit_dienst > dag)
        }


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
