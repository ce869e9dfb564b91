"""Importing persons: idempotent on extern_id, all or nothing, leavers become inactive; every hostile file
(tests/engine/import/, or generated where it would be huge or binary) refused with its exact Dutch message."""

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from engine.personen import DEMO, OngeldigeImport, importeer, lees_bestand
from models.tabellen import Persoon
from models.werkdagen import TIJDZONE

NU = datetime(2027, 1, 4, 8, tzinfo=TIJDZONE)
IMPORT = Path(__file__).parent / "import"
KOP = "extern_id,naam,email,rollen,fractie,team,afdeling,functie,leidinggevende,schaal,inhuur,ambtseed\n"


@pytest.fixture
def rollen(catalogus):
    return set(catalogus.rollen.rollen)


def schrijf(tmp_path, naam, tekst):
    pad = tmp_path / naam
    pad.write_text(tekst, encoding="utf-8")
    return pad


def test_the_demo_organisation_has_the_plans_bodies(rollen):
    personen = lees_bestand(DEMO, rollen)
    telling = {rol: sum(rol in p.rollen for p in personen) for rol in rollen}
    assert telling["statenlid"] == 49 and telling["fractievoorzitter"] == 12 and telling["gs-lid"] == 6
    assert telling["cvdk"] == 1 and telling["integriteitscoordinator"] == 1 and telling["medewerker"] >= 1400
    assert {p.schaal for p in personen if p.schaal} == set(range(5, 19))
    assert any(p.inhuur for p in personen)


def test_importing_twice_changes_nothing_and_a_leaver_becomes_inactive(session, rollen, tmp_path):
    eerste = schrijf(
        tmp_path,
        "a.csv",
        KOP + "E1,An,an@x.nl,statenlid,Groen,,,,,,nee,nee\nE2,Bo,bo@x.nl,statenlid,Groen,,,,,,nee,nee\n",
    )
    importeer(session, lees_bestand(eerste, rollen), NU)
    verslag = importeer(session, lees_bestand(eerste, rollen), NU)
    assert (verslag.nieuw, verslag.gewijzigd, verslag.ongewijzigd) == (0, 0, 2)
    tweede = schrijf(tmp_path, "b.csv", KOP + "E1,An,an@x.nl,statenlid;fractievoorzitter,Groen,,,,,,nee,nee\n")
    verslag = importeer(session, lees_bestand(tweede, rollen), NU)
    assert (verslag.gewijzigd, verslag.inactief) == (1, 1)
    bo = session.exec(select(Persoon).where(Persoon.extern_id == "E2")).one()
    assert not bo.actief  # kept, with history, not deleted


def test_a_bad_file_names_row_column_and_reason_and_imports_nothing(session, rollen, tmp_path):
    slecht = schrijf(
        tmp_path,
        "slecht.csv",
        KOP + "E1,An,an@x.nl,statenlid,,,,,,,nee,nee\n"
        "E2,Bo,geen-adres,statenlid,,,,,,,nee,nee\n"
        "E3,Cy,cy@x.nl,statenlit,,,,,,,nee,nee\n"
        "E4,Di,di@x.nl,medewerker,,,,,,veertien,nee,nee\n",
    )
    with pytest.raises(OngeldigeImport) as fout:
        lees_bestand(slecht, rollen)
    assert fout.value.problemen == [
        "rij 3, kolom email: 'geen-adres': geen geldig e-mailadres",
        "rij 4, kolom rollen: onbekende rol 'statenlit' (zie rollen.yaml)",
        "rij 5, kolom schaal: 'veertien': geen geheel getal",
    ]
    assert session.exec(select(Persoon)).first() is None


def test_yaml_lists_are_read_too(rollen, tmp_path):
    pad = schrijf(tmp_path, "p.yaml", "personen:\n  - {extern_id: Y1, naam: Yo, email: yo@x.nl, rollen: [gs-lid]}\n")
    assert [p.extern_id for p in lees_bestand(pad, rollen)] == ["Y1"]


