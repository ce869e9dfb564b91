"""Every obligation of the Integriteitsplan has its place: processen/README.md lists the 17 actions, hoofdstuk 8's
activiteitenplan and the duties elsewhere in the text; each recurring one names a proces whose `bron` cites it."""

from __future__ import annotations

import re

import pytest

from engine.catalogus import STANDAARD_MAP

TABELLEN = ("De acties 1-17", "Hoofdstuk 8", "Elders in de tekst")


def tabel(kop: str) -> list[list[str]]:
    """The rows of the table under the heading that starts with `kop`, as lists of cells."""
    tekst = (STANDAARD_MAP / "README.md").read_text(encoding="utf-8")
    deel = tekst.split(f"## {kop}", 1)[1].split("\n## ", 1)[0]
    regels = [r for r in deel.splitlines() if r.startswith("|")][2:]  # without header and separator
    return [[cel.strip() for cel in r.strip("|").split("|")] for r in regels]


def processen_in(waar: str) -> list[str]:
    return re.findall(r"proces `([a-z0-9-]+)`", waar)


def geciteerde_acties(bron: str) -> set[str]:
    """'actie 9', 'acties 10 en 11', 'acties 6, 7 en 7a' -> the action numbers."""
    return {nr for m in re.finditer(r"\bacties? ((?:\d+a?(?:, | en )?)+)", bron) for nr in re.findall(r"\d+a?", m[1])}


def is_terugkerend(hoe_vaak: str) -> bool:
    return not (hoe_vaak.startswith("eenmalig") or hoe_vaak == "doorlopend")


def test_the_table_lists_every_action_of_the_plan_once():
    assert [rij[0] for rij in tabel("De acties 1-17")] == [*map(str, range(1, 8)), "7a", *map(str, range(8, 18))]


@pytest.mark.parametrize("kop", TABELLEN)
def test_every_recurring_obligation_has_a_proces_that_cites_it(catalogus, kop):
    for plaats, wat, hoe_vaak, waar in tabel(kop):
        namen = processen_in(waar)
        assert namen or not is_terugkerend(hoe_vaak), f"{kop}: '{wat}' ({hoe_vaak}) names no proces"
        for naam in namen:
            bron = catalogus.proces(naam).bron
            if kop == "De acties 1-17":
                assert plaats in geciteerde_acties(bron), f"{naam}: bron '{bron}' does not cite actie {plaats}"
            else:
                citaat = "hoofdstuk 8" if kop == "Hoofdstuk 8" else plaats
                assert citaat in bron, f"{naam}: bron '{bron}' does not cite '{citaat}'"


def test_every_proces_of_the_catalogue_is_in_the_tables(catalogus):
    genoemd = {naam for kop in TABELLEN for rij in tabel(kop) for naam in processen_in(rij[3])}
    eenmalig = {p.id for p in catalogus.processen if p.planning.model_fields_set == {"datum"}}
    assert {p.id for p in catalogus.processen} - eenmalig == genoemd
