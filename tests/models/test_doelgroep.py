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
    ],
)
def test_bad_conditions_say_what_is_wrong(voorwaarde, fout):
    with pytest.raises(ValueError, match=fout):
        Doelgroep(rollen=["medewerker"], voorwaarden=[voorwaarde])
