"""The engine's commands: persons, rondes, the daily watch, answers, confirmations, mail, status, simulation.

Each command reads its options, calls one use case (engine.diensten) and prints the report in Dutch.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.gedeeld import NuOptie, ProcessenOptie, afgehandeld, lees_nu, omgeving

personen_app = typer.Typer(
    help="Personen importeren uit een HR-export (CSV, Excel) of YAML.", no_args_is_help=True, rich_markup_mode=None
)
ronde_app = typer.Typer(help="Rondes starten.", no_args_is_help=True, rich_markup_mode=None)


def registreer(app: typer.Typer) -> None:
    app.add_typer(personen_app, name="personen")
    app.add_typer(ronde_app, name="ronde")
    personen_app.command("importeer", help="Importeer personen; wie ontbreekt wordt inactief (geschiedenis blijft).")(
        afgehandeld(personen_importeer)
    )
    ronde_app.command(
        "start", help="Start de ronde die nu aan de beurt is; een gemiste alsnog, met een volle termijn vanaf nu."
    )(afgehandeld(ronde_start))
    for opdracht, uitleg in (
        (bewaking, "De dagelijkse bewaking: starten, herinneren, escaleren, afsluiten."),
        (antwoord, "Leg een antwoord vast voor het verzoek met dit token."),
        (bevestig, "Bevestig een stap die op de eigenaar wacht (datum en kenmerk)."),
        (status, "De stand van elke ronde."),
        (verzend, "Verstuur de berichten die klaarstaan (via INTEGRITEIT_SMTP_HOST)."),
        (postvak, "Lees de antwoorden uit het postvak (via INTEGRITEIT_IMAP_HOST)."),
        (controle, "Controleer of de bewaking vandaag draaide; zo niet (na 10:00 op een werkdag), een melding."),
        (simuleer, "Simuleer jaren op een nagebootste klok met de demo-organisatie."),
    ):
        app.command(help=uitleg)(afgehandeld(opdracht))


def personen_importeer(
    bestand: Annotated[
        Path | None, typer.Argument(help="CSV of Excel (HR-export) of YAML.", show_default=False)
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Laad de synthetische demo-organisatie.")] = False,
    processen: ProcessenOptie = None,
    nu: NuOptie = None,
) -> None:
    from engine.diensten import importeer_personen, laad_demoregisters
    from engine.personen import OngeldigeImport

    if (bestand is None) == (not demo):
        raise typer.BadParameter("geef een BESTAND of --demo (één van beide)")
    omg = omgeving(processen)
    try:
        verslag = importeer_personen(omg, bestand=bestand, nu=lees_nu(nu)).uitkomst
    except (OngeldigeImport, OSError) as fout:
        typer.echo(f"{fout}\nNiets geïmporteerd.", err=True)
        raise typer.Exit(1) from None
    if demo:
        laad_demoregisters(omg, nu=lees_nu(nu))
    gelezen = verslag.nieuw + verslag.gewijzigd + verslag.ongewijzigd
    typer.echo(
        f"{gelezen} personen gelezen: {verslag.nieuw} nieuw, {verslag.gewijzigd} gewijzigd, "
        f"{verslag.ongewijzigd} ongewijzigd, {verslag.inactief} inactief gemaakt."
    )


def ronde_start(proces: str, processen: ProcessenOptie = None, nu: NuOptie = None) -> None:
    from engine.diensten import start_persoonsrondes, start_ronde
    from models.werkdagen import TIJDZONE

    moment, omg = lees_nu(nu), omgeving(processen, verzendt=True)
    # asked for by a person: a missed ronde starts too, with a full termijn (alsnog)
    if omg.catalogus.proces(proces).per_persoon:
        verslag = start_persoonsrondes(omg, proces=proces, nu=moment, alsnog=True)
        starts = verslag.uitkomst
    else:
        verslag = start_ronde(omg, proces=proces, nu=moment, alsnog=True)
        starts = [verslag.uitkomst] if verslag.uitkomst else []
    if not starts:
        typer.echo(f"Voor {proces} is op {moment:%Y-%m-%d %H:%M} geen ronde aan de beurt.", err=True)
        raise typer.Exit(1)
    betreft = {g.ronde_id: g.betreft for g in verslag.gebeurtenissen if g.betreft}
    for start in starts:
        r = start.ronde
        if start.nieuw:
            typer.echo(_gestart(proces, r, betreft.get(r.id)))
        else:
            gestart = r.start.astimezone(TIJDZONE)
            typer.echo(f"Ronde {proces} {r.startdatum} liep al (gestart {gestart:%Y-%m-%d %H:%M}); niets gedaan.")
    _meld_verzending(verslag.verzending)


def _gestart(proces: str, ronde, betreft: str | None) -> str:
    """`Ronde <proces> <period> gestart: deadline <date>.`, saying whom a ronde for one person is about (their
    function) and when a missed one got a full termijn."""
    from models.werkdagen import TIJDZONE

    wie = f" ({betreft})" if betreft else ""
    if ronde.start.astimezone(TIJDZONE).date() > ronde.startdatum:
        return (
            f"Ronde {proces} {ronde.startdatum}{wie} alsnog gestart, met een volle termijn vanaf nu: "
            f"deadline {ronde.deadline}."
        )
    return f"Ronde {proces} {ronde.startdatum}{wie} gestart: deadline {ronde.deadline}."


def bewaking(processen: ProcessenOptie = None, nu: NuOptie = None) -> None:
    from engine.diensten import bewaak

    omg, moment = omgeving(processen, verzendt=True), lees_nu(nu)
    verslag = bewaak(omg, nu=moment)
    telling = verslag.uitkomst
    typer.echo(", ".join(f"{telling[k]} {k}" for k in ("gestart", "herinneringen", "escalaties", "gesloten")))
    if telling["gemist"]:
        toon_gemist(omg, moment)
    if telling["fouten"]:
        typer.echo(
            f"{telling['fouten']} {'proces' if telling['fouten'] == 1 else 'processen'} met een fout: de rest liep "
            "gewoon door; de reden staat in het overzicht 'openstaand' en ging naar de meldkanalen.",
            err=True,
        )
    _meld_verzending(verslag.verzending)
    if telling["fouten"]:
        raise typer.Exit(1)


def toon_gemist(omg, moment: datetime) -> None:
    """The missed rondes the watch did not start, each with the command that starts it with a full termijn."""
    from engine.diensten import inhaalrondes

    gemist = inhaalrondes(omg, moment)[1]
    typer.echo(
        f"{len(gemist)} gemiste {'ronde' if len(gemist) == 1 else 'rondes'} niet gestart: minder dan de helft van de "
        "termijn over, of geen. Start er een met een volle termijn met de opdracht erachter."
    )
    typer.echo("\n".join(inhaalregels(gemist, opdracht=True)))


def inhaalregels(rondes: list, *, opdracht: bool) -> list[str]:
    """Per ronde whose planned start passed without it (engine.overzicht.Inhaalronde): its title, planned start,
    deadline and what is left of its termijn; with `opdracht`, the command that starts it with a full termijn."""
    regels = []
    for r in rondes:
        stand = "verstreken" if r.termijn.te_laat else f"nog {r.termijn.dagen} van de {r.dagen} dagen"
        betreft = f" ({r.betreft})" if r.betreft else ""
        start = f": integriteit ronde start {r.proces}" if opdracht else ""
        regels.append(f"  - {r.titel}{betreft}: gepland {r.gepland}, deadline {r.termijn.deadline} ({stand}){start}")
    return regels


def verzend(processen: ProcessenOptie = None, nu: NuOptie = None) -> None:
    from engine.diensten import verzend as verzend_outbox

    omg = omgeving(processen, verzendt=True)
    if not omg.inst.smtp_host:
        typer.echo("Geen SMTP-server ingesteld (INTEGRITEIT_SMTP_HOST); de berichten blijven klaarstaan.", err=True)
        raise typer.Exit(1)
    _meld_verzending(verzend_outbox(omg, nu=lees_nu(nu)))


def postvak(processen: ProcessenOptie = None, nu: NuOptie = None) -> None:
    from cli.voortgang import voortgang
    from engine.diensten import lees_postvak
    from engine.postvak import MAPPEN

    omg = omgeving(processen, verzendt=True)
    if not omg.inst.imap_host:
        typer.echo("Geen IMAP-server ingesteld (INTEGRITEIT_IMAP_HOST).", err=True)
        raise typer.Exit(1)
    with voortgang("Postvak lezen", None) as meld:  # a Postvakstoring is told in one line (cli.gedeeld)
        verslag = lees_postvak(omg, nu=lees_nu(nu), voortgang=meld)
    mappen = verslag.uitkomst
    typer.echo(f"{sum(mappen.values())} berichten gelezen: " + ", ".join(f"{mappen[m]} {m}" for m in MAPPEN))
    _meld_verzending(verslag.verzending)


def controle(processen: ProcessenOptie = None, nu: NuOptie = None) -> None:
    from engine.diensten import controleer
    from models.werkdagen import TIJDZONE

    uitkomst = controleer(omgeving(processen), nu=lees_nu(nu))
    laatste = uitkomst.laatste_bewaking
    typer.echo(f"Laatste bewaking: {laatste.astimezone(TIJDZONE):%Y-%m-%d %H:%M}." if laatste else "Nog nooit bewaakt.")
    if uitkomst.gemist:
        gemeld = "gemeld aan de meldkanalen" if uitkomst.gemeld else "vandaag al gemeld, of geen meldkanaal ingesteld"
        typer.echo(f"De bewaking heeft vandaag niet gedraaid ({gemeld}).", err=True)
        raise typer.Exit(1)


def antwoord(
    token: str,
    geen_wijzigingen: Annotated[bool, typer.Option("--geen-wijzigingen", help="Alles klopt nog.")] = False,
    regels: Annotated[
        list[str] | None,
        typer.Option(
            "--regel",
            help='Een regel voor het register, als JSON, bv. \'{"omschrijving": "Voorzitter", "sinds": "1-1-2026"}\' '
            '(met "regel": een bestaande regel wijzigen of beëindigen); mag vaker.',
        ),
    ] = None,
    tekst: Annotated[
        str | None, typer.Option("--tekst", help="Vrije tekst voor de eigenaar; bij regels hun toelichting.")
    ] = None,
    datum: Annotated[
        datetime | None,
        typer.Option(
            "--datum", formats=["%Y-%m-%d"], help="Voor een bevestiging: de datum van vergadering of besluit."
        ),
    ] = None,
    kenmerk: Annotated[str | None, typer.Option("--kenmerk", help="Voor een bevestiging: het kenmerk.")] = None,
    processen: ProcessenOptie = None,
    nu: NuOptie = None,
) -> None:
    from engine.antwoorden import Invoer
    from engine.diensten import beantwoord

    if geen_wijzigingen == bool(regels or tekst is not None or datum is not None):
        raise typer.BadParameter("geef --geen-wijzigingen, of --regel, --tekst en/of --datum")
    invoer = Invoer(
        token,
        kanaal="cli",
        geen_wijzigingen=geen_wijzigingen,
        regels=tuple(_regel(r) for r in regels or []),
        tekst=tekst,
        datum=datum.date() if datum else None,
        kenmerk=kenmerk,
    )
    verslag = beantwoord(omgeving(processen, verzendt=True), invoer=[invoer], nu=lees_nu(nu))
    typer.echo(_vastgelegd(verslag.uitkomst[0]))
    _meld_verzending(verslag.verzending)


def _regel(tekst: str) -> dict:
    try:
        regel = json.loads(tekst)
    except json.JSONDecodeError as fout:
        raise typer.BadParameter(f"--regel {tekst!r} is geen JSON: {fout.msg} (teken {fout.pos + 1})") from None
    if not isinstance(regel, dict):
        raise typer.BadParameter(f'--regel {tekst!r} moet een JSON-object zijn, bv. \'{{"omschrijving": "..."}}\'')
    return regel


def _vastgelegd(v) -> str:
    """What the recorded answer means, in Dutch."""
    if v.al_beantwoord:
        return "Dit verzoek was al beantwoord; er is niets veranderd."
    voorstellen = f" {len(v.voorstellen)} voorstel(len) wacht(en) op de eigenaar." if v.voorstellen else ""
    if not v.telt:
        return f"Antwoord vastgelegd, maar te laat: het telt niet meer mee; de eigenaar ziet het.{voorstellen}"
    return f"Antwoord vastgelegd{', te laat' if v.te_laat else ''}.{voorstellen}"


def bevestig(
    proces: str,
    datum: Annotated[datetime, typer.Option("--datum", formats=["%Y-%m-%d"], help="Datum van vergadering of besluit.")],
    kenmerk: Annotated[str | None, typer.Option("--kenmerk", help="Kenmerk van stuk of besluit.")] = None,
    stap: Annotated[str | None, typer.Option("--stap", help="De stap, als het proces er meer heeft.")] = None,
    processen: ProcessenOptie = None,
    nu: NuOptie = None,
) -> None:
    from engine.diensten import bevestig as bevestig_stap

    verslag = bevestig_stap(
        omgeving(processen, verzendt=True),
        proces=proces,
        stap=stap,
        nu=lees_nu(nu),
        datum=datum.date(),
        kenmerk=kenmerk,
        kanaal="cli",
    )
    typer.echo(f"Bevestiging voor {proces} vastgelegd ({datum:%Y-%m-%d}).")
    _meld_verzending(verslag.verzending)


def status(
    als_json: Annotated[bool, typer.Option("--json", help="Als JSON, voor andere programma's.")] = False,
    processen: ProcessenOptie = None,
) -> None:
    from engine.diensten import rondes_status

    rondes = rondes_status(omgeving(processen))
    if als_json:
        typer.echo(json.dumps({"rondes": rondes}, ensure_ascii=False, indent=2))
        return
    for r in rondes:
        typer.echo(
            f"{r['start']}  {r['proces']:<34} {r['stap'] or '':<16} {r['status']:<9} "
            f"{r['beantwoord']}/{r['verzoeken']} beantwoord, deadline {r['deadline']}"
        )
        for b in r["bevestigd"]:
            typer.echo(f"            bevestigd: {b['persoon']} op {b['datum']}")


def simuleer(
    van: Annotated[datetime, typer.Option("--van", formats=["%Y-%m-%d"], help="Eerste dag (JJJJ-MM-DD).")],
    tot: Annotated[datetime, typer.Option("--tot", formats=["%Y-%m-%d"], help="Laatste dag (JJJJ-MM-DD).")],
    antwoordkans: Annotated[
        float, typer.Option("--antwoordkans", min=0.0, max=1.0, help="Kans dat iemand op tijd antwoordt.")
    ] = 0.8,
    zaad: Annotated[int, typer.Option("--zaad", help="Zelfde zaad, zelfde uitkomst.")] = 1,
    als_json: Annotated[bool, typer.Option("--json", help="Als JSON, voor andere programma's.")] = False,
    processen: ProcessenOptie = None,
) -> None:
    from cli.voortgang import voortgang
    from engine.diensten import catalogus
    from engine.simulator import simuleer as draai_simulatie
    from models.instellingen import instellingen

    if tot < van:
        raise typer.BadParameter(f"{tot:%Y-%m-%d} ligt vóór --van", param_hint="'--tot'")
    with voortgang("Simuleren", (tot - van).days + 1, stil=als_json) as meld:
        uitkomst = draai_simulatie(
            catalogus=catalogus(processen or instellingen().processen),
            van=van.date(),
            tot=tot.date(),
            antwoordkans=antwoordkans,
            zaad=zaad,
            voortgang=meld and (lambda dag: meld((dag - van.date()).days + 1)),
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


def _meld_verzending(verzending) -> None:
    """Say what sending did; a storing fails the command (exit 1), so a scheduler notices that mail waits."""
    if verzending is None:
        return
    typer.echo(
        f"Verzonden: {verzending.verzonden}, geweigerd: {verzending.geweigerd}, wachtend: {verzending.uitgesteld}."
    )
    if verzending.storing:
        typer.echo(f"SMTP-storing, alles blijft klaarstaan. De server zei: {verzending.storing}", err=True)
        raise typer.Exit(1)
