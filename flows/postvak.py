"""The mailbox poll as a flow: read the replies, send the confirmations, update the overview."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.states import Completed

from engine.postvak import lees_postvak
from flows import gedeeld
from models.instellingen import instellingen


@task(name="lees-postvak", retries=2, retry_delay_seconds=30)
def lees(nu: datetime) -> dict:
    """Safe to retry: a message read twice is recognised by its Message-ID."""
    return dict(lees_postvak(engine=gedeeld.engine(), catalogus=gedeeld.catalogus(), inst=instellingen(), nu=nu))


@flow(name="postvak", flow_run_name=gedeeld.run_naam("postvak"))
def postvak_flow(nu: datetime | None = None):
    if not instellingen().imap_host:
        return Completed(name="OVERGESLAGEN", message="Geen IMAP-server ingesteld (INTEGRITEIT_IMAP_HOST).")
    moment = gedeeld.nu_of(nu)
    verslag = lees(moment)
    get_run_logger().info("postvak: %s", ", ".join(f"{v} {k}" for k, v in verslag.items()) or "leeg")
    if verslag:
        gedeeld.verstuur(moment)
        gedeeld.toon_lopende_rondes()
        gedeeld.meld_wat_er_gebeurde(moment)
    return verslag
