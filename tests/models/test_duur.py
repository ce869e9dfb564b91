from datetime import date

import pytest

from models.duur import parse_duur
from models.werkdagen import Werkdagen


@pytest.mark.parametrize(
    ("tekst", "na_1_maart"),
    [("P4W", date(2027, 3, 29)), ("P10D", date(2027, 3, 11)), ("P1M", date(2027, 4, 1)), ("P1Y", date(2028, 3, 1))],
)
def test_iso_durations_add_calendar_time(tekst, na_1_maart):
    assert parse_duur(tekst).na(date(2027, 3, 1), Werkdagen()) == na_1_maart


def test_working_days_skip_weekends_and_holidays():
    # Friday 23 April 2027 + 3 working days: weekend and Koningsdag (Tuesday 27 April) skipped.
    assert parse_duur("3 werkdagen").na(date(2027, 4, 23), Werkdagen()) == date(2027, 4, 29)


@pytest.mark.parametrize(
    ("tekst", "fout"),
    [
        ("-P2W", "'-P2W' is negatief"),
        ("P0D", "'P0D' is nul"),
        ("2 weken", "'2 weken' is geen duur: schrijf ISO 8601, zoals 'P2W'"),
        ("P", "'P' is geen duur"),
        ("0 werkdagen", "is nul"),
        ("P9000Y", "'P9000Y' is te lang: hoogstens 5 jaar \\(P5Y\\)"),
        ("P5Y1D", "'P5Y1D' is te lang: hoogstens 5 jaar"),
        ("P61M", "'P61M' is te lang"),
        ("P99999999999999999999D", "is te lang: hoogstens 5 jaar"),
        ("3000000 werkdagen", "'3000000 werkdagen' is te lang: hoogstens 1000 werkdagen \\(ongeveer vier jaar\\)"),
        ("1001 werkdagen", "hoogstens 1000 werkdagen"),
    ],
)
def test_bad_durations_are_named(tekst, fout):
    with pytest.raises(ValueError, match=fout):
        parse_duur(tekst)


@pytest.mark.parametrize("tekst", ["P5Y", "P60M", "P260W", "P1826D", "1000 werkdagen"])
def test_the_longest_durations_are_allowed(tekst):
    assert str(parse_duur(tekst)) == tekst
