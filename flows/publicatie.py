"""Publication as a flow the eigenaar starts after a ronde closes: the core writes the public registers and
records them (a sha256 per file in the audit trail); the Prefect UI shows what changed since the previous
publication and the files with their hashes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from engine import diensten
from engine.overzicht import veilig
from flows import gedeeld
from models.instellingen import instellingen


@flow(name="publicatie", flow_run_name=gedeeld.run_naam("publicatie"))
def publicatie_flow(map: str | None = None, peildatum: date | None = None, nu: datetime | None = None) -> dict:
    """Write the registers on `peildatum` (default: today) to `map` (default: INTEGRITEIT_PUBLICATIE)."""
    verslag = diensten.publiceer(
        gedeeld.omgeving(),
        map=Path(map) if map else instellingen().publicatie,
        nu=gedeeld.nu_of(nu),
        peildatum=peildatum,
    )
    get_run_logger().info(
        "%d bestanden naar %s, %d wijzigingen", len(verslag.bestanden), verslag.map, len(verslag.wijzigingen)
    )
    create_table_artifact(
        key="publicatie-wijzigingen",
        table=[
            {"wijziging": w.soort, "register": w.register, "wie": veilig(w.wie), "opgave": veilig(w.wat)}
            for w in verslag.wijzigingen
        ]
        or [{"wijziging": "geen", "register": "", "wie": "", "opgave": ""}],
        description=f"Wijzigingen in de openbare registers sinds de vorige publicatie (stand op {verslag.peildatum}).",
    )
    regels = [f"# Publicatie {verslag.peildatum}", "", f"Map: `{verslag.map}`", "", "| bestand | sha256 |", "|---|---|"]
    create_markdown_artifact(
        key="publicatie-bestanden",
        markdown="\n".join(regels + [f"| {pad} | `{hash_}` |" for pad, hash_ in verslag.bestanden.items()]) + "\n",
        description="De gepubliceerde bestanden met hun sha256, zoals in de audit trail.",
    )
    return {"bestanden": len(verslag.bestanden), "wijzigingen": len(verslag.wijzigingen)}
