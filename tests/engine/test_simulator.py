"""The simulator runs the real core over the demo organisation; the same seed gives the same result."""

from datetime import date

import pytest

from engine.agenda import agenda
from engine.simulator import simuleer


def test_everyone_answering_completes_every_ronde(catalogus):
    uitkomst = simuleer(catalogus=catalogus, van=date(2027, 2, 25), tot=date(2027, 4, 30), antwoordkans=1.0, zaad=3)
    gesloten = [r for r in uitkomst["rondes"] if r["status"] != "lopend"]
    assert gesloten and all(r["status"] == "voltooid" for r in gesloten)
    assert uitkomst["berichten"]["escalatie"] == 0


def test_nobody_answering_reminds_and_escalates_as_the_spec_says(catalogus):
    uitkomst = simuleer(catalogus=catalogus, van=date(2027, 2, 25), tot=date(2027, 4, 30), antwoordkans=0.0, zaad=3)
    ronde = next(r for r in uitkomst["rondes"] if r["proces"] == "nevenfuncties-statenleden")
    assert (ronde["status"], ronde["verzoeken"], ronde["herinneringen"], ronde["escalaties"]) == ("verlopen", 49, 98, 1)


def test_the_same_seed_gives_the_same_result(catalogus):
    kwargs = {"catalogus": catalogus, "van": date(2027, 8, 25), "tot": date(2027, 10, 10), "antwoordkans": 0.5}
    assert simuleer(**kwargs, zaad=7) == simuleer(**kwargs, zaad=7)


@pytest.mark.traag
def test_skipping_to_the_next_moment_with_work_gives_what_watching_every_day_gives(catalogus):
    kwargs = {
        "catalogus": catalogus,
        "van": date(2027, 1, 1),
        "tot": date(2028, 12, 31),
        "antwoordkans": 0.6,
        "zaad": 5,
    }
    bezocht: list[date] = []
    overgeslagen = simuleer(**kwargs, voortgang=bezocht.append)
    assert simuleer(**kwargs, elke_dag=True) == overgeslagen
    assert len(bezocht) < 731  # weekends and holidays skipped at least (per-person processen: each working day)


def test_the_election_and_the_turnover_start_rondes_for_each_newcomer(catalogus):
    uitkomst = simuleer(catalogus=catalogus, van=date(2027, 3, 25), tot=date(2027, 4, 20), antwoordkans=1.0, zaad=3)
    aantreden = [r for r in uitkomst["rondes"] if r["proces"] == "nevenfuncties-statenleden-aantreden"]
    assert 25 <= len(aantreden) <= 45  # most of the 49 Statenleden are new after the election of March 2027
    assert {(r["start"], r["betreft"]) for r in aantreden} <= {
        ("2027-03-31", "Statenlid"),
        ("2027-03-31", "Fractievoorzitter"),
    }
    nieuw = [r for r in uitkomst["rondes"] if r["proces"] == "nevenwerkzaamheden-indiensttreding"]
    assert nieuw and {r["start"] for r in nieuw} == {"2027-04-02"}  # joined on 1 April, asked the day after
    assert all(r["status"] == "voltooid" for r in aantreden + nieuw if r["status"] != "lopend")


def test_a_simulation_from_mid_march_starts_every_ronde_it_reaches_on_time_and_not_the_missed_march_one(catalogus):
    van, tot = date(2027, 3, 20), date(2027, 7, 31)
    uitkomst = simuleer(catalogus=catalogus, van=van, tot=tot, antwoordkans=1.0, zaad=3)
    gestart = {(r["proces"], r["stap"], r["start"]) for r in uitkomst["rondes"]}
    eerste_stappen = [p for p in agenda(catalogus, van, tot) if p.stap is p.proces.alle_stappen[0]]
    assert eerste_stappen and {(p.proces.id, p.stap_id, p.start.date().isoformat()) for p in eerste_stappen} <= gestart
    # nevenfuncties-statenleden of 1 March: 10 of its 29 days left on 20 March, less than half
    assert not any(r["proces"] == "nevenfuncties-statenleden" for r in uitkomst["rondes"])
