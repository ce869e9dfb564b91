from datetime import datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from models.kalender import Anker
from models.planning import Planning

planning = TypeAdapter(Planning)
VAN, TOT = datetime(2027, 1, 1), datetime(2029, 1, 1)


def test_rrule_without_dtstart_starts_at_nine():
    p = planning.validate_python({"rrule": "FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1"})
    assert p.momenten(VAN, TOT, {}) == [datetime(y, m, 1, 9) for y in (2027, 2028) for m in (3, 9)]


def test_every_four_years_needs_and_uses_dtstart():
    p = planning.validate_python({"rrule": "DTSTART:20270301T090000\nRRULE:FREQ=YEARLY;INTERVAL=4"})
    assert p.momenten(datetime(2026, 1, 1), datetime(2035, 1, 1), {}) == [
        datetime(2027, 3, 1, 9),
        datetime(2031, 3, 1, 9),
    ]


def test_cron_and_rrule_agree_on_quarters():
    cron = planning.validate_python({"cron": "0 9 1 1,4,7,10 *"})
    rrule = planning.validate_python({"rrule": "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=1;BYHOUR=9"})
    assert cron.momenten(VAN, TOT, {}) == rrule.momenten(VAN, TOT, {})


def test_anchor_with_offset_starts_twelve_months_before_each_election():
    p = planning.validate_python({"anker": "verkiezingen", "voor": "P12M"})
    verkiezingen = Anker(omschrijving="PS", datums=["2027-03-17"], herhaling="P4Y")
    assert p.momenten(datetime(2026, 1, 1), datetime(2035, 1, 1), {"verkiezingen": verkiezingen}) == [
        datetime(2026, 3, 17, 9),
        datetime(2030, 3, 17, 9),
        datetime(2034, 3, 17, 9),
    ]


def test_one_fixed_date():
    p = planning.validate_python({"datum": "2027-01-11", "tijd": "13:30"})
    assert p.momenten(VAN, TOT, {}) == [datetime(2027, 1, 11, 13, 30)]


@pytest.mark.parametrize(
    ("invoer", "fout"),
    [
        ({"rrule": "FREQ=YEARLY;BYMONTH=13"}, "BYMONTH=13 is geen maand \\(1-12\\)"),
        ({"rrule": "FREQ=YEARLY;BYHOUR=24"}, "BYHOUR=24 is geen uur \\(0-23\\)"),
        ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31"}, "levert nooit een datum op"),
        ({"rrule": "FREQ=SECONDLY"}, "FREQ=SECONDLY kan hier niet; kies uit DAILY, MONTHLY, WEEKLY, YEARLY"),
        ({"rrule": "BYMONTH=3"}, "FREQ ontbreekt"),
        ({"rrule": "FREQ=YEARLY;BYMONTH"}, "'BYMONTH' heeft geen waarde"),
        ({"rrule": "FREQ=YEARLY;FOO=3"}, "onbekend onderdeel 'FOO'"),
        ({"rrule": "FREQ=YEARLY;BYDAY=XX"}, "'XX' is geen geldige waarde voor BYDAY"),
        ({"cron": "0 9 1 3 * */4"}, "5 velden"),
        ({"cron": "0 9 31 2 *"}, "levert nooit een datum op"),
        ({"cron": "0 25 1 3 *"}, "'0 25 1 3 \\*': een veld valt buiten het bereik \\(minuut 0-59, uur 0-23"),
        ({"cron": "*/0 9 1 3 *"}, "stap '0' in het minuut-veld kan niet"),
        ({"cron": "x 9 1 3 *"}, "wordt niet begrepen; schrijf per veld een getal"),
        ({"rrule": "FREQ=YEARLY", "cron": "0 9 1 1 *"}, "precies één van"),
        ({"anker": "x", "voor": "P1M", "na": "P1M"}, "voor óf na"),
        ({"anker": "x", "voor": "10 werkdagen"}, "in kalendertijd \\(P12M, P6W\\), niet in werkdagen"),
        ({"anker": "x", "voor": "P9000Y"}, "'P9000Y' is te lang: hoogstens 5 jaar \\(P5Y\\)"),
        ({"rrule": "DTSTART:20270301T250000\nRRULE:FREQ=YEARLY"}, "het uur moet tussen 0 en 23 liggen"),
        ({"rrule": "DTSTART:20270301T096000\nRRULE:FREQ=YEARLY"}, "de minuut moet tussen 0 en 59 liggen"),
        ({"rrule": "FREQ=YEARLY;BYMINUTE=60"}, "BYMINUTE=60 is geen minuut \\(0-59\\)"),
        ({"rrule": "DTSTART:99991231T090000\nRRULE:FREQ=YEARLY"}, "DTSTART 9999-12-31 ligt buiten de jaren 1900-2200"),
        ({"rrule": "FREQ=DAILY;INTERVAL=100000"}, "INTERVAL=100000 is te groot \\(hoogstens 9999\\)"),
        ({"datum": "0001-01-01"}, "'0001-01-01' ligt buiten de jaren 1900-2200"),
    ],
)
def test_impossible_schedules_are_refused_with_the_value(invoer, fout):
    with pytest.raises(ValidationError, match=fout):
        planning.validate_python(invoer)


