"""Against a real Prefect server: schedules, a ronde's artifacts, and a confirmation given through the API
to a run served by `integriteit start`, which completes the stap and starts the next one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from cli.start import prefect_server
from engine.catalogus import STANDAARD_MAP, laad_catalogus
from engine.database import maak_engine, sessie
from engine.personen import PersoonInvoer, importeer
from engine.status import rondes_status
from flows.plan import plannen
from models.instellingen import Instellingen, instellingen
from models.tabellen import Antwoord, Bericht, Gebeurtenis, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from tests.web.hulp import csrf
from testservers.smtp import Postbode, vrije_poort
from testservers.smtp import smtp_server as start_smtp

pytestmark = pytest.mark.traag
LOGIN = "integriteit:test-login-niet-geheim"
AANMELDING = tuple(LOGIN.split(":", 1))  # for httpx: (user, password)
TWEE_STAPPEN = """id: besluit-en-uitvoering
titel: Besluit, dan uitvoering
bron: test
eigenaar: integriteitscoordinator
planning: {datum: 2027-03-01}
stappen:
  - id: besluit
    voltooiing: bevestiging
    termijn: P4W
  - id: uitvoering
    doelgroep: {rollen: [teamleider]}
    termijn: P4W
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A started Prefect server (not the test harness: the scheduler must run), with its own home, behind a
    login as `integriteit start` makes it; this process and the ones it starts carry that login."""
    thuis = tmp_path_factory.mktemp("prefect")
    oud = dict(os.environ)
    os.environ.update(
        {
            "PREFECT_HOME": str(thuis),
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",
            "PREFECT_API_AUTH_STRING": LOGIN,
        }
    )
    from prefect.settings import (
        PREFECT_API_AUTH_STRING,
        PREFECT_API_URL,
        PREFECT_LOGGING_TO_API_ENABLED,
        temporary_settings,
    )

    try:
        with (
            prefect_server(vrije_poort(), login=LOGIN) as adres,
            temporary_settings(
                # this process's own logs stay local: a log worker would still be sending them after the server stopped
                updates={
                    PREFECT_API_URL: f"{adres}/api",
                    PREFECT_LOGGING_TO_API_ENABLED: False,
                    PREFECT_API_AUTH_STRING: LOGIN,
                }
            ),
        ):
            yield f"{adres}/api"
    finally:
        os.environ.clear()
        os.environ.update(oud)


@pytest.fixture
def eigen_database(tmp_path, monkeypatch):
    monkeypatch.setenv("INTEGRITEIT_DATABASE_URL", f"sqlite:///{tmp_path / 'motor.db'}")
    instellingen.cache_clear()
    yield instellingen().database_url
    instellingen.cache_clear()


def wacht(voorwaarde, seconden: float = 90, stap: float = 0.5):
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        if uitkomst := voorwaarde():
            return uitkomst
        time.sleep(stap)
    raise AssertionError(f"not within {seconden} s: {voorwaarde.__doc__}")


def test_the_api_refuses_a_call_without_the_login(server):
    zoek = f"{server}/flows/filter"
    assert httpx.post(zoek, json={}).status_code == 401
    assert httpx.post(zoek, json={}, auth=("integriteit", "fout")).status_code == 401
    assert httpx.post(zoek, json={}, auth=AANMELDING).status_code == 200


def test_a_failed_watch_reaches_the_coordinator_with_its_reason(server, eigen_database, tmp_path, monkeypatch):
    from flows.bewaking import bewaak, bewaking_flow

    kapot = tmp_path / "processen"
    kapot.mkdir()
    shutil.copy(Path(__file__).parents[1] / "ongeldig" / "onbekende-sleutel.yaml", kapot)
    alarm = Postbode()
    with start_smtp(alarm) as kanaal:
        monkeypatch.setenv("INTEGRITEIT_PROCESSEN", str(kapot))
        monkeypatch.setenv(
            "INTEGRITEIT_MELDINGEN",
            f"mailto://127.0.0.1:{kanaal.port}?mode=insecure&from=motor@example.nl&to=coordinator@example.nl",
        )
        monkeypatch.setattr(bewaak, "retries", 0)  # the task's retries would only make this test wait
        instellingen.cache_clear()
        with pytest.raises(Exception, match="onbekende-sleutel"):
            bewaking_flow(nu=datetime(2027, 3, 2, 8, 0, tzinfo=TIJDZONE))
    instellingen.cache_clear()
    assert [str(b["Subject"]) for b in alarm.berichten] == ["Integriteit: run 'bewaking 2027-03-02 08:00' is failed"]
    assert "onbekende-sleutel.yaml" in alarm.berichten[0].get_body(("plain",)).get_content()


def test_a_ronde_while_smtp_is_down_says_why_mail_waits_and_it_goes_when_smtp_is_back(
    server, eigen_database, monkeypatch
):
    from aiosmtpd.controller import Controller

    from flows import gedeeld
    from flows.bewaking import bewaking_flow
    from flows.ronde import ronde_flow

    poort = vrije_poort()  # nobody listens there yet
    for naam, waarde in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(poort), "SMTP_TLS": "geen"}.items():
        monkeypatch.setenv(f"INTEGRITEIT_{naam}", waarde)
    monkeypatch.setattr(gedeeld.verstuur, "retries", 0)  # the task's retries would only make this test wait
    instellingen.cache_clear()
    _drie_statenleden(eigen_database)
    toestand = ronde_flow(
        proces="nevenfuncties-statenleden", nu=datetime(2027, 3, 1, 9, 30, tzinfo=TIJDZONE), return_state=True
    )
    assert toestand.is_failed() and "SMTP-storing, alles blijft klaarstaan" in toestand.message
    assert "ConnectionRefusedError" in toestand.message  # the server's answer, in the run's message
    postbode = Postbode()
    weer_op = Controller(postbode, hostname="127.0.0.1", port=poort)
    weer_op.start()
    try:
        bewaking_flow(nu=datetime(2027, 3, 2, 8, 0, tzinfo=TIJDZONE))  # the next run sends what waited
    finally:
        weer_op.stop()
        instellingen.cache_clear()
    assert {str(b["To"]) for b in postbode.berichten} == {f"lid{i}@example.org" for i in range(3)}
    with sessie(maak_engine(eigen_database)) as s:  # the watch also started financiële belangen: all went out
        assert s.exec(select(Bericht).where(Bericht.verzonden.is_(None))).all() == []


def test_a_poll_whose_imap_login_is_refused_fails_with_the_servers_answer_and_alerts_once(
    server, eigen_database, imap_server, monkeypatch
):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.postvak import lees, postvak_flow

    alarm = Postbode()
    with start_smtp(alarm) as kanaal:
        for naam, waarde in {
            "IMAP_HOST": imap_server["host"],
            "IMAP_PORT": str(imap_server["port"]),
            "IMAP_TLS": "geen",
            "IMAP_USER": imap_server["user"],
            "IMAP_PASSWORD": "fout",
            "MELDINGEN": f"mailto://127.0.0.1:{kanaal.port}?mode=insecure&from=motor@example.nl&to=c@example.nl",
        }.items():
            monkeypatch.setenv(f"INTEGRITEIT_{naam}", waarde)
        instellingen.cache_clear()
        toestand = postvak_flow(nu=datetime(2027, 3, 3, 12, 0, tzinfo=TIJDZONE), return_state=True)
    instellingen.cache_clear()
    assert toestand.is_failed()
    with get_client(sync_client=True) as client:  # a refused login is not tried again at once: the next poll will
        (gelezen,) = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[toestand.state_details.flow_run_id]))
        )
    assert (gelezen.task_key.startswith(lees.task_key), gelezen.run_count) == (True, 1)
    assert "Het postvak kon niet worden gelezen (IMAP-storing)" in toestand.message
    assert "De server zei: NO [AUTHENTICATIONFAILED] Authentication failed." in toestand.message
    # the poll told the coordinator; the failed run does not tell it again
    assert [str(b["Subject"]) for b in alarm.berichten] == ["IMAP-storing: het postvak wordt niet gelezen"]


def test_deployments_have_the_agendas_next_runs(server):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    from flows.serveren import als_deployment

    for plan in plannen(laad_catalogus(STANDAARD_MAP), date(2026, 11, 28)):
        als_deployment(plan).apply()

    def volgende_twee():
        """the side-positions deployment has two scheduled runs"""
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["nevenfuncties-statenleden"])),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=2,
            )
        return runs if len(runs) == 2 else None

    runs = wacht(volgende_twee)
    lokaal = [datetime.fromtimestamp(r.expected_start_time.timestamp(), TIJDZONE) for r in runs]
    assert [(m.date(), m.hour, m.minute) for m in lokaal] == [(date(2027, 3, 1), 9, 0), (date(2027, 9, 1), 9, 0)]
    with get_client(sync_client=True) as client:
        for naam in ("bewaking", "postvak"):
            deployment = client.read_deployment_by_name(f"{naam}/{naam}")
            assert deployment.global_concurrency_limit.limit == 1, naam


def test_a_ronde_run_shows_its_table_progress_and_the_open_list(server, eigen_database):
    from prefect.artifacts import Artifact
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    from flows.bewaking import bewaking_flow
    from flows.ronde import ronde_flow

    _drie_statenleden(eigen_database)
    run = ronde_flow(
        proces="nevenfuncties-statenleden", nu=datetime(2027, 3, 1, 9, 30, tzinfo=TIJDZONE), return_state=True
    ).state_details.flow_run_id
    voortgang = Artifact.get("voortgang-nevenfuncties-statenleden-2027-03-01")
    assert (voortgang.flow_run_id, voortgang.data) == (run, 0.0)
    assert "0 van 3 beantwoord" in voortgang.description
    # the ronde's own run shows no row per recipient (an earlier test's watch may have made the table)
    assert getattr(Artifact.get("ronde-nevenfuncties-statenleden-2027-03-01"), "flow_run_id", None) != run
    bewaking_flow(nu=datetime(2027, 3, 2, 8, 0, tzinfo=TIJDZONE))
    tabel = Artifact.get("ronde-nevenfuncties-statenleden-2027-03-01")
    assert tabel.flow_run_id != run
    rijen = json.loads(tabel.data) if isinstance(tabel.data, str) else tabel.data
    assert sorted(r["persoon"] for r in rijen) == ["Lid 0", "Lid 1", "Lid 2"]
    assert "@" not in json.dumps(rijen)  # no email addresses in what every UI user sees
    assert "Actualisatie nevenfuncties Statenleden" in Artifact.get("openstaand").data

    def gestart():
        """the start of the ronde is in Prefect's event feed"""
        antwoord = httpx.post(
            f"{server}/events/filter",
            json={"filter": {"event": {"name": ["integriteit.ronde.gestart"]}}},
            auth=AANMELDING,
        )
        return [e for e in antwoord.json()["events"] if e["payload"].get("proces") == "nevenfuncties-statenleden"]

    assert wacht(gestart)[0]["payload"]["aantal"] == 1
    with get_client(sync_client=True) as client:
        namen = {
            r.name
            for r in client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["ronde", "bewaking"])))
        }
    assert {"nevenfuncties-statenleden 2027-03-01", "bewaking 2027-03-02 08:00"} <= namen


