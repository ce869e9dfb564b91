"""The agenda for 2027-2031 follows the plan, on working days, at 09:00 Amsterdam time."""

from collections import defaultdict
from datetime import date, datetime, time

import pytest

from engine.agenda import agenda
from models.werkdagen import TIJDZONE, Werkdagen

JAREN = range(2027, 2032)


@pytest.fixture(scope="module")
def plannen(catalogus):
    return agenda(catalogus, date(2027, 1, 1), date(2031, 12, 31))


@pytest.fixture(scope="module")
def maanden(plannen) -> dict[tuple[str, str | None], list[tuple[int, int]]]:
    per_proces = defaultdict(list)
    for plan in plannen:
        per_proces[plan.proces.id, plan.stap_id].append((plan.start.year, plan.start.month))
    return per_proces


@pytest.mark.parametrize(
    "proces",
    ["nevenfuncties-statenleden", "nevenfuncties-gs", "financiele-belangen-statenleden", "financiele-belangen-gs"],
)
def test_side_positions_and_financial_interests_in_march_and_september(maanden, proces):
    assert maanden[proces, None] == [(j, m) for j in JAREN for m in (3, 9)]


@pytest.mark.parametrize("proces", ["geschenken-statenleden", "geschenken-gs"])
def test_gifts_every_quarter(maanden, proces):
    assert maanden[proces, None] == [(j, m) for j in JAREN for m in (1, 4, 7, 10)]


def test_agenda_item_for_september_starts_in_may_with_the_cvdks_consultation(maanden, plannen):
    """Actie 1 and gedragscode PS art. 6.2: the cvdK consults the fractievoorzitters, then the griffie puts
    integrity on a September agenda; starting in May puts it in the agenda cycle before the summer recess."""
    assert maanden["agendering-integriteit-ps", "overleg-fractievoorzitters"] == [(j, 5) for j in JAREN]
    agendering = [p for p in plannen if p.proces.id == "agendering-integriteit-ps" and p.stap_id == "agendering"]
    assert [p.start.month for p in agendering] == [6] * len(JAREN)
    assert all(p.escalatie.month == 8 and p.deadline.month in (9, 10) for p in agendering)


def test_vulnerable_functions_once_in_four_years_in_two_stages(maanden, plannen):
    assert maanden["kwetsbare-functies", "inventarisatie"] == [(2027, 3), (2031, 3)]
    inventarisatie, vaststelling = [p for p in plannen if p.proces.id == "kwetsbare-functies"][:2]
    assert vaststelling.stap_id == "vaststelling-gs"
    assert vaststelling.start.date() > inventarisatie.deadline


def test_candidate_list_conversation_in_the_year_before_each_election_before_lists_are_due(plannen):
    gesprekken = [p for p in plannen if p.proces.id == "kieslijsten-gesprek"]
    verkiezing = date(2031, 3, 17)  # 2027-03-17 plus four years, as kalender.yaml says
    kandidaatstelling = date(2031, 2, 3)  # dag van kandidaatstelling: 43 days before the election
    assert [p.start.date() for p in gesprekken] == [date(2030, 3, 18)]  # 17 March 2030 is a Sunday
    assert (verkiezing - gesprekken[0].start.date()).days <= 366
    assert gesprekken[0].deadline < kandidaatstelling


def test_yearly_processes_once_a_year(maanden):
    for proces in (
        "nevenfuncties-medewerkers",
        "inkoop-afwijkingen",
        "jaarverslag-integriteit",
        "dialoogsessies",
        "integriteit-in-werkoverleg",
        "geschenkenregister-medewerkers",
        "rapportage-algemeen-directeur",
        "jaarprogramma-integriteit",
        "goede-gesprek-integriteit",
        "incidentenoverzicht",
    ):
        assert [j for j, _ in maanden[proces, None]] == list(JAREN), proces


def test_the_incident_overview_and_the_procurement_deviations_are_due_before_the_yearly_report(plannen):
    for jaar in JAREN:
        verslag = next(p for p in plannen if p.proces.id == "jaarverslag-integriteit" and p.start.year == jaar)
        for bron in ("incidentenoverzicht", "inkoop-afwijkingen"):
            invoer = next(p for p in plannen if p.proces.id == bron and p.start.year == jaar)
            assert invoer.deadline <= verslag.start.date(), (bron, jaar)


