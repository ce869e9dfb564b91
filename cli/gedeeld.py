"""What every command shares: the common options, reading `--nu`, the use cases' environment, and the one
place where what a user got wrong (`Gebruikersfout`) becomes a Dutch message and an exit code.

Only typer and the standard library are imported at the top: `integriteit --help` must answer at once, so
the engine (sqlalchemy, pydantic, jinja2, alembic...) is imported where a command runs.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer

from models.gebruikersfouten import Gebruikersfout

ProcessenOptie = Annotated[
    Path | None,
    typer.Option("--processen", help="Map met processpecificaties (standaard: de processen/ van het project)."),
]
NuOptie = Annotated[
    str | None,
    typer.Option("--nu", help="Doe alsof het nu dit moment is (ISO, Amsterdamse tijd; een datum alleen = 12:00)."),
]


def afgehandeld(opdracht: Callable[..., Any]) -> Callable[..., Any]:
    """The command, with what the user got wrong printed to stderr (in Dutch) and its exit code."""

    @functools.wraps(opdracht)
    def omhulsel(*args: Any, **kwargs: Any) -> Any:
        try:
            return opdracht(*args, **kwargs)
        except Gebruikersfout as fout:
            _meld(fout)
            raise typer.Exit(fout.exitcode) from None
        except Exception as fout:
            if not database_bezet(fout):
                raise
            typer.echo(BEZET, err=True)
            raise typer.Exit(1) from None

    return omhulsel


BEZET = (
    "De database is bezet: een andere bewerking (de bewaking, een import) schrijft er al meer dan 30 seconden in. "
    "Er is niets veranderd; probeer het over een paar minuten opnieuw."
)


def database_bezet(fout: BaseException) -> bool:
    """Whether SQLite gave up waiting for another writer (after its busy timeout): a moment's problem, not a bug."""
    from sqlalchemy.exc import OperationalError

    return isinstance(fout, OperationalError) and "database is locked" in str(fout.orig)


def catalogus_of_fout(processen: Path | None):
    """The catalogue of `--processen` or the configured folder; OngeldigeCatalogus when it has problems."""
    from engine.diensten import catalogus
    from models.instellingen import instellingen

    return catalogus(processen or instellingen().processen)


def omgeving(processen: Path | None = None, *, verzendt: bool = False):
    """The use cases' environment from the settings; the catalogue from `--processen` when given. A command that
    sends mail (`verzendt`) refuses, before it does anything, real mail whose links would point at this machine."""
    from engine.diensten import Omgeving
    from models.instellingen import controleer_basis_url, instellingen

    if verzendt:
        controleer_basis_url(instellingen())
    return Omgeving.uit_instellingen(processen=processen)


MAILMAP = Path("data/mail")


@contextmanager
def mailvanger_zonder_smtp() -> Iterator[None]:
    """Where no SMTP server is set (a development machine): a mail catcher that keeps every message as an .eml in
    MAILMAP, for this process and the ones it starts (the INTEGRITEIT_SMTP_ settings point at it, and a random
    signing key is set when there is none); it stops when the block ends. With an SMTP server set, nothing."""
    from models.instellingen import instellingen
    from notifications.mailvanger import mailvanger

    if instellingen().smtp_host:
        yield
        return
    with mailvanger(MAILMAP) as poort:
        os.environ.update(
            {"INTEGRITEIT_SMTP_HOST": "127.0.0.1", "INTEGRITEIT_SMTP_PORT": str(poort), "INTEGRITEIT_SMTP_TLS": "geen"}
        )
        if not instellingen().geheim:  # one random key for the website and its workers
            os.environ["INTEGRITEIT_GEHEIM"] = secrets.token_urlsafe(32)
        instellingen.cache_clear()
        typer.echo(f"Geen SMTP-server ingesteld: uitgaande berichten worden bewaard in {MAILMAP.resolve()}/")
        yield


def lees_nu(nu: str | None) -> datetime:
    from models.werkdagen import TIJDZONE

    if nu is None:
        return datetime.now(TIJDZONE)
    try:
        moment = (
            datetime.fromisoformat(nu) if "T" in nu or " " in nu else datetime.combine(date.fromisoformat(nu), time(12))
        )
    except ValueError:
        raise typer.BadParameter(
            f"'{nu}' is geen datum of tijdstip; schrijf bijv. 2027-03-01T09:30", param_hint="'--nu'"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=TIJDZONE)


def _meld(fout: Gebruikersfout) -> None:
    from engine.catalogus import OngeldigeCatalogus

    if not isinstance(fout, OngeldigeCatalogus):
        typer.echo(str(fout), err=True)
        return
    for probleem in fout.problemen:
        typer.echo(str(probleem), err=True)
    fout_bestanden = {b: n for b, n in fout.bestanden.items() if n}
    for bestand, aantal in fout_bestanden.items():
        typer.echo(f"✘ {bestand} ({aantal} {'probleem' if aantal == 1 else 'problemen'})")
    typer.echo(
        f"{len(fout.problemen)} {'probleem' if len(fout.problemen) == 1 else 'problemen'} in "
        f"{len(fout_bestanden)} van {len(fout.bestanden)} bestanden; niets draait tot ze zijn opgelost."
    )