def test_a_missed_ronde_is_not_started_by_its_run_but_by_one_with_alsnog_with_a_full_termijn(server, eigen_database):
    from flows.ronde import ronde_flow

    _drie_statenleden(eigen_database)
    laat = datetime(2027, 3, 25, 10, 0, tzinfo=TIJDZONE)  # 5 of its 29 days left

    gemist = ronde_flow(proces="nevenfuncties-statenleden", nu=laat, return_state=True)
    ronde_id = ronde_flow(proces="nevenfuncties-statenleden", nu=laat, alsnog=True)

    assert gemist.name == "GEMIST" and "start deze deployment met 'alsnog' aan" in gemist.message
    with sessie(maak_engine(eigen_database)) as s:
        ronde = s.get(Ronde, ronde_id)
        assert (ronde.startdatum, ronde.deadline) == (date(2027, 3, 1), date(2027, 4, 22))  # four weeks from now
    assert "volle termijn" in ronde_flow.parameters.properties["alsnog"]["description"]  # the run form says it


def test_a_confirmation_through_the_api_completes_the_stap_and_starts_the_next(server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound
    from prefect.flow_runs import resume_flow_run

    from flows.bevestiging import formulieren
    from web.overzicht import formulieren_in_prefect

    specs = tmp_path / "processen"
    specs.mkdir()
    (specs / "besluit-en-uitvoering.yaml").write_text(TWEE_STAPPEN, encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'motor.db'}"
    omgeving = os.environ | {"PREFECT_API_URL": server, "INTEGRITEIT_DATABASE_URL": database}
    motor = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "start", "--processen", str(specs), "--webpoort", str(vrije_poort())],
        cwd=tmp_path,
        env=omgeving,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wacht(lambda: "worden bediend" in _regel(motor), seconden=120, stap=0)

        def bediend():
            """`integriteit start` registered the deployments"""
            with get_client(sync_client=True) as client:
                try:
                    return client.read_deployment_by_name("ronde/besluit-en-uitvoering")
                except ObjectNotFound:
                    return None

        wacht(bediend)
        run_deployment(
            "ronde/besluit-en-uitvoering",
            timeout=120,
            parameters={"proces": "besluit-en-uitvoering", "nu": "2027-03-01T09:30:00+01:00"},
        )

        def wachtend():
            """a confirmation run is suspended, waiting for its form"""
            with get_client(sync_client=True) as client:
                runs = client.read_flow_runs(
                    deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["bevestiging"]))
                )
            return next((r for r in runs if r.state and r.state.name == "Suspended"), None)

        run = wacht(wachtend)
        ronde_id = int(run.parameters["ronde_id"])
        assert formulieren() == {ronde_id: str(run.id)}  # what the artifact links to, and the web page:
        assert formulieren_in_prefect() == {ronde_id: f"{server.removesuffix('/api')}/v2/runs/flow-run/{run.id}"}
        resume_flow_run(run.id, run_input={"datum": "2027-03-10", "kenmerk": "GS 2027/123"})

        def stap_twee():
            """the confirmation completed the first stap and started the second"""
            with sessie(maak_engine(database)) as s:
                rondes = {r.stap: r.status for r in s.exec(select(Ronde))}
            return rondes if rondes.get("uitvoering") == "lopend" else None

        assert wacht(stap_twee) == {"besluit": "voltooid", "uitvoering": "lopend"}
        with sessie(maak_engine(database)) as s:  # in the role's name: the Prefect login says nothing about who
            [besluit] = [r for r in rondes_status(s) if r["stap"] == "besluit"]
            antwoord = s.exec(select(Gebeurtenis).where(Gebeurtenis.soort == "antwoord")).one()
            bewaard = s.exec(select(Antwoord)).one()
        assert besluit["bevestigd"] == [{"persoon": "integriteitscoordinator, via Prefect", "datum": "2027-03-10"}]
        assert antwoord.persoon_id is None and "integriteitscoordinator, via Prefect" in antwoord.details
        # the ronde's own confirmation: no person's verzoek answered it
        assert (antwoord.verzoek_id, bewaard.verzoek_id, bewaard.ronde_id) == (None, None, ronde_id)
        assert besluit["beantwoord"] == 0
        # without an SMTP server, what would have been sent is kept for a newcomer to read
        assert wacht(lambda: list((tmp_path / "data" / "mail").glob("*.eml")))
    finally:
        motor.terminate()
        assert motor.wait(timeout=30) is not None


