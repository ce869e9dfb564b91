"""Specs -> deployments, checked without a server."""

from datetime import date, datetime
from pathlib import Path

from dateutil.rrule import rrulestr

from engine.catalogus import STANDAARD_MAP, laad_catalogus
from flows.plan import plannen
from models.werkdagen import Werkdagen

VANDAAG = date(2026, 11, 28)


def momenten(plan) -> list[datetime]:
    return list(rrulestr(plan.schemas[0].expressie, forceset=True))


def test_one_deployment_per_active_proces_plus_watch_poll_confirmation_check_and_publication(catalogus):
    lijst = plannen(catalogus, VANDAAG)
    vast = {"bewaking", "postvak", "bevestiging", "controle", "publicatie"}
    assert {p.naam for p in lijst} == {p.id for p in catalogus.processen} | vast
    neven = next(p for p in lijst if p.naam == "nevenfuncties-statenleden")
    assert neven.flow == "ronde" and neven.parameters == {"proces": "nevenfuncties-statenleden"}
    assert neven.beschrijving.startswith("Actualisatie nevenfuncties Statenleden. Bron: Integriteitsplan actie 5")
    assert set(neven.tags) == {"proces", "eigenaar:statengriffie", "register:nevenfuncties"}


def test_side_positions_run_in_march_and_september_at_nine(catalogus):
    neven = next(p for p in plannen(catalogus, VANDAAG) if p.naam == "nevenfuncties-statenleden")
    assert momenten(neven)[:2] == [datetime(2027, 3, 1, 9), datetime(2027, 9, 1, 9)]


def test_scheduled_runs_fall_on_working_days_only(catalogus):
    werkdagen = Werkdagen()
    for plan in plannen(catalogus, VANDAAG):
        if plan.flow == "ronde" and plan.schemas:
            assert all(werkdagen.is_werkdag(m.date()) for m in momenten(plan)), plan.naam


def test_the_daily_watch_runs_on_weekdays_at_eight_and_the_mailbox_every_five_minutes(catalogus):
    schemas = {p.naam: p.schemas for p in plannen(catalogus, VANDAAG)}
    assert [(s.soort, s.expressie) for s in schemas["bewaking"]] == [("cron", "0 8 * * 1-5")]
    assert [(s.soort, s.expressie) for s in schemas["postvak"]] == [("cron", "*/5 * * * *")]
    assert [(s.soort, s.expressie) for s in schemas["controle"]] == [("cron", "0 10 * * 1-5")]  # did the watch run?


def test_the_watch_and_the_mailbox_poll_never_run_twice_at_once(catalogus):
    tegelijk = {p.naam: p.tegelijk for p in plannen(catalogus, VANDAAG)}
    assert (tegelijk["bewaking"], tegelijk["postvak"]) == (1, 1)
    assert tegelijk["nevenfuncties-statenleden"] is None  # rondes of different processen may run side by side


def test_a_paused_or_removed_spec_has_no_deployment(tmp_path: Path):
    for naam in ("geschenken-gs.yaml", "geschenken-statenleden.yaml"):
        (tmp_path / naam).write_text((STANDAARD_MAP / naam).read_text(encoding="utf-8"), encoding="utf-8")
    gepauzeerd = tmp_path / "geschenken-gs.yaml"
    gepauzeerd.write_text(gepauzeerd.read_text(encoding="utf-8") + "actief: false\n", encoding="utf-8")
    namen = {p.naam for p in plannen(laad_catalogus(tmp_path), VANDAAG)}
    assert namen == {"geschenken-statenleden", "bewaking", "postvak", "bevestiging", "controle", "publicatie"}
