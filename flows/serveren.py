"""Serving the deployments: the plan (flows.plan) made into Prefect deployments, stale ones removed.

Two ways to run them: `serveer` (one process, the default of `integriteit start`) or `naar_werkpool` (a work
pool whose workers, on any number of machines, run the flows from this project's folder).
"""

from __future__ import annotations

from pathlib import Path

from prefect import Flow, serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, RRule

from flows.bevestiging import bevestiging_flow
from flows.bewaking import bewaking_flow
from flows.controle import controle_flow
from flows.plan import TIJDZONE_NAAM, Deploymentplan
from flows.postvak import postvak_flow
from flows.publicatie import publicatie_flow
from flows.ronde import ronde_flow

FLOWS = {
    "ronde": ronde_flow,
    "bewaking": bewaking_flow,
    "postvak": postvak_flow,
    "bevestiging": bevestiging_flow,
    "controle": controle_flow,
    "publicatie": publicatie_flow,
}
PROJECT = Path(__file__).resolve().parents[1]
INGANGEN = {naam: f"flows/{naam}.py:{naam}_flow" for naam in FLOWS}


def als_deployment(plan: Deploymentplan) -> RunnerDeployment:
    return FLOWS[plan.flow].to_deployment(name=plan.naam, **_kenmerken(plan))


def serveer(plannen: list[Deploymentplan]) -> None:
    """Serve every deployment until interrupted; schedules stay active when it stops (no pause on shutdown)."""
    serve(*(als_deployment(p) for p in plannen), pause_on_shutdown=False, print_starting_message=False)


def naar_werkpool(plannen: list[Deploymentplan], werkpool: str) -> None:
    """Deploy every plan to a work pool; its workers load the flows from this project's folder."""
    for plan in plannen:
        flow = Flow.from_source(source=str(PROJECT), entrypoint=INGANGEN[plan.flow])
        flow.deploy(
            name=plan.naam, work_pool_name=werkpool, build=False, push=False, print_next_steps=False, **_kenmerken(plan)
        )


def verwijder_verouderde(plannen: list[Deploymentplan]) -> list[str]:
    """Delete deployments of our flows that no plan names any more (a removed or paused spec)."""
    gewenst = {f"{p.flow}/{p.naam}" for p in plannen}
    verwijderd = []
    with get_client(sync_client=True) as client:
        eigen = FlowFilter(name=FlowFilterName(any_=list(FLOWS)))
        flows = {f.id: f.name for f in client.read_flows(flow_filter=eigen)}
        for deployment in client.read_deployments(flow_filter=eigen):
            naam = f"{flows.get(deployment.flow_id)}/{deployment.name}"
            if naam not in gewenst:
                client.delete_deployment(deployment.id)
                verwijderd.append(naam)
    return verwijderd


def _kenmerken(plan: Deploymentplan) -> dict:
    schemas = [
        (RRule if s.soort == "rrule" else Cron)(s.expressie, timezone=TIJDZONE_NAAM, slug=s.slug) for s in plan.schemas
    ]
    return {
        "schedules": schemas,
        "parameters": plan.parameters,
        "tags": list(plan.tags),
        "description": plan.beschrijving,
        "concurrency_limit": plan.tegelijk,
    }