def _drie_statenleden(database: str) -> None:
    with sessie(maak_engine(database)) as s:
        importeer(
            s,
            [
                PersoonInvoer(extern_id=f"S{i}", naam=f"Lid {i}", email=f"lid{i}@example.org", rollen=["statenlid"])
                for i in range(3)
            ],
            datetime(2027, 1, 1, tzinfo=TIJDZONE),
        )


def _regel(proces: subprocess.Popen) -> str:
    regel = proces.stdout.readline()
    if not regel and proces.poll() is not None:
        raise AssertionError(f"integriteit start stopped with code {proces.returncode}")
    return regel


def test_start_stops_everything_it_started_on_sigterm(tmp_path):
    poort = vrije_poort()
    omgeving = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "INTEGRITEIT_"))}
    omgeving["PREFECT_HOME"] = str(tmp_path / "prefect")
    motor = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "start", "--poort", str(poort), "--webpoort", str(vrije_poort())],
        cwd=tmp_path,
        env=omgeving,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    uitvoer: list[str] = []
    wacht(lambda: "worden bediend" in (uitvoer.append(_regel(motor)) or uitvoer[-1]), seconden=180, stap=0)
    assert httpx.get(f"http://127.0.0.1:{poort}/api/health").status_code == 200
    # the API wants the login made on this first start, kept for its owner only and shown once
    login = (tmp_path / "data" / "prefect-toegang").read_text().strip()
    assert (tmp_path / "data" / "prefect-toegang").stat().st_mode & 0o777 == 0o600
    assert sum(login in regel for regel in uitvoer) == 1
    assert httpx.post(f"http://127.0.0.1:{poort}/api/flows/filter", json={}).status_code == 401
    assert httpx.post(f"http://127.0.0.1:{poort}/api/flows/filter", json={}, auth=tuple(login.split(":", 1))).is_success
    begin = time.monotonic()
    motor.send_signal(signal.SIGTERM)
    motor.wait(timeout=30)
    assert time.monotonic() - begin < 20
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{poort}/api/health")


