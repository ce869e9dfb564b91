"""`integriteit valideer`, `agenda` and `voorbeeld`: checking the specs, seeing what comes due, and reading a
message before it goes out."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from enum import Enum
from typing import Annotated

import typer

from cli.gedeeld import ProcessenOptie, afgehandeld, catalogus_of_fout


def _datum(naam: str, uitleg: str):
    return typer.Option(naam, formats=["%Y-%m-%d"], help=uitleg, show_default=False)


def registreer(app: typer.Typer) -> None:
    app.command(help="Controleer alle processpecificaties; niets draait op een ongeldige specificatie.")(
        afgehandeld(valideer)
    )
    app.command(help="Toon wanneer elke ronde start, met deadline (standaard: de komende twaalf maanden).")(
        afgehandeld(agenda)
    )
    app.command(help="Toon een bericht van een proces zoals het verstuurd wordt, voor een voorbeeldontvanger.")(
        afgehandeld(voorbeeld)
    )


def valideer(processen: ProcessenOptie = None) -> None:
    from engine.catalogus import weergave_pad

    catalogus = catalogus_of_fout(processen)
    for waarschuwing in catalogus.waarschuwingen:
        typer.echo(str(waarschuwing), err=True)
    typer.echo(f"✔ {len(catalogus.processen)} processen geldig in {weergave_pad(catalogus.map)}")


def agenda(
    van: Annotated[datetime | None, _datum("--van", "Eerste dag (JJJJ-MM-DD); standaard vandaag.")] = None,
    tot: Annotated[datetime | None, _datum("--tot", "Laatste dag (JJJJ-MM-DD); standaard een jaar later.")] = None,
    processen: ProcessenOptie = None,
    als_json: Annotated[bool, typer.Option("--json", help="Eén JSON-lijst, gesorteerd op start en proces.")] = False,
    als_ics: Annotated[bool, typer.Option("--ics", help="Een iCalendar-bestand (RFC 5545) om te importeren.")] = False,
) -> None:
    from dateutil.relativedelta import relativedelta

    from cli.weergave import agenda_ics, agenda_json, agenda_tabel
    from engine.agenda import EERSTE_DAG, LAATSTE_DAG, per_persoon
    from engine.agenda import agenda as bereken_agenda

    if als_json and als_ics:
        raise typer.BadParameter("kies --json of --ics, niet allebei", param_hint="'--json' / '--ics'")
    for moment, optie in ((van, "--van"), (tot, "--tot")):
        if moment is not None and not EERSTE_DAG <= moment.date() <= LAATSTE_DAG:
            raise typer.BadParameter(
                f"{moment.date().isoformat()} ligt buiten de agenda: "
                f"kies een datum van {EERSTE_DAG} tot en met {LAATSTE_DAG}",
                param_hint=f"'{optie}'",
            )
    begin = van.date() if van else date.today()
    einde = tot.date() if tot else min(begin + relativedelta(years=1, days=-1), LAATSTE_DAG)
    if einde < begin:
        raise typer.BadParameter(f"{einde} ligt vóór --van {begin}", param_hint="'--tot'")
    catalogus = catalogus_of_fout(processen)
    plannen = bereken_agenda(catalogus, begin, einde)
    if als_json:
        typer.echo(json.dumps(agenda_json(plannen), ensure_ascii=False, indent=2))
    elif als_ics:
        sys.stdout.buffer.write(agenda_ics(plannen))
    else:
        typer.echo(agenda_tabel(plannen, begin, einde, per_persoon(catalogus)))


Soort = Enum(
    "Soort", {s: s for s in ("verzoek", "herinnering", "escalatie", "taak", "ontvangst", "gesloten")}, type=str
)


def voorbeeld(
    proces: Annotated[str, typer.Argument(help="Het id van het proces, bijv. nevenfuncties-statenleden.")],
    stap: Annotated[str | None, typer.Option("--stap", help="Het id van de stap (standaard: de eerste).")] = None,
    soort: Annotated[Soort, typer.Option("--soort", help="Welk bericht.")] = "verzoek",
    processen: ProcessenOptie = None,
) -> None:
    from engine.diensten import voorbeeld as maak_voorbeeld

    bericht = maak_voorbeeld(
        catalogus_of_fout(processen), proces=proces, stap=stap, soort=Soort(soort).value, nu=datetime.now()
    )
    typer.echo(f"Aan:       {bericht.aan}")
    typer.echo(f"Onderwerp: {bericht.onderwerp}")
    typer.echo(f"Sjabloon:  {bericht.sjabloon}")
    typer.echo("\n--- tekst ---\n")
    typer.echo(bericht.tekst.rstrip("\n"))
    typer.echo("\n--- html ---\n")
    typer.echo(bericht.html.rstrip("\n"))
