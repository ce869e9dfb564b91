"""What every flow shares: the use cases' environment, sending, and the coordinator's view (artifacts, events).

The flows only translate: a use case (engine.diensten) does the work and reports what happened; its domain
events become Prefect events, its rondes artifacts.
"""

from __future__ import annotations

from datetime import datetime

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, create_table_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactCollectionFilter, ArtifactCollectionFilterKey
from prefect.events import emit_event
from prefect.runtime import flow_run

from engine import diensten
from engine.controle import STORING
from flows.overzicht import Links, als_markdown, sleutel
from models.instellingen import instellingen
from models.tabellen import Ronde
from models.werkdagen import TIJDZONE


def omgeving() -> diensten.Omgeving:
    """The engine's environment; an invalid spec folder fails the run with the valideer report as message."""
    return diensten.Omgeving.uit_instellingen()


def moment_van_run() -> datetime:
    """The moment a run acts for: its `nu` parameter when given, else its scheduled time."""
    moment = flow_run.parameters.get("nu") or flow_run.scheduled_start_time or datetime.now(TIJDZONE)
    return (datetime.fromisoformat(moment) if isinstance(moment, str) else moment).astimezone(TIJDZONE)


def run_naam(soort: str):
    """A flow_run_name callable: `<soort> <date> <time>`."""
    return lambda: f"{soort} {moment_van_run():%Y-%m-%d %H:%M}"


def nu_of(nu: datetime | None) -> datetime:
    return nu.astimezone(TIJDZONE) if nu else datetime.now(TIJDZONE)


@task(name="verzend", retries=2, retry_delay_seconds=30)
def verstuur(nu: datetime) -> dict:
    """Send the outbox (a no-op without SMTP). Safe to retry: every message is recorded as sent once. A storing
    fails the task with the server's answer, so the run says why mail waits."""
    verslag = diensten.verzend(omgeving(), nu=nu)
    get_run_logger().info(
        "verzonden %d, geweigerd %d, wachtend %d", verslag.verzonden, verslag.geweigerd, verslag.uitgesteld
    )
    if verslag.storing:
        raise RuntimeError(f"{STORING}, alles blijft klaarstaan. De server zei: {verslag.storing}")
    return {"verzonden": verslag.verzonden, "geweigerd": verslag.geweigerd}


def meld_mislukt(flow, run, toestand) -> None:
    """The on_failure and on_crashed hook of the flows that do the engine's work: the coordinator hears of it."""
    try:
        diensten.meld_mislukte_run(
            instellingen(),
            soort=flow.name,
            run=run.name,
            toestand=toestand.name,
            reden=toestand.message or "",
            nu=datetime.now(TIJDZONE),
        )
    except Exception:  # noqa: BLE001 - a failing alert channel must not hide the run's own failure
        get_run_logger().exception("melding over de mislukte run niet verstuurd")


BEWAAKT = {"on_failure": [meld_mislukt], "on_crashed": [meld_mislukt]}
"""Flow options of every flow whose failure the coordinator must hear of."""


def toon_ronde(ronde_id: int) -> None:
    """The ronde's table (who, status, last contact, reminders) and progress, under stable keys."""
    ronde, rijen, beantwoord, totaal = diensten.ronde_overzicht(omgeving(), ronde_id)
    create_table_artifact(rijen, key=sleutel(ronde), description=f"Verzoeken van {_titel(ronde)}")
    _toon_voortgang(ronde, beantwoord, totaal)


def toon_nieuwe_ronde(ronde: Ronde) -> None:
    """A ronde just started, as one progress bar (0 of N). Its table waits for the daily watch: here a row per
    recipient would cost a ronde of 10,000 more than starting it, and tells nothing yet (everyone is open)."""
    _toon_voortgang(ronde, *diensten.ronde_voortgang(omgeving(), ronde.id))


def _titel(ronde: Ronde) -> str:
    return f"{ronde.proces} {ronde.stap} {ronde.startdatum}".replace("  ", " ")


def _toon_voortgang(ronde: Ronde, beantwoord: int, totaal: int) -> None:
    create_progress_artifact(
        100.0 * beantwoord / totaal if totaal else 100.0,
        key=f"voortgang-{sleutel(ronde)[6:]}",
        description=f"{_titel(ronde)}: {beantwoord} van {totaal} beantwoord, deadline {ronde.deadline}",
    )


def toon_lopende_rondes() -> None:
    for ronde in diensten.lopende_rondes(omgeving()):
        toon_ronde(ronde.id)


def toon_openstaand(nu: datetime) -> None:
    """The coordinator's overview as the artifact `openstaand`, its links relative to the UI that shows it."""
    from flows.bevestiging import formulieren  # that module starts runs through this one

    omg = omgeving()
    overzicht = diensten.openstaand(omg, nu)
    tabellen = _laatste_versies([sleutel(o.ronde) for o in overzicht.onbeantwoord])
    links = Links(ui="", web=omg.inst.basis_url, formulieren=formulieren(), tabellen=tabellen)
    create_markdown_artifact(
        als_markdown(overzicht, links),
        key="openstaand",
        description="Wat er loopt, wat te laat is en wat uw aandacht vraagt",
    )


def _laatste_versies(sleutels: list[str]) -> dict[str, str]:
    """Artifact key -> the id of its latest version, for these keys."""
    if not sleutels:
        return {}
    with get_client(sync_client=True) as client:
        laatste = client.read_latest_artifacts(
            artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=sleutels))
        )
    return {a.key: str(a.latest_id) for a in laatste}


def meld(gebeurtenissen: list[diensten.Domeingebeurtenis]) -> None:
    """One event per ronde and kind in Prefect's feed, with counts only: integriteit.ronde.<soort>, and
    integriteit.register.voorstel for proposals that wait for the eigenaar."""
    for g in gebeurtenissen:
        emit_event(
            event="integriteit.register.voorstel" if g.soort == "voorstel" else f"integriteit.ronde.{g.soort}",
            resource={
                "prefect.resource.id": f"integriteit.ronde.{g.ronde_id}",
                "prefect.resource.name": " ".join(filter(None, [g.proces, g.stap, g.betreft, str(g.startdatum)])),
            },
            payload={"proces": g.proces, "stap": g.stap or None, "aantal": g.aantal},
        )