def test_a_proposal_made_on_the_web_is_in_prefects_event_feed(server, eigen_database, catalogus, monkeypatch):
    from fastapi.testclient import TestClient

    from engine import diensten
    from web.app import maak_app

    monkeypatch.setenv("PREFECT_API_URL", server)  # as `integriteit start` sets it for the web app beside Prefect
    moment = datetime(2027, 3, 1, 9, 30, tzinfo=TIJDZONE)
    omg = diensten.Omgeving(maak_engine(eigen_database), catalogus, Instellingen(geheim="g" * 32))
    diensten.importeer_personen(omg, bestand=None, nu=datetime(2027, 1, 1, tzinfo=TIJDZONE))
    ronde = diensten.start_ronde(omg, proces="nevenfuncties-statenleden", nu=moment, verzenden=False).uitkomst.ronde
    with sessie(omg.engine) as s:
        token = s.exec(select(Verzoek.token).where(Verzoek.ronde_id == ronde.id)).first()
    klant = TestClient(maak_app(lambda: omg, klok=lambda: moment), follow_redirects=False)
    sleutel = csrf(klant.get(f"/antwoord/{token}").text)  # the page's main form, below "Er is niets veranderd"
    gepost = klant.post(f"/antwoord/{token}", data={"csrf": sleutel, "regels-0-omschrijving": "Voorzitter"})
    assert gepost.status_code == 303

    def voorstel():
        """the proposal is in Prefect's event feed"""
        antwoord = httpx.post(
            f"{server}/events/filter",
            json={"filter": {"event": {"name": ["integriteit.register.voorstel"]}}},
            auth=AANMELDING,
        )
        return [e for e in antwoord.json()["events"] if e["payload"].get("proces") == "nevenfuncties-statenleden"]

    assert wacht(voorstel)[0]["payload"]["aantal"] == 1


