"""The beheerder's commands for personal data and the audit trail: inzage (AVG art. 15), the audit chain's check,
and a backup of the database while the engine runs.

Each command reads its arguments, calls one use case (engine.diensten) and prints the report in Dutch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.gedeeld import afgehandeld, omgeving

audit_app = typer.Typer(
    help="De audittrail: gebeurtenissen in een hashketen.", no_args_is_help=True, rich_markup_mode=None
)


def registreer(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
    audit_app.command("controleer", help="Controleer de hashketen van de audittrail; noemt de eerste breuk.")(
        afgehandeld(audit_controleer)
    )
    app.command(help="Alles wat de motor over één persoon bewaart, als JSON (AVG art. 15).")(afgehandeld(inzage))
    app.command(help="Een consistente kopie van de SQLite-database, ook terwijl de motor draait.")(afgehandeld(backup))


def inzage(
    persoon: Annotated[str, typer.Argument(help="E-mailadres, nummer of extern_id van de persoon.")],
) -> None:
    from engine.diensten import geef_inzage

    dossiers = geef_inzage(omgeving(), wie=persoon)
    typer.echo(json.dumps({"personen": dossiers}, ensure_ascii=False, indent=2, default=str))


def audit_controleer() -> None:
    from engine.diensten import controleer_audit

    controle = controleer_audit(omgeving())
    if controle.breuk is None:
        typer.echo(f"De audittrail klopt: {controle.gecontroleerd} gebeurtenissen, de keten is ongebroken.")
        return
    b = controle.breuk
    plaats = f"volgnummer {b.volgnummer}" if b.volgnummer is not None else "zonder volgnummer"
    typer.echo(
        f"De audittrail is aangetast bij gebeurtenis {b.gebeurtenis_id} ({plaats}): {b.reden}. "
        f"De {controle.gecontroleerd} gebeurtenissen ervoor kloppen.",
        err=True,
    )
    raise typer.Exit(1)


def backup(pad: Annotated[Path, typer.Argument(help="Waar de kopie komt (een nieuw bestand).")]) -> None:
    from engine.diensten import maak_backup

    doel = maak_backup(omgeving(), doel=pad)
    typer.echo(f"Backup gemaakt: {doel} ({doel.stat().st_size} bytes).")