# A file that is read: the (naam, functie) of each person stored, on SQLite and PostgreSQL alike.
GELEZEN = {
    "utf16.csv": [("Zoë Boër", None), ("José Müller", "Adviseur")],  # Excel's "Unicode-tekst": BOM and tabs
    "utf16-zonder-bom.csv": [("Zoë Boër", None), ("José Müller", "Adviseur")],
    "latin1.csv": [("Zoë Boër", None), ("José Müller", "Adviseur")],
    "windows1252-puntkomma.csv": [("Zoë Boër", None), ("José Müller", "Adviseur “integriteit” – €")],
    "utf8-bom-puntkomma.csv": [("Zoë Boër", None), ("José Müller", "Adviseur")],  # Excel's "CSV UTF-8"
    "excel-restjes.csv": [("Zoë Boër", None), ("José Müller", "Adviseur")],  # empty rows, trailing separators
    "tab-in-veld.csv": [("Zoë\tBoër", None), ("José Müller", "Adviseur")],
    "utf16-be.csv": [("Zoë Boër", None), ("José Müller", "Adviseur")],
    "utf8-tab-crlf.csv": [("Zoë Boër", None), ("José Müller", "Adviseur")],
    "mac-regeleinden.csv": [("Zoë Boër", None), ("José Müller", "Adviseur")],  # CR alone ends a line
    "pipe-gescheiden.csv": [("Zoë Boër", None), ("José Müller", "Adviseur")],
    # formulas are data: stored as written, escaped wherever shown and neutralised in every CSV written
    "formules.csv": [('=HYPERLINK("http://kwaad.example")', None), ("+31 Müller", "@SUM(A1:A9)"), ("-Lid", "Adviseur")],
    "yaml-tijd-als-team.yaml": [("An de Vries", None)],  # team 10:30 is text, not YAML 1.1's 630 (see below)
}

# A file that is refused: its problems, exactly.
GEWEIGERD = {
    "dubbele-kolomkop.csv": ["rij 1, kolom 13: kolomkop 'naam' staat er twee keer (ook in kolom 2)"],
    "onbekende-kolomkop.csv": [
        "rij 1, kolom 13: onbekende kolomkop 'telefoon' (bekend zijn: extern_id, naam, email, rollen, fractie, "
        "team, afdeling, functie, leidinggevende, schaal, inhuur, ambtseed, in_dienst, uit_dienst, benoemd)"
    ],
    "kolomkop-met-typfout.csv": [
        "rij 1, kolom 3: onbekende kolomkop 'e-mail'; bedoelt u 'email'?",
        "rij 1: de kolom 'email' ontbreekt",
    ],
    "ontbrekende-kolom.csv": ["rij 1: de kolom 'email' ontbreekt"],
    "lege-kolomkop.csv": ["rij 1, kolom 5: de kolomkop is leeg"],
    "extra-velden.csv": ["rij 3, kolom 13: 'extra' staat in een kolom zonder kolomkop (de kopregel heeft 12 kolommen)"],
    "te-weinig-velden.csv": ["rij 2, kolom ambtseed: ontbreekt; de rij heeft 11 velden, de kopregel 12"],
    "nul-teken.csv": ["rij 2, kolom naam: onzichtbaar stuurteken U+0000 op positie 3; haal het weg"],
    "regeleinde-in-veld.csv": ["rij 2, kolom naam: onzichtbaar stuurteken U+000A op positie 12; haal het weg"],
    "cr-in-naam.csv": ["rij 2, kolom naam: onzichtbaar stuurteken U+000D op positie 4; haal het weg"],
    "regeleinde-in-email.csv": ["rij 2, kolom email: onzichtbaar stuurteken U+000D op positie 9; haal het weg"],
    "te-lang-veld.csv": ["rij 2, kolom functie: 1.200 tekens; een veld heeft er hoogstens 1.000"],
    "langer-dan-de-database.csv": ["rij 2, kolom fractie: 201 tekens; hoogstens 200"],
    "leeg.csv": ["het bestand is leeg"],
    "alleen-kopregel.csv": ["het bestand heeft alleen een kopregel (rij 1), geen personen"],
    "ongesloten-aanhalingsteken.csv": ['rij 3: een aanhalingsteken (") wordt niet gesloten'],
    "gemengde-tekenset.csv": ["regel 3: het bestand is deels UTF-8 en deels een andere tekenset; sla het op als UTF-8"],
    "png-als-csv.csv": [
        "het bestand is geen tekst maar binair (een afbeelding?); importeer CSV, Excel (.xlsx) of YAML"
    ],
    "oud-excel.xls": ["dit is het oude Excel-formaat (.xls); sla het op als .xlsx of als CSV"],
    "csv-als-xlsx.xlsx": ["het bestand is geen leesbaar Excel-bestand (.xlsx): beschadigd, of een ander soort bestand"],
    "kapotte-yaml.yaml": ["regel 3: geen geldige YAML; kijk daar naar haakjes, aanhalingstekens en inspringing"],
    "yaml-dubbele-sleutel.yaml": ["regel 4: de sleutel naam staat er twee keer (eerst op regel 3)"],
    "yaml-geen-lijst.yaml": ["verwacht een lijst met personen, of 'personen:' met daaronder een lijst"],
    "yaml-geen-persoon.yaml": ["rij 2: geen persoon ('An de Vries'); verwacht per veld 'kolom: waarde'"],
    "yaml-nul-teken.yaml": ["regel 2: onzichtbaar stuurteken U+0000; haal het weg"],
    "yaml-geescapet-nul-teken.yaml": ["rij 1, kolom naam: onzichtbaar stuurteken U+0000 op positie 3; haal het weg"],
    "yaml-leeg.yaml": ["het bestand is leeg"],
    "yaml-onbekende-sleutel.yaml": ["rij 1, kolom telefoon: onbekende kolom"],
    "yaml-onmogelijke-datum.yaml": ["rij 2, kolom in_dienst: '2027-02-30': geen datum; schrijf bijv. 2025-06-01"],
}


