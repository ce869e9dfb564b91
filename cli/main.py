"""Entry point of `integriteit`; each group of commands lives in its own module."""

from __future__ import annotations

import typer

from cli import beheer, motor, publicatie, specs, start, web

app = typer.Typer(
    name="integriteit",
    help="Procesmotor voor het Integriteitsplan van Provincie Utrecht.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rendering it with rich would import a second of modules first
)
specs.registreer(app)
motor.registreer(app)
start.registreer(app)
web.registreer(app)
publicatie.registreer(app)
beheer.registreer(app)

if __name__ == "__main__":
    app()
