"""The daily watch as a flow: the core's watch, sending, and the coordinator's overview."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task

from engine import diensten
from flows import gedeeld
from flows.bevestiging import ruim_bevestigingen_op, zorg_voor_bevestigingen
from flows.ronde import toon_persoonsrondes


@task(name="bewaking", retries=2, retry_delay_seconds=30)
def bewaak(nu: datetime) -> diensten.Verslag:
    return diensten.bewaak(gedeeld.omgeving(), nu=nu, verzenden=False)


@flow(name="bewaking", flow_run_name=gedeeld.run_naam("bewaking"), **gedeeld.BEWAAKT)
def bewaking_flow(nu: datetime | None = None) -> dict:
    moment = gedeeld.nu_of(nu)
    verslag = bewaak(moment)
    telling = dict(verslag.uitkomst)
    get_run_logger().info("bewaking: %s", ", ".join(f"{v} {k}" for k, v in telling.items()) or "niets te doen")
    gedeeld.meld(verslag.gebeurtenissen)
    toon_persoonsrondes(verslag.gebeurtenissen)
    gedeeld.verstuur(moment)
    gedeeld.toon_lopende_rondes()
    for g in verslag.gebeurtenissen:  # a closed ronde's table shows who never answered; the overview links to it
        if g.soort == "gesloten":
            gedeeld.toon_ronde(g.ronde_id)
    zorg_voor_bevestigingen()
    ruim_bevestigingen_op()
    gedeeld.toon_openstaand(moment)
    return telling