def stand(session) -> list[dict]:
    return [p.model_dump() for p in session.exec(select(Persoon).order_by(Persoon.extern_id))]


def weigering(session, rollen, pad: Path) -> list[str]:
    """The problems with `pad`, after checking that trying to import it over goed.csv changed nothing."""
    importeer(session, lees_bestand(IMPORT / "goed.csv", rollen), NU)
    voor = stand(session)
    with pytest.raises(OngeldigeImport) as fout:
        importeer(session, lees_bestand(pad, rollen), NU)
    assert stand(session) == voor
    return fout.value.problemen


def test_the_corpus_has_a_line_for_every_file():
    assert {p.name for p in IMPORT.iterdir()} == set(GELEZEN) | set(GEWEIGERD) | {"goed.csv"}


@pytest.mark.parametrize("bestand", sorted(GELEZEN))
def test_wordt_gelezen(session, rollen, bestand):
    verslag = importeer(session, lees_bestand(IMPORT / bestand, rollen), NU)
    assert verslag.nieuw == len(GELEZEN[bestand])
    assert [(p["naam"], p["functie"]) for p in stand(session)] == GELEZEN[bestand]


@pytest.mark.parametrize("bestand", sorted(GEWEIGERD))
def test_wordt_geweigerd(session, rollen, bestand):
    assert weigering(session, rollen, IMPORT / bestand) == GEWEIGERD[bestand]


def test_yaml_leest_team_10_30_als_tekst_niet_als_630(rollen):
    [persoon] = lees_bestand(IMPORT / "yaml-tijd-als-team.yaml", rollen)
    assert persoon.team == "10:30"


def test_yaml_leest_een_personeelsnummer_met_voorloopnul_als_tekst_niet_octaal(rollen, tmp_path):
    pad = tmp_path / "personen.yaml"
    pad.write_text((IMPORT / "yaml-tijd-als-team.yaml").read_text().replace("extern_id: E1", "extern_id: 0123"))
    [persoon] = lees_bestand(pad, rollen)
    assert persoon.extern_id == "0123"


