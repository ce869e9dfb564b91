"""The simulator: the real core, day by day on a simulated clock, over a fresh database with the demo organisation.

Each recipient answers with probability `antwoordkans`, on a random day before the deadline, through the same
`registreer_antwoorden` as a real answer (a day's answers together). The same `zaad` gives the same result.
"""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import func, select

from engine.antwoorden import Invoer, registreer_antwoorden
from engine.bewaking import bewaking
from engine.catalogus import Catalogus
from engine.database import maak_engine, sessie
from engine.personen import DEMO, importeer, lees_bestand
from engine.status import rondes_status
from models.tabellen import Bericht, Ronde, Verzoek
from models.werkdagen import TIJDZONE

MIDDAG = time(12, 0)


def simuleer(*, catalogus: Catalogus, van: date, tot: date, antwoordkans: float, zaad: int) -> dict:
    rng = random.Random(zaad)
    with tempfile.TemporaryDirectory(prefix="integriteit-simulatie-") as map:
        engine = maak_engine(f"sqlite:///{Path(map) / 'simulatie.db'}")
        with sessie(engine) as s:
            importeer(s, lees_bestand(DEMO, set(catalogus.rollen.rollen)), _moment(van - timedelta(days=1)))
        gepland: dict[date, list[str]] = defaultdict(list)
        laatste_verzoek = 0
        dag = van
        while dag <= tot:
            nu = _moment(dag)
            with sessie(engine) as s:
                bewaking(session=s, catalogus=catalogus, nu=nu)
                laatste_verzoek = _plan_antwoorden(s, rng, antwoordkans, dag, laatste_verzoek, gepland)
                if tokens := gepland.pop(dag, []):
                    antwoorden = [
                        Invoer(t, geen_wijzigingen=True, datum=dag, kenmerk=f"simulatie {dag}") for t in tokens
                    ]
                    registreer_antwoorden(
                        session=s, catalogus=catalogus, antwoorden=antwoorden, nu=nu, kanaal="simulatie"
                    )
            dag += timedelta(days=1)
        with sessie(engine) as s:
            uitkomst = {"rondes": rondes_status(s), "berichten": _berichten(s)}
        engine.dispose()
    return uitkomst


def _plan_antwoorden(s, rng: random.Random, kans: float, dag: date, vanaf: int, gepland: dict) -> int:
    """Draw, for each verzoek made since the last draw, whether and on which day its person answers."""
    nieuw = s.exec(
        select(Verzoek.id, Verzoek.token, Ronde.deadline)
        .join(Ronde, Ronde.id == Verzoek.ronde_id)
        .where(Verzoek.id > vanaf)
        .order_by(Verzoek.id)
    ).all()
    for verzoek_id, token, deadline in nieuw:
        vanaf = verzoek_id
        if rng.random() < kans:
            gepland[dag + timedelta(days=rng.randint(0, max(0, (deadline - dag).days - 1)))].append(token)
    return vanaf


def _berichten(s) -> dict[str, int]:
    telling = dict(s.exec(select(Bericht.soort, func.count()).group_by(Bericht.soort)).all())
    return {soort: telling.get(soort, 0) for soort in ("verzoek", "herinnering", "escalatie")}


def _moment(dag: date) -> datetime:
    return datetime.combine(dag, MIDDAG, tzinfo=TIJDZONE)
