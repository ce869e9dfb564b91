"""Every spec of the project is valid; each broken fixture gives its exact `path:line: field: message`."""

from pathlib import Path

import pytest

from engine.catalogus import OngeldigeCatalogus, laad_catalogus

ONGELDIG = Path(__file__).parents[1] / "ongeldig"

VERWACHT = {
    "cron-zes-velden": "7: planning.cron: '0 9 1 3 * */4': een cron-uitdrukking heeft 5 velden "
    "(minuut uur dag maand weekdag), niet 6",
    "dubbele-id-kopie": "1: id: 'dubbele-id' is al het id van ongeldig/dubbele-id.yaml",
    "dubbele-sleutel": "8: termijn: sleutel 'termijn' staat er twee keer (eerst op regel 7); laat er één staan",
    "herinnering-na-termijn": "10: herinneringen[1]: 'P5W' valt niet vóór de termijn 'P4W': "
    "een herinnering komt vóór de deadline",
    "leeg": "1: (bestand): het bestand is leeg",
    "lijst-verwacht": "8: herinneringen: 'P2W': verwacht een lijst, bijv. [a, b]",
    "negatieve-termijn": "7: termijn: '-P2W' is negatief: een duur telt vooruit en moet langer zijn dan nul",
    "onbekend-anker": "7: planning.anker: onbekend anker 'statenverkiezingen'. "
    "Bedoelt u 'provinciale-statenverkiezingen'? (de ankers staan in kalender.yaml)",
    "onbekend-kenmerk": "7: doelgroep.voorwaarden[0]: 'salaris >= 14': onbekend kenmerk 'salaris' "
    "(bekend: schaal, inhuur, ambtseed, fractie, team, afdeling, functie)",
    "onbekend-sjabloon": "9: sjablonen.verzoek: onbekend sjabloon 'nevenfunctie/verzoek': "
    "er is geen nevenfunctie/verzoek.txt.j2 in sjablonen/",
    "onbekende-rol": "4: eigenaar: onbekende rol 'statengrifie'. Bedoelt u 'statengriffie'? "
    "(de rollen staan in rollen.yaml)",
    "onbekende-sleutel": "8: herinnering: onbekende sleutel. Bedoelt u 'herinneringen'?",
    "ongeldige-id": "1: id: 'Hoofdletters': gebruik kleine letters, cijfers en streepjes, en begin met een letter",
    "ongeldige-voltooiing": "8: voltooiing: 'iedereen': kies 'alle-antwoorden' of 'bevestiging'",
    "rrule-maand-13": "7: planning.rrule: 'FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1': BYMONTH=13 is geen maand (1-12)",
    "rrule-onmogelijk": "7: planning.rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30': "
    "deze regel levert nooit een datum op",
    "stap-zonder-termijn": "10: stappen[vaststelling].termijn: verplicht, maar ontbreekt: "
    "hoe lang de ontvangers hebben om te antwoorden (bijv. P4W)",
    "twee-planningen": "6: planning: geef precies één van: rrule, cron, anker (met voor of na), datum",
    "yaml-syntax": "7: yaml: geen geldige YAML: verwacht ',' of ']', maar vond ':' "
    "(in de lijst tussen [ ] die op regel 6 begint)",
    "zonder-doelgroep": "1: doelgroep: verplicht als voltooiing alle-antwoorden is: wie moet er antwoorden?",
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
    with pytest.raises(OngeldigeCatalogus, match="is geen map met processpecificaties"):
        laad_catalogus(tmp_path / "bestaat-niet")


def _eigen_spec(map: Path, extra: str = "") -> None:
    (map / "eigen-proces.yaml").write_text(
        "id: eigen-proces\ntitel: Eigen\nbron: test\neigenaar: statengriffie\n"
        "doelgroep: {rollen: [statenlid]}\nplanning: {rrule: FREQ=YEARLY}\ntermijn: P4W\n" + extra,
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("sjabloon", "bericht"),
    [
        (
            "{% for x in y %}\n{{ x }}\n",
            "het sjabloon houdt op terwijl blok 'for' nog open is; sluit het af met 'endfor'",
        ),
        ("Beste {{ naam }\n", "onverwacht '}'"),
        ("{{ naam | onbekend }}\n", "onbekend filter 'onbekend'"),
    ],
)
def test_a_broken_template_is_told_in_dutch(tmp_path, sjabloon, bericht):
    _eigen_spec(tmp_path, "sjablonen: {verzoek: eigen/verzoek}\n")
    (tmp_path / "sjablonen" / "eigen").mkdir(parents=True)
    (tmp_path / "sjablonen" / "eigen" / "verzoek.txt.j2").write_text(sjabloon, encoding="utf-8")
    with pytest.raises(OngeldigeCatalogus) as fout:
        laad_catalogus(tmp_path)
    [probleem] = fout.value.problemen
    assert (probleem.regel, probleem.veld) == (8, "sjablonen.verzoek")
    assert probleem.bericht.startswith("sjabloon eigen/verzoek.txt.j2, regel ")
    assert bericht in probleem.bericht


def test_a_file_that_holds_no_keys_says_what_it_holds(tmp_path):
    (tmp_path / "lijst.yaml").write_text("- id: lijst\n", encoding="utf-8")
    with pytest.raises(OngeldigeCatalogus) as fout:
        laad_catalogus(tmp_path)
    assert [p.bericht for p in fout.value.problemen] == [
        "het bestand bevat een lijst, geen sleutels met een waarde ('sleutel: waarde')"
    ]