def test_a_joiners_rondes_are_runs_named_after_the_proces_and_their_function(server, eigen_database):
    from prefect.artifacts import Artifact
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    from flows.bewaking import bewaking_flow

    staf = [
        PersoonInvoer(extern_id="M1", naam="Mia Matchpoint", email="mia@example.org", rollen=["matchpoint"]),
        PersoonInvoer(extern_id="P1", naam="Piet P&O", email="piet@example.org", rollen=["po"]),
    ]
    nieuw = PersoonInvoer(
        extern_id="N1", naam="Noor Nieuw", email="noor@example.org", rollen=["medewerker"], functie="Beleidsmedewerker"
    )
    with sessie(maak_engine(eigen_database)) as s:
        importeer(s, staf, datetime(2027, 1, 4, tzinfo=TIJDZONE))
        importeer(s, [*staf, nieuw], datetime(2027, 3, 5, 10, tzinfo=TIJDZONE))  # joins on a Friday

    bewaking_flow(nu=datetime(2027, 3, 8, 9, 30, tzinfo=TIJDZONE))

    with get_client(sync_client=True) as client:
        namen = {
            r.name for r in client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["persoonsronde"])))
        }
    assert namen == {"ambtseed Beleidsmedewerker", "nevenwerkzaamheden-indiensttreding Beleidsmedewerker"}
    assert "Ambtseed of -belofte bij indiensttreding (Beleidsmedewerker)" in Artifact.get("openstaand").data
    assert "noor" not in json.dumps(sorted(namen)) + Artifact.get("openstaand").data.lower()
