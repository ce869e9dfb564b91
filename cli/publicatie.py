"""Publication and the yearly report: `integriteit publiceer`, `integriteit jaarverslag`, `integriteit jaarcijfer`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.gedeeld import NuOptie, ProcessenOptie, afgehandeld, lees_nu, omgeving


def registreer(app: typer.Typer) -> None:
    app.command(help="Schrijf de openbare registers als website en open data (JSON, CSV) naar een map.")(
        afgehandeld(publiceer)
    )


def publiceer(
    map: Annotated[Path, typer.Option("--map", help="Map voor de website en de open data.")],
    peildatum: Annotated[
        datetime | None,
        typer.Option("--peildatum", formats=["%Y-%m-%d"], help="Wat op deze dag openbaar was (standaard: vandaag)."),
    ] = None,
    processen: ProcessenOptie = None,
    nu: NuOptie = None,
) -> None:
    from engine.diensten import publiceer as publiceer_registers
    from models.werkdagen import TIJDZONE

    verslag = publiceer_registers(
        omgeving(processen), map=map, nu=lees_nu(nu), peildatum=peildatum.date() if peildatum else None
    )
    typer.echo(f"{len(verslag.bestanden)} bestanden geschreven naar {map} (stand op {verslag.peildatum}).")
    if verslag.vorige is None:
        typer.echo("Dit is de eerste publicatie.")
    else:
        vorige = verslag.vorige.astimezone(TIJDZONE)
        typer.echo(f"Sinds de vorige publicatie ({vorige:%Y-%m-%d %H:%M}): {len(verslag.wijzigingen)} wijzigingen.")
    for w in verslag.wijzigingen:
        typer.echo(f"  {w.soort:<10} {w.register}: {w.wie}: {w.wat}")
