"""`integriteit start`: the whole product on embedded defaults, until Ctrl-C or SIGTERM.

Uses PREFECT_API_URL when set, otherwise starts a local Prefect server with its UI, on 127.0.0.1 unless told
otherwise and behind a login (Prefect's API auth string, made on first start and kept in data/ with mode 0600,
so nobody who merely reaches the port can read the runs or resume a GS decision); migrates the database;
loads the demo organisation into an empty one; catches mail in data/mail/ when no SMTP server is set; serves
the website (web/) on 127.0.0.1:8000 in a thread; and serves every deployment. Real mail (SMTP set) needs
INTEGRITEIT_GEHEIM and an INTEGRITEIT_BASIS_URL that is not this machine. Everything it started stops with it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.gedeeld import ProcessenOptie, afgehandeld, mailvanger_zonder_smtp, omgeving
from models.gebruikersfouten import Configuratiefout

TOEGANG = Path("data/prefect-toegang")
"""The login of the local Prefect server (`integriteit:<random>`), readable by its owner only."""


def registreer(app: typer.Typer) -> None:
    app.command(help="Start de motor: Prefect (met UI), alle deployments, de bewaking en het postvak.")(
        afgehandeld(start)
    )
    app.command(help="Zet alle deployments in een Prefect-werkpool, voor workers op meer machines.")(
        afgehandeld(werkpool)
    )


def werkpool(
    processen: ProcessenOptie = None,
    pool: Annotated[str, typer.Option("--pool", help="Naam van de werkpool (type process).")] = "integriteit",
) -> None:
    if not os.environ.get("PREFECT_API_URL"):
        raise typer.BadParameter("zet PREFECT_API_URL naar de gedeelde Prefect-server", param_hint="PREFECT_API_URL")
    catalogus = _database_klaar(processen)
    from flows.plan import plannen
    from flows.serveren import naar_werkpool, verwijder_verouderde

    subprocess.run(
        [_prefect(), "work-pool", "create", pool, "--type", "process", "--overwrite"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    lijst = plannen(catalogus, date.today())
    verwijder_verouderde(lijst)
    naar_werkpool(lijst, pool)
    typer.echo(f"{len(lijst)} deployments in werkpool {pool}. Start workers met: prefect worker start --pool {pool}")


def start(
    processen: ProcessenOptie = None,
    poort: Annotated[int, typer.Option("--poort", help="Poort van de lokale Prefect-server en UI.")] = 4200,
    host: Annotated[
        str, typer.Option("--host", help="Adres waarop de lokale Prefect-server luistert (0.0.0.0: overal).")
    ] = "127.0.0.1",
    webpoort: Annotated[int, typer.Option("--webpoort", help="Poort van de website (antwoorden, beoordelen).")] = 8000,
) -> None:
    from engine.diensten import catalogus
    from models.instellingen import controleer_basis_url, instellingen
    from web.beveiliging import geheim

    begin = time.monotonic()
    controleer_basis_url(instellingen())  # before the mail catcher: only real mail needs a real address
    if instellingen().smtp_host:
        geheim(instellingen())  # real mail needs a fixed signing key
    catalogus(processen or instellingen().processen)  # an invalid spec folder stops here, before anything starts
    signal.signal(signal.SIGTERM, _stop)
    with suppress(KeyboardInterrupt), ExitStack() as stapel:
        prefect_klaar = None
        if not os.environ.get("PREFECT_API_URL"):
            # Started first: the server's own start (imports, its database's migrations) takes longest, and
            # runs in its own process while this one migrates the engine's database and starts the website.
            login, nieuw = toegang(TOEGANG)
            prefect_klaar = stapel.enter_context(gestarte_prefect_server(poort, host=host, login=login))
        catalogus = _database_klaar(processen)
        if processen:
            os.environ["INTEGRITEIT_PROCESSEN"] = str(processen.resolve())
        stapel.enter_context(mailvanger_zonder_smtp())
        typer.echo(f"Website: {stapel.enter_context(website(webpoort))}")
        if prefect_klaar:
            os.environ.update({"PREFECT_API_URL": f"{prefect_klaar()}/api", "PREFECT_API_AUTH_STRING": login})
            if nieuw:
                typer.echo(
                    f"Prefect is afgeschermd. Aanmelden in de UI met: {login}\n"
                    f"(eenmalig getoond; bewaard in {TOEGANG.resolve()}, alleen leesbaar voor u. "
                    "Andere programma's: zet PREFECT_API_AUTH_STRING op deze waarde.)"
                )
        typer.echo(f"Prefect UI: {os.environ['PREFECT_API_URL'].removesuffix('/api')} (na {_sinds(begin)})")
        from flows.plan import plannen  # Prefect is imported only now that PREFECT_API_URL is known
        from flows.serveren import serveer, verwijder_verouderde

        lijst = plannen(catalogus, date.today())
        for naam in verwijder_verouderde(lijst):
            typer.echo(f"Deployment {naam} verwijderd: het proces bestaat niet meer of is gepauzeerd.")
        typer.echo(f"{len(lijst)} deployments worden bediend (na {_sinds(begin)}). Stoppen: Ctrl-C.")
        serveer(lijst)
    typer.echo("Gestopt.")


def _sinds(begin: float) -> str:
    return f"{time.monotonic() - begin:.1f} s".replace(".", ",")


def _database_klaar(processen):
    """The catalogue, once the database is migrated and, when empty, filled with the demo organisation."""
    from engine.diensten import importeer_personen, is_leeg, laad_demoregisters
    from models.werkdagen import TIJDZONE

    omg = omgeving(processen)
    if is_leeg(omg):
        verslag = importeer_personen(omg, bestand=None, nu=datetime.now(TIJDZONE)).uitkomst
        laad_demoregisters(omg, nu=datetime.now(TIJDZONE))
        typer.echo(f"Lege database: de synthetische demo-organisatie is geladen ({verslag.nieuw} personen).")
    typer.echo(f"Database: {omg.inst.database_url}")
    _inhalen(omg, datetime.now(TIJDZONE))
    return omg.catalogus


def _inhalen(omg, nu: datetime) -> None:
    """What the first watch will do with the rondes whose planned start passed while the engine was not running
    (or before its database existed): start those with at least half their termijn left, and leave the others to
    the coordinator, who hears of them here and in the overview."""
    from cli.motor import inhaalregels
    from engine.diensten import inhaalrondes

    laat, gemist = inhaalrondes(omg, nu)
    if laat:
        typer.echo(f"Inhalen: de eerstvolgende bewaking (werkdagen 08:00) start {len(laat)} gemiste ronde(s) alsnog:")
        typer.echo("\n".join(inhaalregels(laat, opdracht=False)))
    if gemist:
        typer.echo(
            f"{len(gemist)} gemiste ronde(s) start de bewaking niet: minder dan de helft van de termijn over, of geen. "
            "Start er een met een volle termijn met de opdracht erachter, of in de Prefect UI (deployment van het "
            "proces, Run > Custom run, alsnog aan); ze staan ook in het overzicht 'openstaand' en op /overzicht."
        )
        typer.echo("\n".join(inhaalregels(gemist, opdracht=True)))


@contextmanager
def website(poort: int) -> Iterator[str]:
    """The web app in a thread of this process on 127.0.0.1:`poort`; it stops when `start` stops."""
    from web.app import maak_app
    from web.serveren import op_de_achtergrond

    with ExitStack() as stapel:
        try:
            adres = stapel.enter_context(op_de_achtergrond(maak_app(), poort=poort))
        except OSError as fout:
            raise Configuratiefout(
                f"De website kon niet starten op poort {poort} ({fout.strerror}); kies een andere met --webpoort."
            ) from None
        yield adres


def toegang(pad: Path) -> tuple[str, bool]:
    """The Prefect login kept at `pad`, made there (mode 0600) when it does not exist yet; (login, new)."""
    if pad.exists():
        return pad.read_text(encoding="utf-8").strip(), False
    pad.parent.mkdir(parents=True, exist_ok=True)
    login = f"integriteit:{secrets.token_urlsafe(24)}"
    bestand = os.open(pad, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(bestand, "w", encoding="utf-8") as uit:
        uit.write(login + "\n")
    return login, True


@contextmanager
def prefect_server(poort: int, *, login: str | None = None, host: str = "127.0.0.1") -> Iterator[str]:
    """A local Prefect server, once it answers: its address (see gestarte_prefect_server)."""
    with gestarte_prefect_server(poort, login=login, host=host) as klaar:
        yield klaar()


@contextmanager
def gestarte_prefect_server(
    poort: int, *, login: str | None = None, host: str = "127.0.0.1"
) -> Iterator[Callable[[], str]]:
    """A local Prefect server in its own process group, listening on `host`; with `login`, every API call but
    the health check must carry it (HTTP basic auth; the UI asks for it). Yields at once, while it starts, a
    function that waits until it answers and returns its address. Stopped, with its children, on exit."""
    prefect = _prefect()
    omgeving = {k: v for k, v in os.environ.items() if k != "PREFECT_SERVER_API_AUTH_STRING"}
    omgeving |= {naam: os.environ.get(naam, waarde) for naam, waarde in SERVERINSTELLINGEN.items()}
    omgeving["PREFECT_UI_API_URL"] = os.environ.get("PREFECT_UI_API_URL", f"http://127.0.0.1:{poort}/api")
    if login:
        omgeving["PREFECT_SERVER_API_AUTH_STRING"] = login
    proces = subprocess.Popen(
        [prefect, "server", "start", "--host", host, "--port", str(poort)],
        env=omgeving,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    adres = f"http://127.0.0.1:{poort}"

    def klaar() -> str:
        _wacht_op(f"{adres}/api/health", proces)
        return adres

    try:
        yield klaar
    finally:
        _beeindig(proces)


SERVERINSTELLINGEN = {
    # The scheduler looks ahead 100 days by default; a four-yearly deployment would show no next run.
    "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME": "P1500D",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no internet here, and no telemetry wanted
    # Nothing here uses automations, work pools or blocks: their services and the registration of some fifty
    # block types on a first start cost start-up time and memory for nothing.
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
}
"""Settings of the local Prefect server, each unless the environment sets it."""


def _wacht_op(url: str, proces: subprocess.Popen, seconden: float = 180) -> None:
    import urllib.request

    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        if proces.poll() is not None:
            raise Configuratiefout(
                f"De Prefect-server stopte bij het starten (code {proces.returncode}); is de poort al in gebruik? "
                "Kies een andere met --poort."
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as antwoord:
                if antwoord.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise Configuratiefout(f"De Prefect-server antwoordde niet binnen {seconden:.0f} s op {url}.")


def _beeindig(proces: subprocess.Popen) -> None:
    try:
        os.killpg(proces.pid, signal.SIGTERM)
        proces.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proces.pid, signal.SIGKILL)


def _stop(*_args) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the shutdown short
    raise KeyboardInterrupt


def _prefect() -> str:
    return shutil.which("prefect") or str(Path(sys.executable).parent / "prefect")
