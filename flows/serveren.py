"""Serving the deployments: the plan (flows.plan) made into Prefect deployments, stale ones removed."""

from __future__ import annotations

from prefect import serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, RRule

from flows.bevestiging import bevestiging_flow
from flows.bewaking import bewaking_flow
from flows.plan import TIJDZONE_NAAM, Deploymentplan
from flows.postvak import postvak_flow
from flows.ronde import ronde_flow

FLOWS = {"ronde": ronde_flow, "bewaking": bewaking_flow, "postvak": postvak_flow, "bevestiging": bevestiging_flow}


def als_deployment(plan: Deploymentplan) -> RunnerDeployment:
    schemas = [
        (RRule if s.soort == "rrule" else Cron)(s.expressie, timezone=TIJDZONE_NAAM, slug=s.slug) for s in plan.schemas
    ]
    return FLOWS[plan.flow].to_deployment(
        name=plan.naam,
        schedules=schemas,
        parameters=plan.parameters,
        tags=list(plan.tags),
        description=plan.beschrijving,
    )


def verwijder_verouderde(plannen: list[Deploymentplan]) -> list[str]:
    """Delete deployments of our flows that no plan names any more (a removed or paused spec)."""
    gewenst = {f"{p.flow}/{p.naam}" for p in plannen}
    verwijderd = []
    with get_client(sync_client=True) as client:
        flows = {f.id: f.name for f in client.read_flows(flow_filter=FlowFilter(name=FlowFilterName(any_=list(FLOWS))))}
        for deployment in client.read_deployments(flow_filter=FlowFilter(name=FlowFilterName(any_=list(FLOWS)))):
            naam = f"{flows.get(deployment.flow_id)}/{deployment.name}"
            if naam not in gewenst:
                client.delete_deployment(deployment.id)
                verwijderd.append(naam)
    return verwijderd


def serveer(plannen: list[Deploymentplan]) -> None:
    """Serve every deployment until interrupted; schedules stay active when it stops (no pause on shutdown)."""
    serve(*(als_deployment(p) for p in plannen), pause_on_shutdown=False, print_starting_message=False)
