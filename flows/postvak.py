"""The mailbox poll as a flow: read the replies, send the confirmations, update the overview."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.states import Completed

from engine import diensten
from flows import gedeeld
from models.instellingen import instellingen
from notifications.imap import Postvakstoring


def _geen_storing(_task, _run, toestand) -> bool:
    """Retry what failed, but not a storing of the IMAP server: the next poll, five minutes on, tries again, and
    a refused login tried three times a minute can lock the mailbox's account."""
    return not isinstance(toestand.data, Postvakstoring)


@task(name="lees-postvak", retries=2, retry_delay_seconds=30, retry_condition_fn=_geen_storing)
def lees(nu: datetime) -> diensten.Verslag:
    """Safe to retry: a message read twice is recognised by its Message-ID. A Postvakstoring fails the run with
    its Dutch line (the server's answer); the poll already told the alert channels."""
    return diensten.lees_postvak(gedeeld.omgeving(), nu=nu, verzenden=False)


@flow(name="postvak", flow_run_name=gedeeld.run_naam("postvak"), **gedeeld.BEWAAKT)
def postvak_flow(nu: datetime | None = None):
    if not instellingen().imap_host:
        return Completed(name="OVERGESLAGEN", message="Geen IMAP-server ingesteld (INTEGRITEIT_IMAP_HOST).")
    moment = gedeeld.nu_of(nu)
    verslag = lees(moment)
    mappen = dict(verslag.uitkomst)
    get_run_logger().info("postvak: %s", ", ".join(f"{v} {k}" for k, v in mappen.items()) or "leeg")
    if mappen:
        gedeeld.meld(verslag.gebeurtenissen)
        gedeeld.verstuur(moment)
        gedeeld.toon_lopende_rondes()
    return mappen
