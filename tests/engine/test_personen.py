"""Importing persons: idempotent on extern_id, all or nothing, leavers become inactive."""

from datetime import datetime

import pytest
from sqlmodel import select

from engine.personen import DEMO, OngeldigeImport, importeer, lees_bestand
from models.tabellen import Persoon
from models.werkdagen import TIJDZONE

NU = datetime(2027, 1, 4, 8, tzinfo=TIJDZONE)
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
