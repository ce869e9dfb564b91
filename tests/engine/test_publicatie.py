"""Publishing the demo organisation's registers: the rules of processen/publicatie.yaml checked file by file
(HTML, JSON, CSV), every member listed with their role and fractie and why they have no entries, namesakes on pages
of their own, escaping, formula injection, the audit trail, the changes since the previous publication, and an
earlier day regenerated exactly as it was published then."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from engine import diensten
from engine.antwoorden import Invoer
from engine.database import maak_engine
from engine.diensten import Omgeving
from engine.personen import PersoonInvoer, importeer
from engine.publicatie import csv_cel
from models.instellingen import Instellingen
from models.tabellen import Gebeurtenis, Persoon, Registerregel, Verzoek
from models.werkdagen import TIJDZONE
from web import registerformulier

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
                "tot": "2027-03-31",
            }
        ],
        T2,
    )
    _aanvaard(omg, cvdk.id, "financiele-belangen", [{"soort": "Obligaties", "omschrijving": "Provinciale lening"}], T2)
    x2 = _persoon(omg, extern_id="X2").id
    with omg.werk() as s:
        regel = s.exec(select(Registerregel.regel).where(Registerregel.persoon_id == x2)).first()
    _aanvaard(omg, x2, "nevenfuncties", [vijandig | {"regel": regel, "tot": "2027-03-05"}], T2)
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
    assert {(r["naam"], r["omschrijving"], r["bestemming"]) for r in geschenken if r["opgave"] == "Opgegeven"} == {
        ("Bram Veenstra", "Fles wijn en een boek", "Verloot onder medewerkers"),
        ("Tim Maas", "Dinerbon", "Geschonken aan de voedselbank"),
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
        ("gewijzigd", "nevenfuncties", "Marieke van Dongen", "Voorzitter van het veiligheidsberaad"),  # an end date
        ("toegevoegd", "financiele-belangen", "Marieke van Dongen", "Provinciale lening"),
        ("beëindigd", "nevenwerkzaamheden-medewerkers", SCRIPT, SCRIPT),
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
    functie = tmp_path / "nevenwerkzaamheden-medewerkers" / "script-alert-1-script.html"
    diensten.publiceer(omg, map=tmp_path, nu=T2, peildatum=T1.date())
    assert functie.exists()
    diensten.publiceer(omg, map=tmp_path, nu=T2)
    assert not functie.exists()  # its only entry ended
    assert (tmp_path / "nevenfuncties" / "marieke-van-dongen.html").exists()  # a member's page stays


def _open_data(map: Path, register: str) -> list[dict]:
    return json.loads((map / "open-data" / f"{register}.json").read_text("utf-8"))["regels"]


def test_every_member_is_in_each_of_their_registers_with_role_fractie_and_entries_or_not_yet_reported(demo):
    omg, map, *_ = demo
    with omg.werk() as s:
        leden = {p.naam: p for p in s.exec(select(Persoon).where(Persoon.actief)) if p.rolset & BESTUUR}
    assert len(leden) == 57  # the demo's 56 and X1
    for register in ("nevenfuncties", "financiele-belangen", "geschenken"):
        rijen = _open_data(map / "t1", register)
        assert {r["naam"] for r in rijen} == set(leden), register
        for rij in rijen:
            assert rij["fractie"] == leden[rij["naam"]].fractie, rij
            # nobody has answered a ronde yet: entries (from the demo's register) or nothing reported
            assert (rij["opgave"], rij["laatst_bevestigd"]) in {
                ("Opgegeven", "2027-03-01"),
                ("Nog niet opgegeven", None),
            }
        index = (map / "t1" / register / "index.html").read_text("utf-8")
        assert all(html.escape(naam) in index for naam in leden), register
    rollen = {r["naam"]: (r["rol"], r["fractie"]) for r in _open_data(map / "t1", "nevenfuncties")}
    assert rollen["Marieke van Dongen"] == ("Commissaris van de Koning", None)
    assert rollen["Noor Jansen"] == ("Gedeputeerde", None)
    assert rollen["Tim Maas"] == ("Statenlid", "Groen Utrecht")
    assert rollen["Iris van der Heijden"] == ("Statenlid, fractievoorzitter", "Groen Utrecht")
    iris = (map / "t1" / "nevenfuncties" / "iris-van-der-heijden.html").read_text("utf-8")
    assert "Nog niet opgegeven" in iris and "Statenlid, fractievoorzitter" in iris and "Groen Utrecht" in iris


def test_the_cvdk_comes_first_then_the_gedeputeerden_then_the_statenleden(demo):
    _, map, *_ = demo
    namen = [r["naam"] for r in _open_data(map / "t1", "financiele-belangen")]
    assert (
        namen[0] == "Marieke van Dongen"
        and all(  # the cvdK, then the six gedeputeerden, then Statenleden
            r["rol"] == "Gedeputeerde" for r in _open_data(map / "t1", "financiele-belangen")[1:7]
        )
    )
    assert len(namen) == len(set(namen)) == 57


def test_an_entry_with_an_end_date_shows_it_and_is_gone_after_it(demo):
    omg, map, *_ = demo
    [veiligheidsberaad] = [r for r in _open_data(map / "t2", "nevenfuncties") if r["naam"] == "Marieke van Dongen"]
    assert (veiligheidsberaad["omschrijving"], veiligheidsberaad["tot"]) == (
        "Voorzitter van het veiligheidsberaad",
        "2027-03-31",
    )
    pagina = (map / "t2" / "nevenfuncties" / "marieke-van-dongen.html").read_text("utf-8")
    assert '<td data-kolom="Tot" class="datum">31-3-2027</td>' in pagina
    later = diensten.openbare_registers(omg, peildatum=date(2027, 4, 1))
    rij = next(
        r for r in json.loads(later["open-data/nevenfuncties.json"])["regels"] if r["naam"] == "Marieke van Dongen"
    )
    assert (rij["opgave"], rij["omschrijving"], rij["laatst_bevestigd"]) == ("Geen nevenfuncties", None, "2027-03-09")


def test_the_gifts_register_shows_who_received_what_and_its_bestemming_and_nothing_more(demo):
    _, map, *_ = demo
    kolommen = json.loads((map / "t1" / "open-data" / "geschenken.json").read_text("utf-8"))["kolommen"]
    assert [k["naam"] for k in kolommen] == [
        "naam",
        "rol",
        "fractie",
        "opgave",
        "laatst_bevestigd",
        "datum",
        "omschrijving",
        "bestemming",
    ]  # plan hoofdstuk 3 par. 7: "wie geschenken heeft ontvangen en welke bestemming aan het geschenk is gegeven"
    for pad, tekst in _bestanden(map / "t1").items():
        for binnen in ("Voorbeeld Bouw", "Voorbeeld Vastgoed", "Bestuurssecretariaat", "120", "€ 75", "gever"):
            assert binnen not in tekst, (pad, binnen)


def test_the_open_data_explains_every_column_to_the_public_and_the_form_keeps_its_own_words(demo):
    _, map, *_ = demo
    for pad in (map / "t1" / "open-data").glob("*.json"):
        for kolom in json.loads(pad.read_text("utf-8"))["kolommen"]:
            assert kolom["omschrijving"] and not re.search(r"\b(u|uw|U|Uw)\b", kolom["omschrijving"]), (pad, kolom)
    nevenfuncties = {
        k["naam"]: k["omschrijving"]
        for k in json.loads((map / "t1" / "open-data" / "nevenfuncties.json").read_text("utf-8"))["kolommen"]
    }
    assert nevenfuncties["omschrijving"].startswith("Wat de nevenfunctie inhoudt")
    assert nevenfuncties["functie"].startswith("De functie die bij die organisatie wordt vervuld")
    formulier = {v.naam: v.uitleg for v in registerformulier.velden("nevenfuncties")}
    assert formulier["omschrijving"].startswith("Wat u doet") and formulier["functie"].startswith("Uw rol daar")


# Confirmed none, still being processed, never answered; namesakes. On SQLite and PostgreSQL.

STATEN = [
    PersoonInvoer(extern_id="S1", naam="Jan de Vries", email="s1@example.org", rollen=["statenlid"], fractie="Rood"),
    PersoonInvoer(extern_id="S2", naam="Eva Smit", email="s2@example.org", rollen=["statenlid"], fractie="Groen"),
    PersoonInvoer(extern_id="S3", naam="Piet Post", email="s3@example.org", rollen=["statenlid"], fractie="Blauw"),
    PersoonInvoer(extern_id="G1", naam="Greet Griffie", email="griffie@example.org", rollen=["statengriffie"]),
]


@pytest.fixture
def staten(session, db_engine, catalogus) -> Omgeving:
    """Three Statenleden and the griffie (the `session` fixture empties the database afterwards)."""
    importeer(session, STATEN, T0)
    session.commit()
    return Omgeving(db_engine, catalogus, Instellingen(smtp_host=None))


def _stand(omg: Omgeving, dag: date, register: str = "nevenfuncties") -> dict[str, tuple]:
    rijen = json.loads(diensten.openbare_registers(omg, peildatum=dag)[f"open-data/{register}.json"])["regels"]
    return {r["naam"]: (r["opgave"], r["laatst_bevestigd"], r.get("omschrijving")) for r in rijen}


def test_confirmed_none_being_processed_and_never_answered_are_told_apart_with_the_day_of_confirmation(staten):
    omg = staten
    diensten.start_ronde(omg, proces="nevenfuncties-statenleden", nu=T0, verzenden=False)
    with omg.werk() as s:
        tokens = dict(s.exec(select(Persoon.naam, Verzoek.token).join(Verzoek, Verzoek.persoon_id == Persoon.id)).all())
    nieuw = {"omschrijving": "Vicevoorzitter", "organisatie": "Waterschap", "sinds": "2026-01-01"}
    invoer = [
        Invoer(tokens["Jan de Vries"], kanaal="web", geen_wijzigingen=True),
        Invoer(tokens["Eva Smit"], kanaal="web", regels=(nieuw,)),
    ]
    ingediend = diensten.beantwoord(omg, invoer=invoer, nu=T1, verzenden=False)
    assert _stand(omg, T1.date()) == {
        "Jan de Vries": ("Geen nevenfuncties", "2027-03-02", None),
        "Eva Smit": ("Opgave in behandeling", None, None),
        "Piet Post": ("Nog niet opgegeven", None, None),
    }
    griffie = _persoon(omg, extern_id="G1")
    [voorstel] = ingediend.uitkomst[1].voorstellen
    diensten.aanvaard(omg, versie_id=voorstel, door_persoon_id=griffie.id, nu=T2)
    assert _stand(omg, T2.date())["Eva Smit"] == ("Opgegeven", "2027-03-02", "Vicevoorzitter")  # the day she sent it
    assert _stand(omg, T1.date())["Eva Smit"] == ("Opgave in behandeling", None, None)  # as it was that day
    assert _stand(omg, T0.date())["Jan de Vries"] == ("Nog niet opgegeven", None, None)  # before he answered
    assert _stand(omg, T2.date(), "geschenken")["Jan de Vries"][0] == "Nog niet opgegeven"  # another register
    pagina = diensten.openbare_registers(omg, peildatum=T2.date())["nevenfuncties/jan-de-vries.html"].decode()
    assert "Geen nevenfuncties" in pagina and "2 maart 2027" in pagina


def test_namesakes_get_pages_of_their_own_whose_address_stays_when_a_namesake_joins_or_leaves(staten):
    omg = staten
    naamgenoot = PersoonInvoer(
        extern_id="S4", naam="Jan de Vries", email="s4@example.org", rollen=["statenlid"], fractie="Paars"
    )
    with omg.werk() as s:
        importeer(s, [*STATEN, naamgenoot], T1)  # a namesake joins
    bestanden = diensten.openbare_registers(omg, peildatum=T1.date())
    assert "Rood" in bestanden["nevenfuncties/jan-de-vries.html"].decode()  # the first keeps his address
    assert "Paars" in bestanden["nevenfuncties/jan-de-vries-2.html"].decode()
    with omg.werk() as s:
        importeer(s, [p for p in STATEN if p.extern_id != "S1"] + [naamgenoot], T2)  # the first leaves
    bestanden = diensten.openbare_registers(omg, peildatum=T2.date())
    assert "nevenfuncties/jan-de-vries.html" not in bestanden
    assert "Paars" in bestanden["financiele-belangen/jan-de-vries-2.html"].decode()
    derde = naamgenoot.model_copy(update={"extern_id": "S5", "email": "s5@example.org", "fractie": "Oranje"})
    with omg.werk() as s:
        importeer(s, [p for p in STATEN if p.extern_id != "S1"] + [naamgenoot, derde], T2)
    with omg.werk() as s:
        slugs = dict(s.exec(select(Persoon.extern_id, Persoon.slug).where(Persoon.naam == "Jan de Vries")).all())
    assert slugs == {"S1": "jan-de-vries", "S4": "jan-de-vries-2", "S5": "jan-de-vries-3"}  # no address passes on
