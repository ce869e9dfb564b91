"""`integriteit publiceer`, `jaarverslag` and `jaarcijfer` as the coordinator runs them."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest
from typer.testing import CliRunner

from cli.main import app
from models.instellingen import instellingen

runner = CliRunner()


@pytest.fixture
def omgeving(tmp_path, monkeypatch):
    monkeypatch.setenv("INTEGRITEIT_DATABASE_URL", f"sqlite:///{tmp_path / 'integriteit.db'}")
    instellingen.cache_clear()
    assert runner.invoke(app, ["personen", "importeer", "--demo", "--nu", "2027-03-01"]).exit_code == 0
    yield tmp_path
    instellingen.cache_clear()


def test_publiceer_writes_the_site_and_says_what_changed(omgeving):
    eerste = runner.invoke(app, ["publiceer", "--map", str(omgeving / "site"), "--nu", "2027-03-02"])
    assert eerste.exit_code == 0, eerste.output
    assert "184 bestanden geschreven" in eerste.stdout and "Dit is de eerste publicatie." in eerste.stdout
    assert "toegevoegd nevenwerkzaamheden-medewerkers: Programmamanager: Bestuurder vereniging" in eerste.stdout
    assert (omgeving / "site" / "index.html").exists()
    tweede = runner.invoke(app, ["publiceer", "--map", str(omgeving / "site"), "--nu", "2027-03-03"])
    assert "Sinds de vorige publicatie (2027-03-02 12:00): 0 wijzigingen." in tweede.stdout


def test_publiceer_lists_every_one_of_the_56_members_with_role_fractie_and_entries_or_why_not(omgeving):
    assert runner.invoke(app, ["ronde", "start", "nevenfuncties-gs", "--nu", "2027-03-01"]).exit_code == 0
    with sqlite3.connect(omgeving / "integriteit.db") as db:
        [token] = db.execute(
            "SELECT token FROM verzoek JOIN persoon ON persoon.id = verzoek.persoon_id WHERE naam = 'Bram Veenstra'"
        ).fetchone()
    bram = runner.invoke(app, ["antwoord", token, "--geen-wijzigingen", "--nu", "2027-03-01T15:00"])
    assert bram.exit_code == 0, bram.output
    uit = runner.invoke(app, ["publiceer", "--map", str(omgeving / "site"), "--nu", "2027-03-02"])
    assert uit.exit_code == 0, uit.output
    assert "nevenfuncties: 56 personen: 3 opgegeven, 1 geen nevenfuncties, 52 nog niet opgegeven" in uit.stdout
    assert "geschenken: 56 personen: 2 opgegeven, 54 nog niet opgegeven" in uit.stdout
    tekst = (omgeving / "site" / "open-data" / "nevenfuncties.csv").read_text(encoding="utf-8")
    rijen = list(csv.DictReader(io.StringIO(tekst)))
    assert len({r["naam"] for r in rijen}) == 56 and all(r["rol"] for r in rijen)
    assert all(r["fractie"] for r in rijen if r["rol"].startswith("Statenlid"))
    assert {r["opgave"] for r in rijen} == {"Opgegeven", "Geen nevenfuncties", "Nog niet opgegeven"}
    assert all(r["omschrijving"] for r in rijen if r["opgave"] == "Opgegeven")
    [bram] = [r for r in rijen if r["naam"] == "Bram Veenstra"]
    assert (bram["rol"], bram["opgave"], bram["laatst_bevestigd"]) == (
        "Gedeputeerde",
        "Geen nevenfuncties",
        "2027-03-01",
    )


def test_jaarcijfer_and_jaarverslag(omgeving):
    vastgelegd = runner.invoke(
        app, ["jaarcijfer", "--jaar", "2027", "--categorie", "trainingen", "--aantal", "4", "--omschrijving", "Quiz"]
    )
    assert vastgelegd.exit_code == 0 and "Vastgelegd voor 2027" in vastgelegd.stdout
    fout = runner.invoke(app, ["jaarcijfer", "--jaar", "2027", "--categorie", "roddel", "--aantal", "1"])
    assert fout.exit_code == 1 and "onbekende categorie 'roddel'" in fout.stderr
    verslag = runner.invoke(app, ["jaarverslag", "--jaar", "2027", "--map", str(omgeving / "verslag")])
    assert verslag.exit_code == 0, verslag.output
    assert "Quiz" in (omgeving / "verslag" / "jaarverslag-2027.html").read_text(encoding="utf-8")
    assert (omgeving / "verslag" / "jaarverslag-2027.md").exists()