@pytest.mark.parametrize(
    ("invoer", "fout"),
    [
        ({"cron": "* * * * *"}, "'\\* \\* \\* \\* \\*': start meer dan eens per dag"),
        ({"cron": "0 */2 * * *"}, "start meer dan eens per dag"),
        ({"cron": "0,30 9 * * *"}, "geef één minuut \\(0-59\\) en één uur \\(0-23\\)"),
        ({"rrule": "FREQ=DAILY;BYHOUR=9,15"}, "start meer dan eens per dag \\(op 2020-01-01 om 09:00 en 15:00\\)"),
        ({"rrule": "FREQ=YEARLY;BYMONTH=3;BYMINUTE=0,30"}, "een ronde start hoogstens eens per dag"),
    ],
)
def test_a_schedule_that_starts_more_than_once_a_day_is_refused(invoer, fout):
    with pytest.raises(ValidationError, match=fout):
        planning.validate_python(invoer)


@pytest.mark.parametrize(
    "invoer",
    [{"cron": "0 9 * * *"}, {"rrule": "FREQ=DAILY"}, {"rrule": "FREQ=DAILY;BYHOUR=9,15;BYSETPOS=1"}],
)
def test_once_a_day_is_allowed(invoer):
    assert planning.validate_python(invoer).momenten(VAN, datetime(2027, 1, 3), {}) == [
        datetime(2027, 1, 1, 9),
        datetime(2027, 1, 2, 9),
    ]


def test_moments_never_leave_the_years_1900_2200_however_wide_the_window():
    p = planning.validate_python({"rrule": "DTSTART:19000101T090000\nRRULE:FREQ=YEARLY;INTERVAL=50"})
    assert [m.year for m in p.momenten(datetime.min, datetime.max, {})] == [1900, 1950, 2000, 2050, 2100, 2150, 2200]
    assert p.volgende(datetime.max, {}) is None


def test_the_next_start_and_the_end_of_a_rule():
    p = planning.validate_python({"rrule": "DTSTART:20200301T090000\nRRULE:FREQ=YEARLY;UNTIL=20230301"})
    assert p.einde == datetime(2023, 3, 1)
    assert p.volgende(datetime(2021, 6, 1), {}) == datetime(2022, 3, 1, 9)
    assert p.volgende(datetime(2023, 6, 1), {}) is None


def test_anchor_dates_stay_within_the_years_a_plan_can_lie_in():
    with pytest.raises(ValidationError, match="'9999-03-17' ligt buiten de jaren 1900-2200"):
        Anker(omschrijving="verkiezingen", datums=["9999-03-17"], herhaling="P4Y")
