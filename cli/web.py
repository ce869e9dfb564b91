"""`integriteit web`: the web app (personal pages, one-click answers, login and review) on its own."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.gedeeld import ProcessenOptie, afgehandeld, omgeving


def registreer(app: typer.Typer) -> None:
    app.command(help="Start de website: persoonlijke pagina's, antwoorden met één klik, aanmelden en beoordelen.")(
        afgehandeld(web)
    )


def web(
    processen: ProcessenOptie = None,
    poort: Annotated[int, typer.Option("--poort", help="Poort van de website.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Adres om op te luisteren (0.0.0.0: alle).")] = "127.0.0.1",
) -> None:
    from web.app import maak_app
    from web.serveren import serveer

    omg = omgeving(processen, verzendt=True)
    app = maak_app(lambda: omgeving(processen))
    typer.echo(f"Website: http://{host}:{poort} (links in e-mails: {omg.inst.basis_url}). Stoppen: Ctrl-C.")
    serveer(app, host=host, poort=poort)
