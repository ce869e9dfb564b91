"""The engine's own check as a flow: on working days at 10:00, did today's watch run? (engine.controle)"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger

from engine import diensten
from flows import gedeeld
from models.werkdagen import TIJDZONE


@flow(name="controle", flow_run_name=gedeeld.run_naam("controle"))
def controle_flow(nu: datetime | None = None) -> bool:
    """True when today's watch ran (or none was due yet); the alert channels hear once a day when not."""
    uitkomst = diensten.controleer(gedeeld.omgeving(), nu=gedeeld.nu_of(nu))
    laatste = uitkomst.laatste_bewaking
    get_run_logger().info(
        "bewaking %s; laatst gedraaid: %s",
        "vandaag niet gedraaid, gemeld" if uitkomst.gemist else "in orde",
        f"{laatste.astimezone(TIJDZONE):%Y-%m-%d %H:%M}" if laatste else "nooit",
    )
    return not uitkomst.gemist
