from datetime import date

import pytest

from models.werkdagen import Werkdagen

werkdagen = Werkdagen()


@pytest.mark.parametrize(
    "feestdag",
    [
        date(2027, 4, 27),  # Koningsdag
        date(2027, 3, 29),  # Tweede Paasdag
        date(2027, 5, 6),  # Hemelvaartsdag
        date(2027, 5, 17),  # Tweede Pinksterdag
        date(2028, 12, 25),  # Eerste Kerstdag on a Monday
        date(2027, 1, 1),  # Nieuwjaarsdag
        date(2031, 4, 26),  # Koningsdag moves to Saturday when 27 April is a Sunday
    ],
)
def test_public_holidays_are_not_working_days(feestdag):
    assert not werkdagen.is_werkdag(feestdag)


def test_a_saturday_moves_to_monday():
    assert werkdagen.eerstvolgende(date(2027, 5, 1)) == date(2027, 5, 3)


def test_koningsdag_moves_to_the_next_working_day():
    assert werkdagen.eerstvolgende(date(2027, 4, 27)) == date(2027, 4, 28)


def test_christmas_on_saturday_and_sunday_moves_to_monday():
    assert werkdagen.eerstvolgende(date(2027, 12, 25)) == date(2027, 12, 27)


def test_counting_working_days_skips_easter_monday():
    # Thursday 25 March 2027 + 2 working days: Good Friday and Easter Monday are skipped.
    assert werkdagen.plus(date(2027, 3, 25), 2) == date(2027, 3, 31)


def test_extra_closing_days_count_as_free():
    met_sluiting = Werkdagen(vrije_dagen=[date(2027, 12, 28)])
    assert met_sluiting.eerstvolgende(date(2027, 12, 28)) == date(2027, 12, 29)
