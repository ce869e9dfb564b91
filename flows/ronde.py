"""The flow behind each proces deployment: start the ronde that is due, send, show it."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Completed

from engine import diensten
from flows import gedeeld
from flows.bevestiging import zorg_voor_bevestigingen


@task(name="start-ronde", retries=2, retry_delay_seconds=10)
def start(proces: str, nu: datetime) -> diensten.Verslag:
    """Idempotent: a second run for the same period finds the ronde and changes nothing."""
    return diensten.start_ronde(gedeeld.omgeving(), proces=proces, nu=nu, verzenden=False)


def _naam() -> str:
    """`<proces> <start date>`."""
    return f"{flow_run.parameters['proces']} {gedeeld.moment_van_run():%Y-%m-%d}"


@flow(name="ronde", flow_run_name=_naam, **gedeeld.BEWAAKT)
def ronde_flow(proces: str, nu: datetime | None = None):
    """Start the ronde of `proces` that is due now (or at `nu`)."""
    moment = gedeeld.nu_of(nu)
    verslag = start(proces, moment)
    if verslag.uitkomst is None:
        return Completed(name="OVERGESLAGEN", message=f"Voor {proces} is nu geen ronde aan de beurt.")
    if not verslag.uitkomst.nieuw:
        return Completed(name="OVERGESLAGEN", message=f"De ronde van {proces} liep al; niets gedaan.")
    ronde_id = verslag.uitkomst.ronde.id
    gedeeld.meld(verslag.gebeurtenissen)
    gedeeld.verstuur(moment)
    gedeeld.toon_nieuwe_ronde(verslag.uitkomst.ronde)
    if concept := diensten.concept_bij_ronde(gedeeld.omgeving(), ronde_id=ronde_id, nu=moment):
        jaar, markdown = concept
        create_markdown_artifact(
            key=f"jaarverslag-{jaar}", markdown=markdown, description=f"Concept-jaarverslag integriteit {jaar}"
        )
    zorg_voor_bevestigingen()
    get_run_logger().info("ronde %s gestart", proces)
    return ronde_id


def _persoonsnaam() -> str:
    """`<proces> <function>`: whom the ronde is about by their function, never their email."""
    return f"{flow_run.parameters['proces']} {flow_run.parameters['betreft']}"


@flow(name="persoonsronde", flow_run_name=_persoonsnaam)
def persoonsronde_flow(proces: str, betreft: str, ronde_id: int) -> int:
    """A ronde for one person (an event in their working life, a date of theirs), started by the daily watch:
    a run of its own in the UI, with the ronde's table and progress."""
    gedeeld.toon_ronde(ronde_id)
    get_run_logger().info("ronde %s gestart voor %s", proces, betreft)
    return ronde_id
