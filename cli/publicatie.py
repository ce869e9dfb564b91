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
    app.command(help="Schrijf het concept-jaarverslag integriteit (Bijlage 2) als HTML en Markdown.")(
        afgehandeld(jaarverslag)
    )
    app.command(help="Leg een anoniem cijfer voor het jaarverslag vast (meldingen, klachten, trainingen, ...).")(
        afgehandeld(jaarcijfer)
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
    for register, standen in verslag.personen.items():
        uitsplitsing = ", ".join(f"{aantal} {stand[0].lower()}{stand[1:]}" for stand, aantal in standen.items())
        typer.echo(f"  {register}: {sum(standen.values())} personen: {uitsplitsing}")
    if verslag.vorige is None:
        typer.echo("Dit is de eerste publicatie.")
    else:
        vorige = verslag.vorige.astimezone(TIJDZONE)
        typer.echo(f"Sinds de vorige publicatie ({vorige:%Y-%m-%d %H:%M}): {len(verslag.wijzigingen)} wijzigingen.")
    for w in verslag.wijzigingen:
        typer.echo(f"  {w.soort:<10} {w.register}: {w.wie}: {w.wat}")


def jaarverslag(
    jaar: Annotated[int, typer.Option("--jaar", help="Het kalenderjaar van het verslag.")],
    map: Annotated[Path, typer.Option("--map", help="Map voor het verslag (HTML en Markdown).")],
    processen: ProcessenOptie = None,
    nu: NuOptie = None,
) -> None:
    from engine.diensten import schrijf_jaarverslag

    for pad in schrijf_jaarverslag(omgeving(processen), jaar=jaar, map=map, nu=lees_nu(nu)):
        typer.echo(f"Geschreven: {pad}")


def jaarcijfer(
    jaar: Annotated[int, typer.Option("--jaar", help="Het jaar waarvoor het cijfer telt.")],
    categorie: Annotated[str, typer.Option("--categorie", help="Bijv. melding-aantal, klachten, trainingen.")],
    aantal: Annotated[int, typer.Option("--aantal", help="Het aantal.")],
    omschrijving: Annotated[str, typer.Option("--omschrijving", help="Korte toelichting, zonder namen.")] = "",
    processen: ProcessenOptie = None,
    nu: NuOptie = None,
) -> None:
    from engine.diensten import leg_jaarcijfer_vast
    from models.jaarcijfers import CATEGORIEEN

    leg_jaarcijfer_vast(
        omgeving(processen),
        jaar=jaar,
        categorie=categorie,
        aantal=aantal,
        omschrijving=omschrijving,
        nu=lees_nu(nu),
        door=None,
    )
    typer.echo(f"Vastgelegd voor {jaar}: {CATEGORIEEN[categorie]}: {aantal}.")