def test_veld_van_10_mb_wordt_geweigerd(session, rollen, tmp_path):
    pad = schrijf(tmp_path, "groot.csv", KOP + "E1," + "x" * 10_485_760 + ",an@x.nl,statenlid,,,,,,,nee,nee\n")
    assert weigering(session, rollen, pad) == [
        "rij 2, kolom naam: 10.485.760 tekens; een veld heeft er hoogstens 1.000"
    ]


def test_bestand_van_25_mb_wordt_geweigerd_voor_het_lezen(session, rollen, tmp_path, monkeypatch):
    pad = tmp_path / "reus.csv"
    with pad.open("wb") as bestand:
        bestand.truncate(25_000_000)  # sparse: takes no room on disk
    opener = Path.open
    monkeypatch.setattr(Path, "open", lambda p, *a, **k: pytest.fail("opened") if p == pad else opener(p, *a, **k))
    assert weigering(session, rollen, pad) == ["het bestand is 25,0 MB; een import is hoogstens 20 MB"]


def test_xlsx_wordt_gelezen(session, rollen, tmp_path):
    rijen = [
        KOP.strip().split(","),
        [1001, "Zoë Boër", "zoe@x.nl", "statenlid", "Groen", None, None, None, None, None, False, True],
        [],
        [1002.0, "José Müller", "jose@x.nl", "medewerker", None, "Team A", None, "Adviseur", 1001, 11, "nee", "ja"],
    ]
    importeer(session, lees_bestand(werkmap(tmp_path, rijen), rollen), NU)
    assert [(p["extern_id"], p["naam"], p["leidinggevende"], p["schaal"], p["ambtseed"]) for p in stand(session)] == [
        ("1001", "Zoë Boër", None, None, True),
        ("1002", "José Müller", "1001", 11, True),
    ]


def test_xlsx_met_dubbele_kolomkop_wordt_geweigerd(session, rollen, tmp_path):
    rijen = [[*KOP.strip().split(","), "naam"], ["E1", "An de Vries", "an@x.nl", "statenlid", *[None] * 8, "Jansen"]]
    assert weigering(session, rollen, werkmap(tmp_path, rijen)) == [
        "rij 1, kolom 13: kolomkop 'naam' staat er twee keer (ook in kolom 2)"
    ]


def test_ontbrekend_bestand_en_map_worden_geweigerd(session, rollen, tmp_path):
    assert weigering(session, rollen, tmp_path / "weg.csv") == ["het bestand bestaat niet"]
    assert weigering(session, rollen, tmp_path) == ["dit is een map, geen bestand"]


def test_meer_dan_50_problemen_worden_ingekort(rollen, tmp_path):
    pad = schrijf(
        tmp_path, "veel.csv", KOP + "".join(f"E{i},Naam,geen-adres,statenlid,,,,,,,nee,nee\n" for i in range(60))
    )
    with pytest.raises(OngeldigeImport) as fout:
        lees_bestand(pad, rollen)
    assert len(fout.value.problemen) == 60
    assert str(fout.value).splitlines()[-2:] == [
        f"{pad}: rij 51, kolom email: 'geen-adres': geen geldig e-mailadres",
        f"{pad}: ... en nog 10 problemen",
    ]


def test_de_opdrachtregel_meldt_een_weigering_zonder_traceback():
    pad = IMPORT / "dubbele-kolomkop.csv"
    uitkomst = CliRunner().invoke(app, ["personen", "importeer", str(pad)])
    assert uitkomst.exit_code == 1
    assert uitkomst.stderr == (
        f"{pad}: rij 1, kolom 13: kolomkop 'naam' staat er twee keer (ook in kolom 2)\nNiets geïmporteerd.\n"
    )


def werkmap(tmp_path, rijen: list[list]) -> Path:
    boek = openpyxl.Workbook()
    for rij in rijen:
        boek.active.append(rij)
    boek.save(tmp_path / "personen.xlsx")
    return tmp_path / "personen.xlsx"
