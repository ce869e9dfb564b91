from datetime import date

import pytest

from models.doelgroep import Doelgroep


def test_scale_condition_selects_from_scale_14():
    groep = Doelgroep(rollen=["medewerker"], voorwaarden=["schaal >= 14"])
    assert groep.omvat({"medewerker"}, {"schaal": 14})
    assert not groep.omvat({"medewerker"}, {"schaal": 13})


def test_flag_conditions_and_their_negation():
    groep = Doelgroep(rollen=["medewerker"], voorwaarden=["niet inhuur", "niet ambtseed"])
    assert groep.omvat({"medewerker"}, {"inhuur": False, "ambtseed": False})
    assert not groep.omvat({"medewerker"}, {"inhuur": True, "ambtseed": False})


def test_any_role_is_enough_and_a_missing_attribute_never_matches():
    groep = Doelgroep(rollen=["gs-lid", "cvdk"], voorwaarden=["fractie == Groen"])
    assert groep.omvat({"cvdk"}, {"fractie": "Groen"})
    assert not groep.omvat({"cvdk"}, {})
    assert not groep.omvat({"statenlid"}, {"fractie": "Groen"})


@pytest.mark.parametrize(
    ("voorwaarde", "fout"),
    [
        ("salaris >= 14", "onbekend kenmerk 'salaris'"),
        ("schaal >= veertien", "schaal is een getal"),
        ("schaal", "schaal is geen ja/nee-kenmerk; vergelijk het, bijv. 'schaal >= 14'"),
        ("fractie", "fractie is geen ja/nee-kenmerk; vergelijk het, bijv. 'fractie == X'"),
        ("inhuur == ja", "inhuur is ja of nee; schrijf 'inhuur' of 'niet inhuur'"),
        ("team > B", "team is tekst; vergelijk het met == of !="),
        ("schaal ~ 3", "is geen voorwaarde"),
        ("functie in []", "de lijst is leeg; schrijf bijv. 'functie in \\[Jurist, Adviseur\\]'"),
        ("schaal in [hoog]", "schaal is een getal"),
        ("in_dienst >= gisteren", "in_dienst is een datum; schrijf die als JJJJ-MM-DD"),
        ("schaal >= 14 of salaris > 3", "onbekend kenmerk 'salaris'"),
    ],
)
def test_bad_conditions_say_what_is_wrong(voorwaarde, fout):
    with pytest.raises(ValueError, match=fout):
        Doelgroep(rollen=["medewerker"], voorwaarden=[voorwaarde])


def test_a_list_of_values_holds_for_any_of_them():
    groep = Doelgroep(rollen=["medewerker"], voorwaarden=["functie in [Jurist, 'Senior adviseur']"])
    assert groep.omvat({"medewerker"}, {"functie": "Senior adviseur"})
    assert not groep.omvat({"medewerker"}, {"functie": "Adviseur"})


def test_alternatives_joined_by_of_hold_when_one_does():
    groep = Doelgroep(rollen=["medewerker"], voorwaarden=["schaal >= 14 of functie in [Inkoper]", "niet inhuur"])
    assert groep.omvat({"medewerker"}, {"schaal": 9, "functie": "Inkoper", "inhuur": False})
    assert groep.omvat({"medewerker"}, {"schaal": 15, "functie": "Jurist", "inhuur": False})
    assert not groep.omvat({"medewerker"}, {"schaal": 9, "functie": "Jurist", "inhuur": False})
    assert [str(v) for v in groep.voorwaarden] == ["schaal >= 14 of functie in [Inkoper]", "niet inhuur"]


def test_a_date_attribute_compares_with_a_date_and_new_since_is_a_date_after():
    nieuw_sinds = Doelgroep(rollen=["medewerker"], voorwaarden=["in_dienst >= 2027-01-01"])
    assert nieuw_sinds.omvat({"medewerker"}, {"in_dienst": date(2027, 3, 1)})
    assert not nieuw_sinds.omvat({"medewerker"}, {"in_dienst": date(2019, 5, 1)})
    assert not nieuw_sinds.omvat({"medewerker"}, {"in_dienst": None})  # no date known: not new
