"""What every flow shares: the catalogue and database, sending, and the coordinator's view (artifacts, events)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact
from prefect.events import emit_event
from prefect.runtime import flow_run
from sqlalchemy import Engine
from sqlmodel import func, select

from engine import overzicht
from engine.catalogus import Catalogus, laad_catalogus
from engine.database import maak_engine, sessie
from engine.verzenden import verzend
from models.instellingen import instellingen
from models.tabellen import Gebeurtenis, Ronde
from models.werkdagen import TIJDZONE


def catalogus() -> Catalogus:
    """The specs; an invalid folder fails the run with the valideer report as its message."""
    return laad_catalogus(instellingen().processen)


@lru_cache
def engine(url: str | None = None) -> Engine:
    return maak_engine(url or instellingen().database_url)


def moment_van_run() -> datetime:
    """The moment a run acts for: its `nu` parameter when given, else its scheduled time."""
    moment = flow_run.parameters.get("nu") or flow_run.scheduled_start_time or datetime.now(TIJDZONE)
    return (datetime.fromisoformat(moment) if isinstance(moment, str) else moment).astimezone(TIJDZONE)


def run_naam(soort: str):
    """A flow_run_name callable: `<soort> <date> <time>`."""
    return lambda: f"{soort} {moment_van_run():%Y-%m-%d %H:%M}"


def nu_of(nu: datetime | None) -> datetime:
    return nu.astimezone(TIJDZONE) if nu else datetime.now(TIJDZONE)


@task(name="verzend", retries=2, retry_delay_seconds=30)
def verstuur(nu: datetime) -> dict:
    """Send the outbox (a no-op without SMTP). Safe to retry: every message is recorded as sent once."""
    with sessie(engine()) as s:
        verslag = verzend(session=s, catalogus=catalogus(), nu=nu, inst=instellingen())
    get_run_logger().info(
        "verzonden %d, geweigerd %d, wachtend %d", verslag.verzonden, verslag.geweigerd, verslag.uitgesteld
    )
    if verslag.storing:
        raise RuntimeError(f"SMTP: {verslag.storing}")
    return {"verzonden": verslag.verzonden, "geweigerd": verslag.geweigerd}


def sleutel(ronde: Ronde) -> str:
    """A stable artifact key per ronde (lowercase and dashes, as Prefect requires)."""
    return "-".join(filter(None, ["ronde", ronde.proces, ronde.stap, ronde.startdatum.isoformat()]))


def toon_ronde(ronde_id: int) -> None:
    """The ronde's table (who, status, last contact, reminders) and progress, under stable keys."""
    with sessie(engine()) as s:
        ronde = s.get(Ronde, ronde_id)
        rijen = overzicht.ronde_tabel(s, ronde)
        beantwoord, totaal = overzicht.voortgang(s, ronde)
    titel = f"{ronde.proces} {ronde.stap} {ronde.startdatum}".replace("  ", " ")
    create_table_artifact(rijen, key=sleutel(ronde), description=f"Verzoeken van {titel}")
    create_progress_artifact(
        100.0 * beantwoord / totaal if totaal else 100.0,
        key=f"voortgang-{sleutel(ronde)[6:]}",
        description=f"{titel}: {beantwoord} van {totaal} beantwoord",
    )


def toon_lopende_rondes() -> None:
    with sessie(engine()) as s:
        lopend = s.exec(select(Ronde.id).where(Ronde.status == "lopend")).all()
    for ronde_id in lopend:
        toon_ronde(ronde_id)


def toon_openstaand(nu: datetime) -> None:
    with sessie(engine()) as s:
        tekst = overzicht.openstaand(s, nu)
    create_markdown_artifact(tekst, key="openstaand", description="Wat er loopt en wat uw aandacht vraagt")


def meld(gebeurtenis: str, ronde: Ronde, **aantallen: int) -> None:
    """An event in Prefect's feed: integriteit.ronde.<gebeurtenis>, about this ronde, with counts only."""
    emit_event(
        event=f"integriteit.ronde.{gebeurtenis}",
        resource={
            "prefect.resource.id": f"integriteit.ronde.{ronde.id}",
            "prefect.resource.name": f"{ronde.proces} {ronde.stap} {ronde.startdatum}".replace("  ", " "),
        },
        payload={"proces": ronde.proces, "stap": ronde.stap or None, **aantallen},
    )


_TE_MELDEN = {
    "ronde-gestart": "gestart",
    "herinnering-klaargezet": "herinnerd",
    "escalatie-klaargezet": "geescaleerd",
    "antwoord": "beantwoord",
    "ronde-gesloten": "gesloten",
}


def meld_wat_er_gebeurde(nu: datetime) -> None:
    """One event per ronde and kind for what this run did, read from the audit trail it wrote at `nu`."""
    with sessie(engine()) as s:
        rijen = s.exec(
            select(Gebeurtenis.ronde_id, Gebeurtenis.soort, func.count())
            .where(Gebeurtenis.moment == nu, Gebeurtenis.soort.in_(list(_TE_MELDEN)), Gebeurtenis.ronde_id.is_not(None))
            .group_by(Gebeurtenis.ronde_id, Gebeurtenis.soort)
        ).all()
        rondes = {r.id: r for r in s.exec(select(Ronde).where(Ronde.id.in_({r[0] for r in rijen})))}
    for ronde_id, soort, aantal in rijen:
        meld(_TE_MELDEN[soort], rondes[ronde_id], aantal=aantal)
