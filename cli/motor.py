"""The engine's commands: persons, rondes, the daily watch, answers, confirmations, status, simulation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from functools import lru_cache
from imaplib import IMAP4
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlmodel import Session

from cli.specs import ProcessenOptie, laad_of_stop
from engine.antwoorden import OnbekendVerzoek, registreer_antwoord
from engine.antwoorden import bevestig as bevestig_stap
from engine.bewaking import bewaking as draai_bewaking
from engine.database import maak_engine, sessie
from engine.personen import DEMO, OngeldigeImport, importeer, lees_bestand
from engine.postvak import MAPPEN, lees_postvak
from engine.rondes import start_ronde
from engine.simulator import simuleer as draai_simulatie
from engine.status import rondes_status
from engine.verzenden import verzend as verstuur
from models.instellingen import instellingen
from models.werkdagen import TIJDZONE

NuOptie = Annotated[
    str | None,
    typer.Option("--nu", help="Doe alsof het nu dit moment is (ISO, Amsterdamse tijd; een datum alleen = 12:00)."),
]
personen_app = typer.Typer(help="Personen importeren uit een HR-export (CSV) of YAML.", no_args_is_help=True)
ronde_app = typer.Typer(help="Rondes starten.", no_args_is_help=True)


def registreer(app: typer.Typer) -> None:
    app.add_typer(personen_app, name="personen")
    app.add_typer(ronde_app, name="ronde")
    app.command(help="De dagelijkse bewaking: starten, herinneren, escaleren, afsluiten.")(bewaking)
    app.command(help="Leg een antwoord vast voor het verzoek met dit token.")(antwoord)
    app.command(help="Bevestig een stap die op de eigenaar wacht (datum en kenmerk).")(bevestig)
    app.command(help="De stand van elke ronde.")(status)
    app.command(help="Verstuur de berichten die klaarstaan (via INTEGRITEIT_SMTP_HOST).")(verzend)
    app.command(help="Lees de antwoorden uit het postvak (via INTEGRITEIT_IMAP_HOST).")(postvak)
    app.command(help="Simuleer jaren op een nagebootste klok met de demo-organisatie.")(simuleer)


def lees_nu(nu: str | None) -> datetime:
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


@lru_cache
def _engine(url: str) -> Engine:
    return maak_engine(url)


@contextmanager
def database() -> Iterator[Session]:
    """A session on the configured database, migrated once per command."""
    with sessie(_engine(instellingen().database_url)) as s:
        yield s


@personen_app.command("importeer", help="Importeer personen; wie ontbreekt wordt inactief (geschiedenis blijft).")
def personen_importeer(
    bestand: Annotated[Path | None, typer.Argument(help="CSV (HR-export) of YAML.", show_default=False)] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Laad de synthetische demo-organisatie.")] = False,
    processen: ProcessenOptie = None,
    nu: NuOptie = None,
) -> None:
    if (bestand is None) == (not demo):
        raise typer.BadParameter("geef een BESTAND of --demo (één van beide)")
    pad = DEMO if demo else bestand
    catalogus = laad_of_stop(processen)
    try:
        rijen = lees_bestand(pad, set(catalogus.rollen.rollen))
    except (OngeldigeImport, OSError) as fout:
        typer.echo(f"{fout}\nNiets geïmporteerd.", err=True)
        raise typer.Exit(1) from None
    with database() as s:
        verslag = importeer(s, rijen, lees_nu(nu))
    typer.echo(
        f"{len(rijen)} personen gelezen: {verslag.nieuw} nieuw, {verslag.gewijzigd} gewijzigd, "
        f"{verslag.ongewijzigd} ongewijzigd, {verslag.inactief} inactief gemaakt."
    )


@ronde_app.command("start", help="Start de ronde die nu aan de beurt is (een tweede keer doet niets).")
def ronde_start(proces: str, processen: ProcessenOptie = None, nu: NuOptie = None) -> None:
    catalogus = laad_of_stop(processen)
    try:
        spec = catalogus.proces(proces)
    except KeyError as fout:
        raise typer.BadParameter(fout.args[0], param_hint="'PROCES'") from None
    moment = lees_nu(nu)
    with database() as s:
        start = start_ronde(session=s, catalogus=catalogus, proces=spec, nu=moment)
    if start is None:
        typer.echo(f"Voor {proces} is op {moment:%Y-%m-%d %H:%M} geen ronde aan de beurt.", err=True)
        raise typer.Exit(1)
    r = start.ronde
    if start.nieuw:
        typer.echo(f"Ronde {proces} {r.startdatum} gestart: deadline {r.deadline}.")
    else:
        typer.echo(
            f"Ronde {proces} {r.startdatum} liep al (gestart {r.start.astimezone(TIJDZONE):%Y-%m-%d %H:%M}); "
            "niets gedaan."
        )
    _verstuur_als_smtp(catalogus, moment)


def bewaking(processen: ProcessenOptie = None, nu: NuOptie = None) -> None:
    catalogus = laad_of_stop(processen)
    moment = lees_nu(nu)
    with database() as s:
        verslag = draai_bewaking(session=s, catalogus=catalogus, nu=moment)
    typer.echo(", ".join(f"{verslag[k]} {k}" for k in ("gestart", "herinneringen", "escalaties", "gesloten")))
    _verstuur_als_smtp(catalogus, moment)


def verzend(processen: ProcessenOptie = None, nu: NuOptie = None) -> None:
    catalogus = laad_of_stop(processen)
    if not instellingen().smtp_host:
        typer.echo("Geen SMTP-server ingesteld (INTEGRITEIT_SMTP_HOST); de berichten blijven klaarstaan.", err=True)
        raise typer.Exit(1)
    _verstuur_als_smtp(catalogus, lees_nu(nu))


def postvak(processen: ProcessenOptie = None, nu: NuOptie = None) -> None:
    inst = instellingen()
    if not inst.imap_host:
        typer.echo("Geen IMAP-server ingesteld (INTEGRITEIT_IMAP_HOST).", err=True)
        raise typer.Exit(1)
    catalogus = laad_of_stop(processen)
    moment = lees_nu(nu)
    try:
        verslag = lees_postvak(engine=_engine(inst.database_url), catalogus=catalogus, inst=inst, nu=moment)
    except (OSError, IMAP4.error) as fout:
        typer.echo(f"Het postvak kon niet worden gelezen: {fout}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{sum(verslag.values())} berichten gelezen: " + ", ".join(f"{verslag[m]} {m}" for m in MAPPEN))
    _verstuur_als_smtp(catalogus, moment)


def _verstuur_als_smtp(catalogus, moment: datetime) -> None:
    """Send what is queued when an SMTP server is configured, and say what happened; a storing fails the
    command (exit 1), so a scheduler notices that mail waits."""
    if not instellingen().smtp_host:
        return
    with database() as s:
        verslag = verstuur(session=s, catalogus=catalogus, nu=moment, inst=instellingen())
    typer.echo(f"Verzonden: {verslag.verzonden}, geweigerd: {verslag.geweigerd}, wachtend: {verslag.uitgesteld}.")
    if verslag.storing:
        typer.echo(f"SMTP-storing, alles blijft klaarstaan. De server zei: {verslag.storing}", err=True)
        raise typer.Exit(1)


def antwoord(
    token: str,
    geen_wijzigingen: Annotated[bool, typer.Option("--geen-wijzigingen", help="Alles klopt nog.")] = False,
    tekst: Annotated[str | None, typer.Option("--tekst", help="De wijzigingen, voor de eigenaar.")] = None,
    processen: ProcessenOptie = None,
    nu: NuOptie = None,
) -> None:
    if geen_wijzigingen == (tekst is not None):
        raise typer.BadParameter("geef --geen-wijzigingen of --tekst (één van beide)")
    catalogus = laad_of_stop(processen)
    with database() as s, _bekend():
        vastgelegd = registreer_antwoord(
            session=s,
            catalogus=catalogus,
            token=token,
            nu=lees_nu(nu),
            kanaal="cli",
            geen_wijzigingen=geen_wijzigingen,
            tekst=tekst,
        )
    typer.echo(
        "Antwoord vastgelegd, maar te laat: de ronde is al gesloten." if vastgelegd.te_laat else "Antwoord vastgelegd."
    )


def bevestig(
    proces: str,
    datum: Annotated[datetime, typer.Option("--datum", formats=["%Y-%m-%d"], help="Datum van vergadering of besluit.")],
    kenmerk: Annotated[str | None, typer.Option("--kenmerk", help="Kenmerk van stuk of besluit.")] = None,
    stap: Annotated[str | None, typer.Option("--stap", help="De stap, als het proces er meer heeft.")] = None,
    processen: ProcessenOptie = None,
    nu: NuOptie = None,
) -> None:
    catalogus = laad_of_stop(processen)
    with database() as s, _bekend():
        bevestig_stap(
            session=s,
            catalogus=catalogus,
            proces=proces,
            stap=stap,
            nu=lees_nu(nu),
            datum=datum.date(),
            kenmerk=kenmerk,
        )
    typer.echo(f"Bevestiging voor {proces} vastgelegd ({datum:%Y-%m-%d}).")


def status(als_json: Annotated[bool, typer.Option("--json")] = False, nu: NuOptie = None) -> None:
    lees_nu(nu)  # status reads what is stored; --nu is accepted for symmetry and checked
    with database() as s:
        rondes = rondes_status(s)
    if als_json:
        typer.echo(json.dumps({"rondes": rondes}, ensure_ascii=False, indent=2))
        return
    for r in rondes:
        typer.echo(
            f"{r['start']}  {r['proces']:<34} {r['stap'] or '':<16} {r['status']:<9} "
            f"{r['beantwoord']}/{r['verzoeken']} beantwoord, deadline {r['deadline']}"
        )


def simuleer(
    van: Annotated[datetime, typer.Option("--van", formats=["%Y-%m-%d"])],
    tot: Annotated[datetime, typer.Option("--tot", formats=["%Y-%m-%d"])],
    antwoordkans: Annotated[float, typer.Option("--antwoordkans", min=0.0, max=1.0)] = 0.8,
    zaad: Annotated[int, typer.Option("--zaad")] = 1,
    als_json: Annotated[bool, typer.Option("--json")] = False,
    processen: ProcessenOptie = None,
) -> None:
    if tot < van:
        raise typer.BadParameter(f"{tot:%Y-%m-%d} ligt vóór --van", param_hint="'--tot'")
    catalogus = laad_of_stop(processen)
    uitkomst = draai_simulatie(
        catalogus=catalogus, van=van.date(), tot=tot.date(), antwoordkans=antwoordkans, zaad=zaad
    )
    if als_json:
        typer.echo(json.dumps(uitkomst, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'proces':<34} rondes voltooid verlopen verzoeken beantwoord herinneringen escalaties")
    for proces in sorted({r["proces"] for r in uitkomst["rondes"]}):
        rs = [r for r in uitkomst["rondes"] if r["proces"] == proces]
        som = {k: sum(r[k] for r in rs) for k in ("verzoeken", "beantwoord", "herinneringen", "escalaties")}
        typer.echo(
            f"{proces:<34} {len(rs):>6} {sum(r['status'] == 'voltooid' for r in rs):>8} "
            f"{sum(r['status'] == 'verlopen' for r in rs):>8} {som['verzoeken']:>9} {som['beantwoord']:>10} "
            f"{som['herinneringen']:>13} {som['escalaties']:>10}"
        )
    typer.echo("berichten: " + ", ".join(f"{n} {soort}" for soort, n in uitkomst["berichten"].items()))


@contextmanager
def _bekend() -> Iterator[None]:
    try:
        yield
    except (OnbekendVerzoek, KeyError) as fout:
        typer.echo(str(fout.args[0]), err=True)
        raise typer.Exit(1) from None
