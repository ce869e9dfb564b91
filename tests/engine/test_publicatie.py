"""Publishing the demo organisation's registers: the rules of processen/publicatie.yaml checked file by file
(HTML, JSON, CSV), escaping, formula injection, the audit trail, the changes since the previous publication, and
an earlier day regenerated exactly as it was published then."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from engine import diensten
from engine.database import maak_engine
from engine.diensten import Omgeving
from engine.publicatie import csv_cel
from models.instellingen import Instellingen
from models.tabellen import Gebeurtenis, Persoon, Registerregel
from models.werkdagen import TIJDZONE

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)
T1 = datetime(2027, 3, 2, 10, 0, tzinfo=TIJDZONE)
T2 = datetime(2027, 3, 9, 10, 0, tzinfo=TIJDZONE)
SCRIPT = "<script>alert(1)</script>"
BESTUUR = {"statenlid", "gs-lid", "cvdk"}


def _aanvaard(omg: Omgeving, persoon_id: int, register: str, invoer: list[dict], nu: datetime) -> None:
    """Report entries and accept them as the integriteitscoordinator, through the use cases."""
    ingediend = diensten.melding(omg, persoon_id=persoon_id, register=register, invoer=invoer, nu=nu, kanaal="web")
    coordinator = _persoon(omg, functie="Integriteitscoördinator")
    for versie_id in ingediend.uitkomst.voorstellen:
        diensten.aanvaard(omg, versie_id=versie_id, door_persoon_id=coordinator.id, nu=nu)


def _persoon(omg: Omgeving, **waarden) -> Persoon:
    with omg.werk() as s:
        return s.exec(select(Persoon).filter_by(**waarden).order_by(Persoon.id)).first()


@pytest.fixture(scope="module")
def demo(tmp_path_factory, catalogus):
    """The demo organisation with its register entries, a Statenlid and a schaal-15 function whose every field
    holds a script or a formula, published on T1; then changes on T2 and a second publication."""
    map = tmp_path_factory.mktemp("publicatie")
    omg = Omgeving(maak_engine(f"sqlite:///{map / 'integriteit.db'}"), catalogus, Instellingen(smtp_host=None))
    diensten.importeer_personen(omg, bestand=None, nu=T0)
    diensten.laad_demoregisters(omg, nu=T0)
    with Session(omg.engine) as s:
        for extern_id, rollen, functie in (("X1", "statenlid", "Statenlid"), ("X2", "medewerker", SCRIPT)):
            s.add(
                Persoon(
                    extern_id=extern_id,
                    naam=f"{SCRIPT} {extern_id}",
                    email=f"{extern_id}@demo.example",
                    rollen=rollen,
                    functie=functie,
                    schaal=15 if extern_id == "X2" else None,
                    bijgewerkt=T0,
                )
            )
        s.commit()
    vijandig = {
        "omschrijving": SCRIPT,
        "organisatie": '=HYPERLINK("http://x")',
        "functie": SCRIPT,
        "sinds": "2026-01-01",
    }
    _aanvaard(omg, _persoon(omg, extern_id="X1").id, "nevenfuncties", [vijandig], T0)
    _aanvaard(omg, _persoon(omg, extern_id="X2").id, "nevenfuncties", [vijandig | {"beperkende_maatregel": SCRIPT}], T0)
    eerste = diensten.publiceer(omg, map=map / "t1", nu=T1)

    cvdk = _persoon(omg, extern_id="P00001")
    with omg.werk() as s:
        regel = s.exec(select(Registerregel.regel).where(Registerregel.persoon_id == cvdk.id)).first()
    _aanvaard(
        omg,
        cvdk.id,
        "nevenfuncties",
        [
            {
                "regel": regel,
                "omschrijving": "Voorzitter van het veiligheidsberaad",
                "qq": True,
                "sinds": "2025-01-01",
                "tot": "2027-03-05",
            }
        ],
        T2,
    )
    _aanvaard(omg, cvdk.id, "financiele-belangen", [{"soort": "Obligaties", "omschrijving": "Provinciale lening"}], T2)
    tweede = diensten.publiceer(omg, map=map / "t2", nu=T2)
    opnieuw = diensten.publiceer(omg, map=map / "t1-opnieuw", nu=T2, peildatum=T1.date())
    yield omg, map, eerste, tweede, opnieuw
    omg.engine.dispose()


def _bestanden(map: Path) -> dict[str, str]:
    return {str(p.relative_to(map)): p.read_text(encoding="utf-8") for p in sorted(map.rglob("*")) if p.is_file()}


def test_the_export_has_an_index_a_page_per_register_and_per_person_or_function_and_open_data(demo):
    _, map, eerste, _, _ = demo
    bestanden = _bestanden(map / "t1")
    assert {"index.html", "stijl.css", "open-data/index.html"} <= bestanden.keys()
    for register in ("nevenfuncties", "financiele-belangen", "geschenken", "nevenwerkzaamheden-medewerkers"):
        assert {f"{register}/index.html", f"open-data/{register}.json", f"open-data/{register}.csv"} <= bestanden.keys()
    assert "nevenfuncties/marieke-van-dongen.html" in bestanden  # the cvdK, by name
    assert "nevenwerkzaamheden-medewerkers/programmamanager.html" in bestanden  # staff by function name
    assert 'id="laatste-wijziging">1 maart 2027<' in bestanden["index.html"]
    assert (
        "functienaam" in bestanden["open-data/index.html"]
        and "beperkende_maatregel" in bestanden["open-data/index.html"]
    )
    assert eerste.bestanden == {p: hashlib.sha256((map / "t1" / p).read_bytes()).hexdigest() for p in bestanden}


def test_every_public_entry_belongs_to_someone_whose_role_and_schaal_make_it_public(demo):
    omg, map, *_ = demo
    with omg.werk() as s:
        personen = list(s.exec(select(Persoon)))
    bestuur = {p.naam for p in personen if p.rolset & BESTUUR}
    functies = {p.functie for p in personen if "medewerker" in p.rolset and (p.schaal or 0) >= 14 and not p.inhuur}
    for pad in (map / "t1" / "open-data").glob("*.json"):
        gegevens = json.loads(pad.read_text(encoding="utf-8"))
        assert gegevens["regels"], pad.name
        for regel in gegevens["regels"]:
            if "naam" in regel:
                assert regel["naam"] in bestuur, (pad.name, regel)
            else:
                assert regel["functienaam"] in functies, (pad.name, regel)
        rijen = list(csv.DictReader(io.StringIO((map / "t1" / "open-data" / f"{pad.stem}.csv").read_text("utf-8"))))
        assert [r.get("naam") or r["functienaam"] for r in rijen] == [
            r.get("naam") or r["functienaam"] for r in gegevens["regels"]
        ]


def test_what_the_plan_shows_per_register(demo):
    _, map, *_ = demo
    nevenfuncties = json.loads((map / "t1" / "open-data" / "nevenfuncties.json").read_text("utf-8"))["regels"]
    noor = [r for r in nevenfuncties if r["naam"] == "Noor Jansen"]
    assert {(r["omschrijving"], r["qq"], r["bezoldigd"]) for r in noor} == {
        ("Lid algemeen bestuur", True, False),
        ("Voorzitter van een stichting", False, True),
    }  # q.q. and other, bezoldigd or not; the one that ended in 2026 is gone
    geschenken = json.loads((map / "t1" / "open-data" / "geschenken.json").read_text("utf-8"))["regels"]
    assert {(r["omschrijving"], r["geschatte_waarde"], r["bestemming"]) for r in geschenken} == {
        ("Fles wijn en een boek", "120.00", "Verloot onder medewerkers"),
        ("Dinerbon", "75.00", "Geschonken aan de voedselbank"),
    }  # a gift of EUR 50 or less is kept by its receiver and not in the register
    medewerkers = json.loads((map / "t1" / "open-data" / "nevenwerkzaamheden-medewerkers.json").read_text("utf-8"))
    assert [k["naam"] for k in medewerkers["kolommen"]] == [
        "functienaam",
        "omschrijving",
        "organisatie",
        "functie",
        "beperkende_maatregel",
    ]  # Bijlage 4: functienaam, nevenwerkzaamheden, beperkende maatregel


def test_no_staff_name_and_nothing_of_staff_below_schaal_14_inhuur_or_staff_gifts_appears_in_any_file(demo):
    omg, map, *_ = demo
    with omg.werk() as s:
        personen = list(s.exec(select(Persoon)))
    bestuur = {p.naam for p in personen if p.rolset & BESTUUR}
    staf = {p.naam for p in personen if "medewerker" in p.rolset and p.naam not in bestuur}
    for export in ("t1", "t2", "t1-opnieuw"):
        for pad, tekst in _bestanden(map / export).items():
            assert not [n for n in staf if n in tekst], pad
            for verborgen in (
                "Zelfstandig fotograaf",
                "Eigen adviesbureau",
                "Kerstpakket",
                "Bos bloemen",
                "Hockeyclub Voorbeeld",
                "Ilse Kramer",
                "Anne-Marie Smits",
                "Strategisch adviseur",
            ):
                assert verborgen not in tekst, (pad, verborgen)


def test_a_script_in_every_field_is_escaped_and_a_formula_in_csv_is_neutralised(demo):
    _, map, *_ = demo
    bestanden = _bestanden(map / "t1")
    for pad, tekst in bestanden.items():
        if pad.endswith(".html"):
            assert "<script" not in tekst, pad
    assert "&lt;script&gt;alert(1)&lt;/script&gt; X1" in bestanden["nevenfuncties/index.html"]
    assert bestanden["nevenwerkzaamheden-medewerkers/index.html"].count("&lt;script&gt;") == 4  # function, 3 fields
    assert "'=HYPERLINK" in bestanden["open-data/nevenfuncties.csv"]
    assert [csv_cel(w) for w in ("=1+1", "+31", "-2", "@SUM(A1)", "75.00", None, True)] == [
        "'=1+1",
        "'+31",
        "'-2",
        "'@SUM(A1)",
        "75.00",
        "",
        "ja",
    ]


def test_each_publication_is_in_the_audit_trail_with_a_hash_per_file_and_the_changes_since_the_previous(demo):
    omg, map, eerste, tweede, _ = demo
    assert eerste.vorige is None and {w.soort for w in eerste.wijzigingen} == {"toegevoegd"}
    assert {(w.soort, w.register, w.wie, w.wat) for w in tweede.wijzigingen} == {
        ("beëindigd", "nevenfuncties", "Marieke van Dongen", "Voorzitter van het veiligheidsberaad"),
        ("toegevoegd", "financiele-belangen", "Marieke van Dongen", "Provinciale lening"),
    }
    with omg.werk() as s:
        rijen = list(s.exec(select(Gebeurtenis).where(Gebeurtenis.soort == "publicatie").order_by(Gebeurtenis.id)))
    assert [json.loads(r.details)["bestanden"] for r in rijen[:2]] == [eerste.bestanden, tweede.bestanden]
    assert json.loads(rijen[1].details)["map"] == str((map / "t2").resolve())


def test_an_earlier_peildatum_regenerates_exactly_what_was_published_then(demo):
    _, map, eerste, tweede, opnieuw = demo
    assert opnieuw.bestanden == eerste.bestanden
    assert _bestanden(map / "t1-opnieuw") == _bestanden(map / "t1")
    assert tweede.bestanden != eerste.bestanden


def test_a_page_no_longer_public_is_removed_from_the_folder_on_the_next_publication(demo, tmp_path):
    omg, *_ = demo
    diensten.publiceer(omg, map=tmp_path, nu=T2, peildatum=T1.date())
    assert (tmp_path / "nevenfuncties" / "marieke-van-dongen.html").exists()
    diensten.publiceer(omg, map=tmp_path, nu=T2)
    assert (tmp_path / "financiele-belangen" / "marieke-van-dongen.html").exists()
    assert not (tmp_path / "nevenfuncties" / "marieke-van-dongen.html").exists()
