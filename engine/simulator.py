"""The simulator: the real core, day by day on a simulated clock, over a fresh database with the demo organisation.

It drives the same use cases as production (engine.diensten: the daily watch, recording answers), only on a
simulated clock. Each recipient answers with probability `antwoordkans`, on a random day before the deadline
(a day's answers together). The same `zaad` gives the same result.
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import func, select

from engine import diensten
from engine.antwoorden import Invoer
from engine.catalogus import Catalogus
from engine.database import maak_engine
from engine.diensten import Omgeving
from engine.rondes import spec
from engine.status import rondes_status
from models.instellingen import Instellingen
from models.tabellen import Bericht, Ronde, Verzoek
from models.werkdagen import TIJDZONE

MIDDAG = time(12, 0)


def simuleer(*, catalogus: Catalogus, van: date, tot: date, antwoordkans: float, zaad: int) -> dict:
    """Run the use cases day by day from `van` to `tot` over a fresh database; every ronde and message count."""
    with tempfile.TemporaryDirectory(prefix="integriteit-simulatie-") as map:
        omg = Omgeving(maak_engine(f"sqlite:///{Path(map) / 'simulatie.db'}"), catalogus, Instellingen())
        diensten.importeer_personen(omg, bestand=None, nu=_moment(van - timedelta(days=1)))
        simuleer_op(omg, van=van, tot=tot, antwoordkans=antwoordkans, zaad=zaad)
        with omg.werk() as s:
            uitkomst = {"rondes": rondes_status(s), "berichten": _berichten(s)}
        omg.engine.dispose()
    return uitkomst


def simuleer_op(omg: Omgeving, *, van: date, tot: date, antwoordkans: float, zaad: int) -> None:
    """The simulated days from `van` to `tot` over `omg`'s database as it is (e.g. for a jaarverslag)."""
    rng = random.Random(zaad)
    gepland: dict[date, list[str]] = defaultdict(list)
    laatste_verzoek = 0
    dag = van
    while dag <= tot:
        nu = _moment(dag)
        diensten.bewaak(omg, nu=nu, verzenden=False)
        with omg.werk() as s:
            laatste_verzoek = _plan_antwoorden(s, omg.catalogus, rng, antwoordkans, dag, laatste_verzoek, gepland)
        if antwoorden := gepland.pop(dag, []):
            invoer = [
                Invoer(t, geen_wijzigingen=True, datum=datum or dag, kenmerk=f"simulatie {dag}")
                for t, datum in antwoorden
            ]
            diensten.beantwoord(omg, invoer=invoer, nu=nu, kanaal="simulatie", verzenden=False)
        dag += timedelta(days=1)


def _plan_antwoorden(s, catalogus, rng: random.Random, kans: float, dag: date, vanaf: int, gepland: dict) -> int:
    """Draw, for each verzoek made since the last draw, whether and on which day its person answers (and, where
    the stap asks a date in given months, a date in the first of them: the meeting it confirms)."""
    nieuw = s.exec(
        select(Verzoek.id, Verzoek.token, Ronde)
        .join(Ronde, Ronde.id == Verzoek.ronde_id)
        .where(Verzoek.id > vanaf)
        .order_by(Verzoek.id)
    ).all()
    for verzoek_id, token, ronde in nieuw:
        vanaf = verzoek_id
        if rng.random() < kans:
            antwoorddag = dag + timedelta(days=rng.randint(0, max(0, (ronde.deadline - dag).days - 1)))
            gepland[antwoorddag].append((token, _datum_in_periode(spec(catalogus, ronde)[1], ronde.startdatum)))
    return vanaf


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
