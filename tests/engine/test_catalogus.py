"""Every spec of the project is valid; each broken fixture gives its exact `path:line: field: message`."""

from pathlib import Path

import pytest

from engine.catalogus import OngeldigeCatalogus, laad_catalogus

ONGELDIG = Path(__file__).parents[1] / "ongeldig"

VERWACHT = {
    "cron-zes-velden": "7: planning.cron: '0 9 1 3 * */4': a cron expression has 5 fields "
    "(minute hour day month weekday), not 6",
    "dubbele-id-kopie": "1: id: 'dubbele-id' is already the id of ongeldig/dubbele-id.yaml",
    "dubbele-sleutel": "8: termijn: duplicate key 'termijn' (first written on line 7)",
    "herinnering-na-termijn": "10: herinneringen[1]: 'P5W' is not before the termijn 'P4W': "
    "a reminder comes before the deadline",
    "leeg": "1: (bestand): the file is empty",
    "lijst-verwacht": "8: herinneringen: 'P2W': expected a list, e.g. [a, b]",
    "negatieve-termijn": "7: termijn: '-P2W' is negative: durations count forward and must be longer than zero",
    "onbekend-anker": "7: planning.anker: unknown anchor 'statenverkiezingen'. "
    "Did you mean 'provinciale-statenverkiezingen'? (anchors are listed in kalender.yaml)",
    "onbekend-kenmerk": "7: doelgroep.voorwaarden[0]: 'salaris >= 14': unknown attribute 'salaris' "
    "(known: schaal, inhuur, ambtseed, fractie, team, afdeling, functie)",
    "onbekend-sjabloon": "9: sjablonen.verzoek: unknown template 'nevenfunctie/verzoek': "
    "there is no nevenfunctie/verzoek.txt.j2 in sjablonen/",
    "onbekende-rol": "4: eigenaar: unknown role 'statengrifie'. Did you mean 'statengriffie'? "
    "(roles are listed in rollen.yaml)",
    "onbekende-sleutel": "8: herinnering: unknown key. Did you mean 'herinneringen'?",
    "ongeldige-id": "1: id: 'Hoofdletters': use lowercase letters, digits and dashes, starting with a letter",
    "ongeldige-voltooiing": "8: voltooiing: 'iedereen': input should be 'alle-antwoorden' or 'bevestiging'",
    "rrule-maand-13": "7: planning.rrule: 'FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1': BYMONTH=13 is not a month (1-12)",
    "rrule-onmogelijk": "7: planning.rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30': this rule never produces a date",
    "stap-zonder-termijn": "10: stappen[vaststelling].termijn: required, but missing: "
    "how long recipients have to answer (e.g. P4W)",
    "twee-planningen": "6: planning: give exactly one of: rrule, cron, anker (with voor/na), datum",
    "yaml-syntax": "7: yaml: not valid YAML: expected ',' or ']', but got ':' "
    "(while parsing a flow sequence from line 6)",
    "zonder-doelgroep": "1: doelgroep: required when voltooiing is alle-antwoorden: who must answer?",
}


@pytest.fixture(scope="module")
def problemen(tmp_path_factory) -> list[str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ONGELDIG.parent)
        with pytest.raises(OngeldigeCatalogus) as fout:
            laad_catalogus(Path("ongeldig"))
    return [str(p) for p in fout.value.problemen]


def test_every_project_spec_is_valid(catalogus):
    assert len(catalogus.processen) >= 20
    assert all(p.actief for p in catalogus.processen)


@pytest.mark.parametrize("bestand", sorted(VERWACHT))
def test_broken_spec_is_reported_at_its_line_and_field(problemen, bestand):
    assert f"ongeldig/{bestand}.yaml:{VERWACHT[bestand]}" in problemen


def test_each_broken_file_is_reported_and_the_original_of_a_duplicate_is_not(problemen):
    gemeld = {p.split(":")[0] for p in problemen}
    assert gemeld == {f"ongeldig/{naam}.yaml" for naam in VERWACHT}


def test_a_folder_without_kalender_and_rollen_uses_the_projects(tmp_path):
    (tmp_path / "eigen-proces.yaml").write_text(
        "id: eigen-proces\ntitel: Eigen\nbron: test\neigenaar: statengriffie\n"
        "doelgroep: {rollen: [statenlid]}\nplanning: {anker: provinciale-statenverkiezingen, voor: P6M}\n"
        "termijn: 20 werkdagen\nherinneringen: [10 werkdagen]\n",
        encoding="utf-8",
    )
    assert [p.id for p in laad_catalogus(tmp_path).processen] == ["eigen-proces"]


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path):
    with pytest.raises(OngeldigeCatalogus, match="is not a folder"):
        laad_catalogus(tmp_path / "bestaat-niet")
