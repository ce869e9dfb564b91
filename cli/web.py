"""`integriteit web`: the web app (personal pages, one-click answers, login and review) on its own; `--nu` shows
it as of a demo date, and without an SMTP server its mail is caught in data/mail/ as `start` does."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

import typer

from cli.gedeeld import NuOptie, ProcessenOptie, afgehandeld, lees_nu, mailvanger_zonder_smtp, omgeving


def registreer(app: typer.Typer) -> None:
    app.command(help="Start de website: persoonlijke pagina's, antwoorden met één klik, aanmelden en beoordelen.")(
        afgehandeld(web)
    )


def web(
    processen: ProcessenOptie = None,
    poort: Annotated[int, typer.Option("--poort", help="Poort van de website.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Adres om op te luisteren (0.0.0.0: alle).")] = "127.0.0.1",
    nu: NuOptie = None,
) -> None:
    from web.app import maak_app
    from web.serveren import serveer

    omg = omgeving(processen, verzendt=True)
    klok = _klok(nu)
    with mailvanger_zonder_smtp():
        app = maak_app(lambda: omgeving(processen), klok=klok)
        typer.echo(f"Website: http://{host}:{poort} (links in e-mails: {omg.inst.basis_url}). Stoppen: Ctrl-C.")
        if klok:
            typer.echo(f"De website doet alsof het {klok():%Y-%m-%d %H:%M} is; de klok loopt vanaf daar door.")
        serveer(app, host=host, poort=poort)


def _klok(nu: str | None) -> Callable[[], datetime] | None:
    """The app's clock from `--nu` on, running as real time runs (a demo of that day); None: the real time."""
    if nu is None:
        return None
    begin, gestart = lees_nu(nu), time.monotonic()
    return lambda: begin + timedelta(seconds=time.monotonic() - gestart)
