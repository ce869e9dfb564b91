"""models/registers.py: an entry reads dates and amounts as Dutch people write them, once for every channel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from models.registers import Geschenk, Nevenfunctie, fouten_nl


@pytest.mark.parametrize(
    "geschreven", ["1 maart 2027", "1 mrt 2027", "1 Maart 2027", "1-3-2027", "01-03-2027", "2027-03-01", "1/3/2027"]
)
def test_a_date_is_read_as_dutch_people_write_it(geschreven):
    assert Nevenfunctie.model_validate({"omschrijving": "Voorzitter", "sinds": geschreven}).sinds == date(2027, 3, 1)


@pytest.mark.parametrize(
    ("geschreven", "bedrag"),
    [
        ("€ 75,-", "75"),
        ("75", "75"),
        ("75,50", "75.50"),
        ("€75", "75"),
        ("1.250,00", "1250.00"),
        ("1.250", "1250"),
        ("EUR 75,=", "75"),
        ("75.50", "75.50"),
    ],
)
def test_an_amount_is_read_as_dutch_people_write_it(geschreven, bedrag):
    cadeau = {"omschrijving": "Boek", "gever": "Uitgeverij", "datum": "1-3-2027", "geschatte_waarde": geschreven}
    assert Geschenk.model_validate(cadeau | {"ingeleverd_bij": "Griffie"}).geschatte_waarde == Decimal(bedrag)


@pytest.mark.parametrize(("veld", "geschreven"), [("sinds", "31 februari 2027"), ("sinds", "1 brumaire 2027")])
def test_a_date_that_is_none_says_how_to_write_one(veld, geschreven):
    with pytest.raises(ValidationError) as fout:
        Nevenfunctie.model_validate({"omschrijving": "Voorzitter", veld: geschreven})
    assert "1 maart 2027" in fouten_nl(fout.value)[veld]
