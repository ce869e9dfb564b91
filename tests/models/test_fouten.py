"""Problems in a spec are told in Dutch: pydantic's errors through `vertaal`, YAML's through `lees_yaml`."""

import pytest
from pydantic import ValidationError

from models.fouten import vertaal
from models.kalender import Kalender
from models.proces import Proces
from models.yamlbron import YamlFout, lees_yaml

SPEC = """\
id: x
titel: Test
bron: test
eigenaar: statengriffie
doelgroep: {rollen: [statenlid]}
planning: {rrule: "FREQ=YEARLY;BYMONTH=3"}
termijn: P4W
"""


def problemen(tmp_path, tekst: str, model=Proces) -> list[str]:
    pad = tmp_path / "x.yaml"
    pad.write_text(tekst, encoding="utf-8")
    bron = lees_yaml(pad)
    with pytest.raises(ValidationError) as fout:
        model.model_validate(bron.data)
    return [str(p) for p in vertaal(fout.value, model, "x.yaml", bron)]


@pytest.mark.parametrize(
    ("vervang", "door", "verwacht"),
    [
        ("titel: Test", 'titel: ""', "x.yaml:2: titel: mag niet leeg zijn"),
        ("bron: test", "bron: 5", "x.yaml:3: bron: 5: verwacht tekst"),
        ("termijn: P4W", "termijn: P4W\nactief: misschien", "x.yaml:8: actief: 'misschien': verwacht true of false"),
        ("{rollen: [statenlid]}", "{rollen: []}", "x.yaml:5: doelgroep.rollen: de lijst is leeg; noem er minstens één"),
        (
            "{rollen: [statenlid]}",
            "statenlid",
            "x.yaml:5: doelgroep: 'statenlid': verwacht sleutels met een waarde (rollen, voorwaarden)",
        ),
        (
            "termijn: P4W",
            "termijn: P4W\nvoltooiing: iedereen",
            "x.yaml:8: voltooiing: 'iedereen': kies 'alle-antwoorden' of 'bevestiging'",
        ),
        (
            "termijn: P4W",
            "termijn: P4W\nregister: giften",
            "x.yaml:8: register: 'giften': kies 'nevenfuncties', 'financiele-belangen' of 'geschenken'",
        ),
        (
            '{rrule: "FREQ=YEARLY;BYMONTH=3"}',
            "{datum: 2027-02-30, tijd: '25:00'}",
            "x.yaml:6: planning.datum: '2027-02-30': geen geldige datum (JJJJ-MM-DD)",
        ),
        (
            '{rrule: "FREQ=YEARLY;BYMONTH=3"}',
            "{datum: 2027-03-01, tijd: '25:00'}",
            "x.yaml:6: planning.tijd: '25:00': geen geldige tijd (UU:MM, uur 0-23, minuut 0-59)",
        ),
        (
            "doelgroep: {rollen: [statenlid]}",
            "doelgroep: {rollen: [statenlid], groep: x}",
            "x.yaml:5: doelgroep.groep: onbekende sleutel (hier kunnen staan: rollen, voorwaarden)",
        ),
        ("eigenaar: statengriffie\n", "", "x.yaml:1: eigenaar: verplicht, maar ontbreekt"),
    ],
)
def test_pydantic_errors_are_told_in_dutch_with_the_value(tmp_path, vervang, door, verwacht):
    assert verwacht in problemen(tmp_path, SPEC.replace(vervang, door))


def test_the_shared_files_are_told_in_dutch_too(tmp_path):
    tekst = "ankers:\n  verkiezingen: {omschrijving: PS, datums: [2027-03-17], herhaling: 5 werkdagen}\nvrije_dag: []\n"
    assert problemen(tmp_path, tekst, Kalender) == [
        "x.yaml:2: ankers.verkiezingen.herhaling: '5 werkdagen': herhaal een anker in kalendertijd (P4Y, P3Y), "
        "niet in werkdagen",
        "x.yaml:3: vrije_dag: onbekende sleutel. Bedoelt u 'vrije_dagen'?",
    ]


@pytest.mark.parametrize(
    ("tekst", "regel", "bericht"),
    [
        ("a: [b\nc: d\n", 2, "verwacht ',' of ']', maar vond ':' (in de lijst tussen [ ] die op regel 1 begint)"),
        ("a: {b: c\nd: e\n", 2, "verwacht ',' of '}', maar vond ':' (in het blok tussen { } dat op regel 1 begint)"),
        ("titel: Test: iets\n", 1, "hier mag geen ':' staan; klopt de inspringing?"),
        ("a:\n\t- b\n", 2, "gebruik spaties om in te springen, geen tabs"),
        ("a: 'abc\n", 2, "het bestand houdt op voordat het aanhalingsteken is gesloten"),
        ("a: b\nc\nd: e\n", 3, "verwacht ':' na de sleutel (bij de sleutel op regel 2)"),
        ("a:\n  - b\n c: d\n", 3, "de inspringing klopt niet: verwacht het einde van het blok, maar vond een nieuwe"),
        ("a: 1\n---\nb: 2\n", 2, "het bestand bevat meer dan één document ('---'); zet elk in een eigen bestand"),
        ("a: *x\n", 1, "onbekende verwijzing '*x': er staat nergens '&x'"),
        ("a: !foo x\n", 1, "onbekende tag '!foo'"),
    ],
)
def test_yaml_syntax_errors_are_told_in_dutch_at_their_line(tmp_path, tekst, regel, bericht):
    pad = tmp_path / "x.yaml"
    pad.write_text(tekst, encoding="utf-8")
    with pytest.raises(YamlFout) as fout:
        lees_yaml(pad)
    assert fout.value.regel == regel
    assert fout.value.bericht.startswith("geen geldige YAML: ")
    assert bericht in fout.value.bericht


def test_a_duplicate_key_names_both_lines(tmp_path):
    pad = tmp_path / "x.yaml"
    pad.write_text("a: 1\nb:\n  c: 2\n  c: 3\n", encoding="utf-8")
    with pytest.raises(YamlFout) as fout:
        lees_yaml(pad)
    assert (fout.value.regel, fout.value.veld) == (4, "b.c")
    assert fout.value.bericht == "sleutel 'c' staat er twee keer (eerst op regel 3); laat er één staan"
