"""The flow behind each proces deployment: start the ronde that is due, send, show it."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Completed

from engine import diensten, rondes
from flows import gedeeld
from flows.bevestiging import zorg_voor_bevestigingen


@task(name="start-ronde", retries=2, retry_delay_seconds=10)
def start(proces: str, nu: datetime, alsnog: bool) -> diensten.Verslag:
    """Idempotent: a second run for the same period finds the ronde and changes nothing."""
    return diensten.start_ronde(gedeeld.omgeving(), proces=proces, nu=nu, verzenden=False, alsnog=alsnog)


@task(name="start-persoonsrondes", retries=2, retry_delay_seconds=10)
def start_per_persoon(proces: str, nu: datetime, alsnog: bool) -> diensten.Verslag:
    """Idempotent: a ronde for one person is started once."""
    return diensten.start_persoonsrondes(gedeeld.omgeving(), proces=proces, nu=nu, verzenden=False, alsnog=alsnog)


def _naam() -> str:
    """`<proces> <start date>`."""
    return f"{flow_run.parameters['proces']} {gedeeld.moment_van_run():%Y-%m-%d}"


@flow(name="ronde", flow_run_name=_naam, **gedeeld.BEWAAKT)
def ronde_flow(proces: str, nu: datetime | None = None, alsnog: bool = False):
    """Start the ronde of `proces` that is due now (or at `nu`).

    Args:
        proces: Het proces (zijn id, zoals in processen/).
        nu: Alleen voor een proef: het moment waarop deze run handelt (leeg: nu).
        alsnog: Start een gemiste ronde (zie het overzicht 'openstaand') toch, met een volle termijn vanaf nu.
    """
    moment = gedeeld.nu_of(nu)
    if gedeeld.omgeving().catalogus.proces(proces).per_persoon:
        return _per_persoon(proces, moment, alsnog)
    verslag = start(proces, moment, alsnog)
    uitkomst = verslag.uitkomst
    if uitkomst is None:
        return Completed(name="OVERGESLAGEN", message=f"Voor {proces} is nu geen ronde aan de beurt.")
    if isinstance(uitkomst, rondes.Gemist):
        return Completed(
            name="GEMIST",
            message=f"De ronde van {proces} van {uitkomst.gepland:%Y-%m-%d} komt te laat: minder dan de helft van de "
            "termijn is over. Niet gestart; start deze deployment met 'alsnog' aan voor een volle termijn.",
        )
    if not uitkomst.nieuw:
        return Completed(name="OVERGESLAGEN", message=f"De ronde van {proces} liep al; niets gedaan.")
    ronde_id = uitkomst.ronde.id
    gedeeld.meld(verslag.gebeurtenissen)
    gedeeld.verstuur(moment)
    gedeeld.toon_nieuwe_ronde(uitkomst.ronde)
    if concept := diensten.concept_bij_ronde(gedeeld.omgeving(), ronde_id=ronde_id, nu=moment):
        jaar, markdown = concept
        create_markdown_artifact(
            key=f"jaarverslag-{jaar}", markdown=markdown, description=f"Concept-jaarverslag integriteit {jaar}"
        )
    zorg_voor_bevestigingen()
    get_run_logger().info("ronde %s gestart", proces)
    return ronde_id


def _per_persoon(proces: str, moment: datetime, alsnog: bool):
    """A proces that starts with a person: its due rondes (with `alsnog` also the missed ones), each a run."""
    verslag = start_per_persoon(proces, moment, alsnog)
    if not verslag.uitkomst:
        return Completed(name="OVERGESLAGEN", message=f"Voor {proces} is nu geen ronde voor een persoon aan de beurt.")
    gedeeld.meld(verslag.gebeurtenissen)
    toon_persoonsrondes(verslag.gebeurtenissen)
    gedeeld.verstuur(moment)
    zorg_voor_bevestigingen()
    return [start.ronde.id for start in verslag.uitkomst]


def toon_persoonsrondes(gebeurtenissen: list[diensten.Domeingebeurtenis]) -> None:
    """A run of its own for each ronde for one person that started."""
    for g in gebeurtenissen:
        if g.soort == "gestart" and g.betreft is not None:
            persoonsronde_flow(proces=g.proces, betreft=g.betreft, ronde_id=g.ronde_id)


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