def test_self_assessment_every_five_years_after_march_2018(catalogus):
    zelf = [p for p in agenda(catalogus, date(2018, 1, 1), date(2039, 12, 31)) if p.proces.id == "zelfassessment"]
    assert [(p.start.year, p.start.month) for p in zelf] == [(2028, 3), (2033, 3), (2038, 3)]


def test_the_multi_year_plan_every_four_years_and_the_screening_after_each_election(catalogus):
    plannen = agenda(catalogus, date(2027, 1, 1), date(2035, 12, 31))
    meerjarenplan = [p.start.year for p in plannen if p.proces.id == "meerjarenplan-integriteit"]
    screening = [p.start.date() for p in plannen if p.proces.id == "screening-kandidaat-gedeputeerden"]
    assert meerjarenplan == [2029, 2033]  # for 2030-2033 and 2034-2037, after 2018-2021, 2022-2025, 2026-2029
    assert screening == [date(2027, 3, 31), date(2031, 3, 31), date(2035, 4, 2)]  # two weeks after each election


def test_the_reporting_duty_for_financial_interests_in_three_stappen(plannen):
    stappen = [p.stap_id for p in plannen if p.proces.id == "meldplicht-financiele-belangen"][:3]
    assert stappen == ["inventarisatie", "aanwijzing-gs", "melding"]


def test_no_start_reminder_or_deadline_on_a_weekend_or_holiday(plannen):
    werkdagen = Werkdagen()
    for plan in plannen:
        for dag in (plan.start.date(), plan.deadline, *plan.herinneringen):
            assert werkdagen.is_werkdag(dag), f"{plan.proces.id} {plan.start}: {dag} is not a working day"


def test_nine_oclock_stays_nine_oclock_across_daylight_saving(plannen):
    assert {p.start.timetz() for p in plannen if p.proces.planning.model_fields_set == {"rrule"}} == {
        time(9, tzinfo=TIJDZONE)
    }
    winter = next(p for p in plannen if p.start.month == 1)
    zomer = next(p for p in plannen if p.start.month == 7)
    assert winter.start.utcoffset() != zomer.start.utcoffset()


def test_a_gift_round_on_new_years_day_moves_to_the_next_working_day(plannen):
    eerste = next(p for p in plannen if p.proces.id == "geschenken-gs")
    assert eerste.start == datetime(2027, 1, 4, 9, tzinfo=TIJDZONE)  # 1 Jan holiday, 2-3 Jan weekend


def test_sorted_by_start_then_proces(plannen):
    assert plannen == sorted(plannen, key=lambda p: (p.start, p.proces.id))


def _uiterste(map, planning: str, termijn: str = "P5Y", herinneringen: str = "[1000 werkdagen]"):
    """A catalogue of one proces at the limits of what a spec may say."""
    from engine.catalogus import laad_catalogus

    (map / "uiterst.yaml").write_text(
        f"id: uiterst\ntitel: Uiterst\nbron: test\neigenaar: statengriffie\ndoelgroep: {{rollen: [statenlid]}}\n"
        f"planning: {planning}\ntermijn: {termijn}\nherinneringen: {herinneringen}\n",
        encoding="utf-8",
    )
    return laad_catalogus(map)


@pytest.mark.parametrize(
    "planning",
    [
        "{rrule: FREQ=YEARLY}",
        '{rrule: "DTSTART:22001231T090000\\nRRULE:FREQ=YEARLY"}',
        '{rrule: "DTSTART:19000101T090000\\nRRULE:FREQ=YEARLY;INTERVAL=9999"}',
        '{cron: "0 9 1 1 *"}',
        "{anker: provinciale-statenverkiezingen, na: P5Y}",
        "{datum: 2200-12-31}",
        "{datum: 1900-01-01}",
    ],
)
def test_the_widest_window_at_the_limits_of_a_spec_raises_nothing(tmp_path, planning):
    catalogus = _uiterste(tmp_path, planning)
    plannen = agenda(catalogus, date.min, date.max)
    assert plannen and all(date(1900, 1, 1) <= p.start.date() <= date(2200, 12, 31) for p in plannen)
    assert all(p.deadline <= date(2206, 1, 31) for p in plannen)


def test_a_daily_schedule_over_a_year_is_quick(tmp_path):
    catalogus = _uiterste(tmp_path, '{cron: "30 8 * * *"}', termijn="P2W", herinneringen="[P1W]")
    plannen = agenda(catalogus, date(2027, 1, 1), date(2027, 12, 31))
    assert len(plannen) == 365  # one start a day, each moved to a working day
