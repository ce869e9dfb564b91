"""The flow behind each proces deployment: start the ronde that is due, send, show it."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run
from prefect.states import Completed

from engine.database import sessie
from engine.rondes import start_ronde
from flows import gedeeld
from flows.bevestiging import zorg_voor_bevestigingen


@task(name="start-ronde", retries=2, retry_delay_seconds=10)
def start(proces: str, nu: datetime) -> tuple[int, bool] | None:
    """Idempotent: a second run for the same period finds the ronde and changes nothing."""
    catalogus = gedeeld.catalogus()
    with sessie(gedeeld.engine()) as s:
        gestart = start_ronde(session=s, catalogus=catalogus, proces=catalogus.proces(proces), nu=nu)
    return (gestart.ronde.id, gestart.nieuw) if gestart else None


def _naam() -> str:
    """`<proces> <start date>`."""
    return f"{flow_run.parameters['proces']} {gedeeld.moment_van_run():%Y-%m-%d}"


@flow(name="ronde", flow_run_name=_naam)
def ronde_flow(proces: str, nu: datetime | None = None):
    """Start the ronde of `proces` that is due now (or at `nu`)."""
    moment = gedeeld.nu_of(nu)
    uitkomst = start(proces, moment)
    if uitkomst is None:
        return Completed(name="OVERGESLAGEN", message=f"Voor {proces} is nu geen ronde aan de beurt.")
    ronde_id, nieuw = uitkomst
    if not nieuw:
        return Completed(name="OVERGESLAGEN", message=f"De ronde van {proces} liep al; niets gedaan.")
    gedeeld.verstuur(moment)
    gedeeld.toon_ronde(ronde_id)
    gedeeld.meld_wat_er_gebeurde(moment)
    zorg_voor_bevestigingen()
    get_run_logger().info("ronde %s gestart", proces)
    return ronde_id
