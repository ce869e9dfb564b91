"""processen/publicatie.yaml: the plan's table of what is public, and broken rules named by file, line and field;
the public slug that gives a person's pages their lasting address, and the migration that gives it to those stored."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from engine.catalogus import OngeldigeCatalogus, laad_catalogus
from engine.publicatie import openbaar
from models.publicatie import slug, vrije_slug
from models.tabellen import Persoon
from tests.models.test_statussen import _migreer

NU = datetime(2027, 1, 1)


def persoon(rollen: str, schaal: int | None = None, inhuur: bool = False) -> Persoon:
    return Persoon(extern_id="x", naam="x", email="x@x", rollen=rollen, schaal=schaal, inhuur=inhuur, bijgewerkt=NU)


@pytest.mark.parametrize(
    ("register", "wie", "publiek"),
    [
        ("nevenfuncties", persoon("statenlid"), True),
        ("nevenfuncties", persoon("gs-lid"), True),
        ("nevenfuncties", persoon("cvdk"), True),
        ("financiele-belangen", persoon("statenlid"), True),
        ("geschenken", persoon("gs-lid"), True),
        ("nevenwerkzaamheden-medewerkers", persoon("medewerker", 14), True),
        ("nevenwerkzaamheden-medewerkers", persoon("medewerker", 13), False),
        ("nevenwerkzaamheden-medewerkers", persoon("medewerker"), False),  # no schaal known: never
        ("nevenwerkzaamheden-medewerkers", persoon("medewerker", 15, inhuur=True), False),
        ("geschenken", persoon("medewerker;statengriffie", 15), False),  # staff gifts: never
        ("financiele-belangen", persoon("medewerker", 16), False),
    ],
)
def test_the_project_rules_follow_the_plans_table(catalogus, register, wie, publiek):
    regel = next(o for o in catalogus.publicatie.openbaar if o.id == register)
    assert openbaar(catalogus.publicatie, regel, wie) is publiek


def test_staff_are_shown_by_function_name_and_gifts_only_above_50_euro(catalogus):
    regels = {o.id: o for o in catalogus.publicatie.openbaar}
    assert regels["nevenwerkzaamheden-medewerkers"].per == "functie"
    assert regels["nevenwerkzaamheden-medewerkers"].velden[-1] == "beperkende_maatregel"
    assert {o.per for i, o in regels.items() if i != "nevenwerkzaamheden-medewerkers"} == {"persoon"}
    assert regels["geschenken"].alleen_boven == Decimal(50)
    assert {"qq", "bezoldigd"} <= set(regels["nevenfuncties"].velden)


def test_a_broken_rule_is_named_by_file_line_and_field(tmp_path):
    (tmp_path / "publicatie.yaml").write_text(
        "openbaar:\n"
        "  - id: nevenfuncties\n"
        "    titel: Nevenfuncties\n"
        "    bron: Actie 5\n"
        "    register: nevenfuncties\n"
        "    wie: {rollen: [statenleden]}\n"
        "    per: persoon\n"
        "    velden: [omschrijving, salaris]\n"
        "nooit:\n"
        "  - wie: {rollen: [medewerker]}\n"
        "    reden: test\n"
        "    regsiter: geschenken\n",
        encoding="utf-8",
    )
    with pytest.raises(OngeldigeCatalogus) as fout:
        laad_catalogus(tmp_path)
    meldingen = [str(p) for p in fout.value.problemen]
    assert any("publicatie.yaml:2" in m and "geen veld salaris" in m for m in meldingen), meldingen
    assert any("publicatie.yaml:12" in m and "regsiter" in m for m in meldingen), meldingen
    (tmp_path / "publicatie.yaml").write_text(
        "openbaar:\n  - id: nf\n    titel: N\n    bron: A\n    register: nevenfuncties\n"
        "    wie: {rollen: [statenleden]}\n    per: persoon\n    velden: [omschrijving]\n",
        encoding="utf-8",
    )
    with pytest.raises(OngeldigeCatalogus) as fout:
        laad_catalogus(tmp_path)
    assert any("publicatie.yaml:6" in str(p) and "onbekende rol 'statenleden'" in str(p) for p in fout.value.problemen)


def test_an_unknown_role_under_rolnamen_is_named_by_file_and_line(tmp_path):
    (tmp_path / "publicatie.yaml").write_text(
        "openbaar:\n  - id: nf\n    titel: N\n    bron: A\n    register: nevenfuncties\n"
        "    wie: {rollen: [statenlid]}\n    per: persoon\n    velden: [omschrijving]\n"
        "rolnamen:\n  statenlid: Statenlid\n  gedeputeerde: Gedeputeerde\n",
        encoding="utf-8",
    )
    with pytest.raises(OngeldigeCatalogus) as fout:
        laad_catalogus(tmp_path)
    assert any(
        "publicatie.yaml:11" in str(p) and "onbekende rol 'gedeputeerde'" in str(p) for p in fout.value.problemen
    )


# The public slug: a person's pages keep their address.


def test_a_slug_is_the_name_in_plain_letters_and_a_namesake_gets_the_next_number():
    bezet: set[str] = set()
    assert [vrije_slug(n, bezet) for n in ("Anne-Marie Öztürk", "Jan de Vries", "jan  de vries", "Jan de Vries")] == [
        "anne-marie-ozturk",
        "jan-de-vries",
        "jan-de-vries-2",
        "jan-de-vries-3",
    ]
    assert slug("<script>") == "script" and slug("???") == "zonder-naam" and len(slug("a" * 300)) == 200


def test_the_migration_gives_every_stored_person_a_slug_in_the_order_they_were_stored(lege_database):  # noqa: F811
    engine = lege_database
    _migreer(engine, "0012")
    with engine.begin() as c:
        for id_, naam in ((1, "Jan de Vries"), (2, "Eva Smit"), (3, "Jan de Vries")):
            c.execute(
                text(
                    "INSERT INTO persoon (id, extern_id, naam, email, rollen, inhuur, ambtseed, actief, onbestelbaar,"
                    " bijgewerkt) VALUES (:id, :e, :naam, 'p@x', 'statenlid', false, false, true, false,"
                    " '2027-03-01 08:00:00')"
                ),
                {"id": id_, "e": f"T{id_}", "naam": naam},
            )
    _migreer(engine, "head")
    with engine.connect() as c:
        slugs = c.execute(text("SELECT id, slug FROM persoon ORDER BY id")).all()
        assert [tuple(r) for r in slugs] == [(1, "jan-de-vries"), (2, "eva-smit"), (3, "jan-de-vries-2")]
        with pytest.raises(IntegrityError):
            c.execute(text("UPDATE persoon SET slug = 'eva-smit' WHERE id = 1"))  # one address, one person
