"""`integriteit valideer`, `agenda` and `voorbeeld` as a coordinator uses them."""

import json
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from cli.main import app

ONGELDIG = Path(__file__).parents[1] / "ongeldig"
ONGELDIGE_SJABLONEN = Path(__file__).parents[1] / "ongeldig-sjablonen"
runner = CliRunner()


def test_valideer_says_all_is_well_in_one_line():
    uitkomst = runner.invoke(app, ["valideer"])
    assert uitkomst.exit_code == 0
    assert uitkomst.stdout.count("\n") == 1 and "processen geldig" in uitkomst.stdout


def test_valideer_lists_each_problem_on_stderr_and_fails():
    uitkomst = runner.invoke(app, ["valideer", "--processen", str(ONGELDIG)])
    assert uitkomst.exit_code == 1
    regels = uitkomst.stderr.splitlines()
    assert len(regels) == 44  # 40 broken files; four have two problems
    assert all(regel.count(": ") >= 2 and ".yaml:" in regel for regel in regels)
    assert "Traceback" not in uitkomst.output


def test_valideer_speaks_dutch_to_the_coordinator():
    engels = re.compile(r"\b(unknown|expected|missing|required|must|should|not|the|did you mean|e\.g)\b", re.I)
    for map in (ONGELDIG, ONGELDIGE_SJABLONEN):
        uitkomst = runner.invoke(app, ["valideer", "--processen", str(map)])
        assert not engels.findall(uitkomst.output)


def test_valideer_names_every_broken_template_without_a_traceback():
    uitkomst = runner.invoke(app, ["valideer", "--processen", str(ONGELDIGE_SJABLONEN)])
    assert uitkomst.exit_code == 1
    assert len(uitkomst.stderr.splitlines()) == 10
    assert "Traceback" not in uitkomst.output and "Error" not in uitkomst.output


def test_valideer_prints_a_warning_and_still_succeeds(tmp_path):
    (tmp_path / "eenmalig.yaml").write_text(
        "id: eenmalig\ntitel: Eenmalig\nbron: test\neigenaar: statengriffie\ndoelgroep: {rollen: [statenlid]}\n"
        "planning: {datum: 2020-01-13}\ntermijn: P4W\n",
        encoding="utf-8",
    )
    uitkomst = runner.invoke(app, ["valideer", "--processen", str(tmp_path)])
    assert uitkomst.exit_code == 0
    assert uitkomst.stderr.endswith(
        "eenmalig.yaml:6: planning.datum: waarschuwing: de datum 2020-01-13 is voorbij: dit proces start nooit meer; "
        "zet actief: false als het klaar is, of pas de planning aan\n"
    )
    assert "1 processen geldig" in uitkomst.stdout


def test_agenda_refuses_to_run_on_invalid_specs():
    uitkomst = runner.invoke(app, ["agenda", "--processen", str(ONGELDIG), "--json"])
    assert uitkomst.exit_code == 1
    assert uitkomst.stdout.strip().splitlines()[-1].endswith("niets draait tot ze zijn opgelost.")


def test_agenda_json_is_one_sorted_array_with_dates():
    uitkomst = runner.invoke(app, ["agenda", "--van", "2027-03-01", "--tot", "2027-03-31", "--json"])
    assert uitkomst.exit_code == 0
    items = json.loads(uitkomst.stdout)
    assert {(i["proces"], i["stap"], i["start"], i["deadline"]) for i in items} >= {
        ("nevenfuncties-statenleden", None, "2027-03-01", "2027-03-30"),
        ("kwetsbare-functies", "inventarisatie", "2027-03-01", "2027-04-12"),
    }
    assert [(i["start"], i["proces"]) for i in items] == sorted((i["start"], i["proces"]) for i in items)


def test_agenda_lists_what_starts_with_a_person_apart_by_when():
    tabel = runner.invoke(app, ["agenda", "--van", "2027-03-01", "--tot", "2027-03-31"]).stdout
    apart = tabel.split("Per persoon, zonder vaste datum: een ronde voor wie het overkomt\n")[1]
    assert "bij indiensttreding" in apart and "ambtseed" in apart and "ambtseed" not in tabel.split(apart)[0]
    assert "P3M vóór P3Y na benoemd-vertrouwenspersoon (3 termijnen)  vertrouwenspersonen-termijn" in apart


def test_agenda_ics_imports_as_a_calendar_with_start_and_deadline_events():
    uitkomst = runner.invoke(app, ["agenda", "--van", "2027-09-01", "--tot", "2027-09-01", "--ics"])
    assert uitkomst.exit_code == 0
    kalender = Calendar.from_ical(uitkomst.stdout_bytes)
    samenvattingen = sorted(str(e["summary"]) for e in kalender.walk("VEVENT"))
    assert "Start: Actualisatie nevenfuncties Statenleden" in samenvattingen
    assert "Deadline: Actualisatie nevenfuncties Statenleden" in samenvattingen
    assert kalender.walk("VTIMEZONE")[0]["tzid"] == "Europe/Amsterdam"


def test_agenda_without_dates_shows_the_coming_twelve_months():
    uitkomst = runner.invoke(app, ["agenda"])
    assert uitkomst.exit_code == 0
    assert uitkomst.stdout.startswith("Agenda ")


def test_agenda_rejects_a_window_that_ends_before_it_starts():
    uitkomst = runner.invoke(app, ["agenda", "--van", "2027-03-01", "--tot", "2027-02-01"])
    assert uitkomst.exit_code == 2
    assert "--tot" in uitkomst.output


