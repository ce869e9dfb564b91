"""The events of people's working lives, from comparing a persons import with what was known: joined, left, a
role gained or lost, an attribute changed; each recorded once with its effective date, nothing on a repeat and
nothing on the first import (the starting point); on SQLite and PostgreSQL."""

import json
from datetime import date, datetime

import pytest
from sqlmodel import select

from engine.personen import OngeldigeImport, importeer, lees_bestand
from models.tabellen import Gebeurtenis, Persoon
from models.werkdagen import TIJDZONE

KOP = "extern_id,naam,email,rollen,functie,inhuur,in_dienst,uit_dienst,benoemd\n"
BEGIN = (
    "M1,Ada Eerste,ada@demo.example,medewerker,Adviseur,nee,,,\n"
    "M2,Bob Tweede,bob@demo.example,medewerker,Jurist,nee,,,\n"
    "S1,Cor Statenlid,cor@demo.example,statenlid,,nee,,,\n"
)


def om(tekst: str) -> datetime:
    return datetime.fromisoformat(tekst).replace(tzinfo=TIJDZONE)


@pytest.fixture
def importeer_csv(session, catalogus, tmp_path):
    rollen = set(catalogus.rollen.rollen)

    def doe(tekst: str, nu: str):
        pad = tmp_path / "hr.csv"
        pad.write_text(KOP + tekst, encoding="utf-8")
        verslag = importeer(session, lees_bestand(pad, rollen), om(nu))
        session.flush()
        return verslag

    doe(BEGIN, "2027-01-04T08:00")
    return doe


def gebeurtenissen(session) -> list[tuple[str, str, str, str | None]]:
    """(soort, extern_id, datum, rol) of every life event recorded after the first import."""
    na = om("2027-01-05T00:00")
    rijen = session.exec(
        select(Gebeurtenis, Persoon)
        .join(Persoon, Persoon.id == Gebeurtenis.persoon_id)
        .where(Gebeurtenis.moment >= na)
        .order_by(Gebeurtenis.id)
    )
    return [(g.soort, p.extern_id, json.loads(g.details)["datum"], json.loads(g.details).get("rol")) for g, p in rijen]


def test_the_first_import_is_the_starting_point_and_records_no_life_events(session, importeer_csv):
    soorten = {g.soort for g in session.exec(select(Gebeurtenis))}
    assert soorten == {"persoon-toegevoegd"}


def test_a_joiner_joins_and_gains_their_roles_on_the_import_day_once_even_when_the_file_comes_twice(
    session, importeer_csv
):
    met_nieuwe = BEGIN + "M3,Dirk Nieuw,dirk@demo.example,medewerker,Beleidsmedewerker,nee,,,\n"
    importeer_csv(met_nieuwe, "2027-03-01T10:00")
    verwacht = [
        ("indiensttreding", "M3", "2027-03-01", None),
        ("rol-gekregen", "M3", "2027-03-01", "medewerker"),
    ]
    assert gebeurtenissen(session) == verwacht

    verslag = importeer_csv(met_nieuwe, "2027-03-02T10:00")

    assert gebeurtenissen(session) == verwacht
    assert (verslag.nieuw, verslag.gewijzigd, verslag.ongewijzigd) == (0, 0, 4)


def test_the_imports_own_dates_are_the_effective_dates(session, importeer_csv):
    importeer_csv(
        BEGIN.replace(
            "M2,Bob Tweede,bob@demo.example,medewerker,Jurist,nee,,,",
            "M2,Bob Tweede,bob@demo.example,medewerker,Jurist,nee,,2027-04-30,",
        )
        + "M3,Dirk Nieuw,dirk@demo.example,medewerker;vertrouwenspersoon,Adviseur,nee,2027-02-15,,2027-03-01\n",
        "2027-03-01T10:00",
    )

    assert gebeurtenissen(session) == [
        ("uitdiensttreding", "M2", "2027-04-30", None),
        ("indiensttreding", "M3", "2027-02-15", None),
        ("rol-gekregen", "M3", "2027-03-01", "medewerker"),
        ("rol-gekregen", "M3", "2027-03-01", "vertrouwenspersoon"),
    ]
    bob = session.exec(select(Persoon).where(Persoon.extern_id == "M2")).one()
    assert bob.actief and bob.uit_dienst == date(2027, 4, 30)  # asked until the day they leave


def test_a_leaver_missing_from_the_import_leaves_that_day_and_loses_their_roles(session, importeer_csv):
    importeer_csv(BEGIN.replace("S1,Cor Statenlid,cor@demo.example,statenlid,,nee,,,\n", ""), "2027-03-30T10:00")

    assert gebeurtenissen(session) == [
        ("uitdiensttreding", "S1", "2027-03-30", None),
        ("rol-verloren", "S1", "2027-03-30", "statenlid"),
    ]
    cor = session.exec(select(Persoon).where(Persoon.extern_id == "S1")).one()
    assert not cor.actief and cor.uit_dienst == date(2027, 3, 30)


def test_a_role_gained_or_lost_and_an_attribute_changed_are_events_of_their_own(session, importeer_csv):
    importeer_csv(
        BEGIN.replace(
            "M1,Ada Eerste,ada@demo.example,medewerker,Adviseur",
            "M1,Ada Eerste,ada@demo.example,medewerker;vertrouwenspersoon,Adviseur",
        )
        .replace("bob@demo.example,medewerker,Jurist", "bob@demo.example,medewerker,Senior jurist")
        .replace("cor@demo.example,statenlid,", "cor@demo.example,gs-lid,"),
        "2027-05-03T10:00",
    )

    assert gebeurtenissen(session) == [
        ("rol-gekregen", "M1", "2027-05-03", "vertrouwenspersoon"),
        ("kenmerk-gewijzigd", "M2", "2027-05-03", None),
        ("rol-gekregen", "S1", "2027-05-03", "gs-lid"),
        ("rol-verloren", "S1", "2027-05-03", "statenlid"),
    ]


def test_a_date_that_is_no_date_is_refused_with_its_row_and_column(session, catalogus, tmp_path):
    pad = tmp_path / "hr.csv"
    pad.write_text(KOP + "M1,Ada Eerste,ada@demo.example,medewerker,Adviseur,nee,1 maart,,\n", encoding="utf-8")

    with pytest.raises(OngeldigeImport) as fout:
        lees_bestand(pad, set(catalogus.rollen.rollen))

    assert str(fout.value) == f"{pad}: rij 2, kolom in_dienst: '1 maart': geen datum; schrijf bijv. 2025-06-01"
