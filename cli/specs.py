"""`integriteit valideer` and `integriteit agenda`: checking the specs and seeing what comes due."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from dateutil.relativedelta import relativedelta

from cli.weergave import agenda_ics, agenda_json, agenda_tabel
from engine.agenda import agenda as bereken_agenda
from engine.catalogus import Catalogus, OngeldigeCatalogus, laad_catalogus, weergave_pad
from models.instellingen import instellingen

ProcessenOptie = Annotated[
    Path | None,
    typer.Option("--processen", help="Map met processpecificaties (standaard: de processen/ van het project)."),
]


def _datum(naam: str, uitleg: str):
    return typer.Option(naam, formats=["%Y-%m-%d"], help=uitleg, show_default=False)


def registreer(app: typer.Typer) -> None:
    app.command(help="Controleer alle processpecificaties; niets draait op een ongeldige specificatie.")(valideer)
    app.command(help="Toon wanneer elke ronde start, met deadline (standaard: de komende twaalf maanden).")(agenda)


def laad_of_stop(processen: Path | None) -> Catalogus:
    """The catalogue, or the valideer report on stderr and exit code 1."""
    try:
        return laad_catalogus(processen or instellingen().processen)
    except OngeldigeCatalogus as fout:
        _meld_problemen(fout)
        raise typer.Exit(1) from None


def valideer(processen: ProcessenOptie = None) -> None:
    catalogus = laad_of_stop(processen)
    typer.echo(f"✔ {len(catalogus.processen)} processen geldig in {weergave_pad(catalogus.map)}")


def agenda(
    van: Annotated[datetime | None, _datum("--van", "Eerste dag (JJJJ-MM-DD); standaard vandaag.")] = None,
    tot: Annotated[datetime | None, _datum("--tot", "Laatste dag (JJJJ-MM-DD); standaard een jaar later.")] = None,
    processen: ProcessenOptie = None,
    als_json: Annotated[bool, typer.Option("--json", help="Eén JSON-lijst, gesorteerd op start en proces.")] = False,
    als_ics: Annotated[bool, typer.Option("--ics", help="Een iCalendar-bestand (RFC 5545) om te importeren.")] = False,
) -> None:
    if als_json and als_ics:
        raise typer.BadParameter("kies --json of --ics, niet allebei", param_hint="'--json' / '--ics'")
    begin = van.date() if van else date.today()
    einde = tot.date() if tot else begin + relativedelta(years=1, days=-1)
    if einde < begin:
        raise typer.BadParameter(f"{einde} ligt vóór --van {begin}", param_hint="'--tot'")
    catalogus = laad_of_stop(processen)
    plannen = bereken_agenda(catalogus, begin, einde)
    if als_json:
        typer.echo(json.dumps(agenda_json(plannen), ensure_ascii=False, indent=2))
    elif als_ics:
        sys.stdout.buffer.write(agenda_ics(plannen))
    else:
        typer.echo(agenda_tabel(plannen, begin, einde))


def _meld_problemen(fout: OngeldigeCatalogus) -> None:
    for probleem in fout.problemen:
        typer.echo(str(probleem), err=True)
    fout_bestanden = {b: n for b, n in fout.bestanden.items() if n}
    for bestand, aantal in fout_bestanden.items():
        typer.echo(f"✘ {bestand} ({aantal} {'probleem' if aantal == 1 else 'problemen'})")
    typer.echo(
        f"{len(fout.problemen)} {'probleem' if len(fout.problemen) == 1 else 'problemen'} in "
        f"{len(fout_bestanden)} van {len(fout.bestanden)} bestanden; niets draait tot ze zijn opgelost."
    )