@pytest.mark.parametrize(
    ("optie", "datum"),
    [("--tot", "9999-12-31"), ("--van", "0001-01-01"), ("--van", "1899-12-31"), ("--tot", "2201-01-01")],
)
def test_agenda_outside_the_years_1900_2200_is_a_usage_error_in_dutch(optie, datum):
    uitkomst = runner.invoke(app, ["agenda", optie, datum, "--json"])
    assert uitkomst.exit_code == 2
    assert f"{datum} ligt buiten de agenda: kies een datum van 1900-01-01 tot en met 2200-12-31" in uitkomst.output
    assert "Traceback" not in uitkomst.output and "OverflowError" not in uitkomst.output


def test_agenda_at_the_edges_of_its_years_answers():
    uitkomst = runner.invoke(app, ["agenda", "--van", "2200-12-01", "--json"])
    assert uitkomst.exit_code == 0
    assert all(i["start"] <= "2200-12-31" for i in json.loads(uitkomst.stdout))
    uitkomst = runner.invoke(app, ["agenda", "--van", "1900-01-01", "--tot", "1900-12-31", "--json"])
    assert uitkomst.exit_code == 0


def test_agenda_rejects_a_date_that_does_not_exist():
    uitkomst = runner.invoke(app, ["agenda", "--van", "2027-02-30"])
    assert uitkomst.exit_code == 2
    assert "2027-02-30" in uitkomst.output


def test_start_refuses_invalid_specs_with_the_valideer_report_and_starts_nothing():
    uitkomst = runner.invoke(app, ["start", "--processen", str(ONGELDIG)])
    assert uitkomst.exit_code == 1
    assert "onbekende-sleutel.yaml:8: herinnering: onbekende sleutel" in uitkomst.stderr
    assert "Prefect UI" not in uitkomst.stdout


def test_voorbeeld_prints_recipient_subject_text_and_html_of_the_mail():
    uitkomst = runner.invoke(app, ["voorbeeld", "nevenfuncties-medewerkers"])
    assert uitkomst.exit_code == 0, uitkomst.output
    assert uitkomst.stdout.startswith("Aan:       ieder(e) Medewerker, in dienst of ingehuurd (medewerker)\n")
    assert "Onderwerp: Registratie nevenwerkzaamheden medewerkers (uiterlijk " in uitkomst.stdout
    tekst, html = uitkomst.stdout.split("--- tekst ---")[1].split("--- html ---")
    assert "Beste Voorbeeld Persoon," in tekst and '<html lang="nl">' in html


def test_voorbeeld_of_a_melding_names_the_eigenaar_who_gets_it_not_the_doelgroep():
    uitkomst = runner.invoke(app, ["voorbeeld", "melding-geschenk-statenleden"])
    assert uitkomst.exit_code == 0, uitkomst.output
    assert uitkomst.stdout.startswith(
        "Aan:       ieder(e) Statengriffie (griffier en griffiemedewerkers) (statengriffie), "
        "over één Lid van Provinciale Staten (statenlid)\n"
    )


def test_voorbeeld_shows_a_stap_and_a_kind_of_message():
    uitkomst = runner.invoke(app, ["voorbeeld", "kwetsbare-functies", "--stap", "vaststelling-gs", "--soort", "taak"])
    assert uitkomst.exit_code == 0, uitkomst.output
    assert "Sjabloon:  " in uitkomst.stdout and "Beste Voorbeeld Persoon," in uitkomst.stdout


def test_voorbeeld_shows_the_eigenaars_mail_when_a_ronde_closed_with_people_missing():
    uitkomst = runner.invoke(app, ["voorbeeld", "kwetsbare-functies", "--soort", "gesloten"])
    assert uitkomst.exit_code == 0, uitkomst.output
    assert uitkomst.stdout.startswith("Aan:       Integriteitscoördinator (integriteitscoordinator)\n")
    assert "Onderwerp: Ronde gesloten: Vaststellen lijst kwetsbare functies" in uitkomst.stdout
    tekst = " ".join(uitkomst.stdout.split("--- tekst ---")[1].split("--- html ---")[0].split())
    assert "heeft 1 niet geantwoord: - Voorbeeld Persoon (statenlid)" in tekst
    assert "Vraag wie niet antwoordde het alsnog te doen, met de link in het verzoek" in tekst
    assert 'De volgende stap, "GS stellen de lijst vast (besluitdatum en kenmerk)", is gestart' in tekst


@pytest.mark.parametrize(
    ("argumenten", "bericht"),
    [
        (["kwetsbare-functie"], "geen proces 'kwetsbare-functie' in processen. Bedoelt u 'kwetsbare-functies'?"),
        (
            ["kwetsbare-functies", "--stap", "vaststelling"],
            "'kwetsbare-functies' heeft geen stap 'vaststelling'. Bedoelt u 'vaststelling-gs'?",
        ),
        (
            ["kwetsbare-functies", "--stap", "xyz"],
            "'kwetsbare-functies' heeft geen stap 'xyz'. De stappen zijn: inventarisatie, vaststelling-gs.",
        ),
        (["geschenken-gs", "--stap", "eerste"], "'geschenken-gs' heeft geen stappen; laat --stap weg"),
        (
            ["geschenken-gs", "--soort", "taak"],
            "deze stap vraagt geen bevestiging van de eigenaar; een taak heeft hij niet (kies verzoek)",
        ),
    ],
)
def test_voorbeeld_of_an_unknown_proces_or_stap_says_what_there_is_in_dutch(argumenten, bericht):
    uitkomst = runner.invoke(app, ["voorbeeld", *argumenten])
    assert uitkomst.exit_code == 2
    assert uitkomst.stderr.strip() == bericht
