"""An owner's confirmation in the Prefect UI: a short run that suspends until its form is filled in.

Why suspend and not pause: a suspended run ends its process, so nothing holds a worker for the weeks a GS
decision can take, and it has no timeout, so it does not fail after an hour (pause's default). The database
stays the source of truth: the run is only a form. Confirmed by email or `integriteit bevestig` instead,
the daily watch cancels the waiting run, saying so.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateName,
)
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from prefect.runtime import flow_run
from prefect.states import Cancelled, Completed
from pydantic import Field

from engine import bevestigingen, diensten
from engine.antwoorden import AlBevestigd
from flows import gedeeld

DEPLOYMENT = "bevestiging/bevestiging"


class Bevestiging(RunInput):
    """De bevestiging van de eigenaar."""

    datum: date = Field(description="Datum van de vergadering of het besluit (JJJJ-MM-DD).")
    kenmerk: str = Field(default="", description="Kenmerk van het vergaderstuk of besluit, bijv. GS 2027/123.")


def _naam() -> str:
    parameters = flow_run.parameters
    return " ".join(filter(None, [parameters["proces"], parameters.get("stap"), "bevestiging"]))


@flow(name="bevestiging", flow_run_name=_naam)
def bevestiging_flow(ronde_id: int, proces: str, stap: str = ""):
    """Wait for the eigenaar's confirmation of this ronde; record it through the core."""
    if not _lopend(ronde_id):
        return Completed(name="OVERGESLAGEN", message="Deze stap is al afgerond.")
    formulier = Bevestiging.with_initial_data(description=_uitleg(ronde_id))
    invoer = suspend_flow_run(wait_for_input=formulier, timeout=None, key=f"bevestiging-{ronde_id}")
    moment = gedeeld.nu_of(None)
    try:
        verslag = diensten.bevestig(
            gedeeld.omgeving(),
            ronde_id=ronde_id,
            nu=moment,
            datum=invoer.datum,
            kenmerk=invoer.kenmerk or None,
            kanaal="prefect",  # the Prefect login says nothing about who: recorded as the asked role, via Prefect
            verzenden=False,
        )
    except AlBevestigd:  # confirmed another way (the web page, the CLI) while this run waited
        return Completed(name="OVERGESLAGEN", message="Deze stap was al op een andere manier bevestigd.")
    gedeeld.meld(verslag.gebeurtenissen)
    gedeeld.toon_ronde(ronde_id)
    gedeeld.verstuur(moment)
    zorg_voor_bevestigingen()  # the confirmation may have started a next stap that waits too
    return f"bevestigd op {invoer.datum}"


def _uitleg(ronde_id: int) -> str:
    """Above the form: a confirmation here is recorded as the role, via Prefect (its login says nothing about
    who); the web page records it in the eigenaar's own name."""
    link = bevestigingen.link(gedeeld.omgeving().inst.basis_url, ronde_id)
    return (
        "Een bevestiging hier wordt vastgelegd als de rol van de eigenaar, via Prefect: de Prefect-login zegt niet "
        f"wie u bent. Wilt u met uw eigen naam bevestigen? Doe het dan op de webpagina: [{link}]({link}). "
        "Wat het eerst komt, telt; dit formulier vervalt dan."
    )


def zorg_voor_bevestigingen() -> None:
    """One waiting confirmation run per waiting ronde (the idempotency key makes a second call a no-op)."""
    for ronde in diensten.wachtende_bevestigingen(gedeeld.omgeving()):
        try:
            run_deployment(
                DEPLOYMENT,
                parameters={"ronde_id": ronde.id, "proces": ronde.proces, "stap": ronde.stap},
                timeout=0,
                idempotency_key=f"bevestiging-{ronde.id}",
                as_subflow=False,
            )
        except ObjectNotFound:
            get_run_logger().warning("deployment %s ontbreekt: start de motor met `integriteit start`", DEPLOYMENT)
            return


def ruim_bevestigingen_op() -> None:
    """Cancel waiting confirmation runs whose ronde was confirmed or closed meanwhile."""
    with get_client(sync_client=True) as client:
        for run in _runs(client, ["Suspended"]):
            if not _lopend(int(run.parameters["ronde_id"])):
                client.set_flow_run_state(
                    run.id, Cancelled(message="Al bevestigd of afgesloten; formulier vervalt."), force=True
                )


def formulieren(**client_opties) -> dict[int, str]:
    """Ronde id -> the id of its confirmation run that waits for the form or is about to (for the overviews'
    links; the run suspends moments after it is made)."""
    with get_client(sync_client=True, **client_opties) as client:
        runs = _runs(client, ["Suspended", "Scheduled", "Pending", "Running"])
    return {int(run.parameters["ronde_id"]): str(run.id) for run in runs}


def _runs(client, toestanden: list[str]) -> list:
    """The runs of the confirmation deployment in one of these states."""
    return client.read_flow_runs(
        deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["bevestiging"])),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(name=FlowRunFilterStateName(any_=toestanden))),
    )


def _lopend(ronde_id: int) -> bool:
    return diensten.is_lopend(gedeeld.omgeving(), ronde_id)
