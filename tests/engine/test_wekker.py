"""The watch's next moment with work: the planned start, then each reminder, then the day after the deadline
(when the ronde closes), and nothing once the plan never starts again."""

from datetime import datetime

import pytest

from engine.bewaking import bewaking
from engine.catalogus import laad_catalogus
from engine.personen import PersoonInvoer, importeer
from engine.wekker import volgende_werk
from models.werkdagen import TIJDZONE


def om(tekst: str) -> datetime:
    return datetime.fromisoformat(tekst).replace(tzinfo=TIJDZONE)


@pytest.fixture
def catalogus(tmp_path):
    (tmp_path / "eenmalig.yaml").write_text(
        "id: eenmalig\ntitel: Eenmalig\nbron: test\neigenaar: statengriffie\ndoelgroep: {rollen: [statenlid]}\n"
        "planning: {datum: 2027-03-01}\ntermijn: P4W\nherinneringen: [P2W]\n"
        "escalatie: {na: P3W, naar: statengriffie}\n",
        encoding="utf-8",
    )
    return laad_catalogus(tmp_path)


def test_the_next_moment_is_each_thing_the_watch_will_do_in_turn(session, catalogus):
    importeer(
        session,
        [PersoonInvoer(extern_id="T1", naam="P", email="p@demo.example", rollen=["statenlid"])],
        om("2027-01-04T12:00"),
    )
    start = volgende_werk(session, catalogus, om("2027-02-01T12:00"))
    assert start.astimezone(TIJDZONE).date().isoformat() == "2027-03-01"

    momenten = []
    nu = start
    while nu is not None:
        bewaking(session=session, catalogus=catalogus, nu=nu)
        nu = volgende_werk(session, catalogus, nu)
        momenten.append(nu)

    # the reminder (two weeks), the escalation (three weeks), the close the day after the deadline (four weeks
    # is Easter Monday 29 March, so the deadline is Tuesday 30 March), then nothing
    assert momenten == [om("2027-03-15T00:00"), om("2027-03-22T00:00"), om("2027-03-31T00:00"), None]


def test_work_that_falls_on_a_weekend_waits_for_the_next_working_day(session, catalogus):
    importeer(
        session,
        [PersoonInvoer(extern_id="T1", naam="P", email="p@demo.example", rollen=["statenlid"])],
        om("2027-01-04T12:00"),
    )
    # a watch on Saturday 27 February finds the start of Monday 1 March still ahead
    assert (
        volgende_werk(session, catalogus, om("2027-02-27T12:00")).astimezone(TIJDZONE).date().isoformat()
        == "2027-03-01"
    )


def test_a_missed_ronde_the_watch_leaves_to_the_coordinator_is_no_work_for_the_next_watch(session, catalogus):
    importeer(
        session,
        [PersoonInvoer(extern_id="T1", naam="P", email="p@demo.example", rollen=["statenlid"])],
        om("2027-01-04T12:00"),
    )
    # the engine first runs on 22 March: 8 of the ronde's 29 days left, so the watch does not start it
    assert bewaking(session=session, catalogus=catalogus, nu=om("2027-03-22T12:00"))["gemist"] == 1
    assert volgende_werk(session, catalogus, om("2027-03-22T12:00")) is None  # a one-off: nothing ever again
