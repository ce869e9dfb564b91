"""The coordinator's view escapes what people typed: a name never becomes a link, an image or markup."""

from __future__ import annotations

import re
from datetime import datetime

from markdown_it import MarkdownIt
from sqlmodel import select

from engine import registers
from engine.overzicht import openstaand, ronde_tabel
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from models.tabellen import Persoon
from models.werkdagen import TIJDZONE

NU = datetime(2027, 3, 1, 10, 0, tzinfo=TIJDZONE)
KWAADAARDIG = ["[klik](javascript:alert(1))", '"><img src=x onerror=alert(1)>', "![x](http://kwaad.example/p.png)"]


def als_html(markdown: str) -> str:
    """Rendered as a permissive Markdown renderer would (raw HTML allowed): the worst case for the UI."""
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def test_markdown_injection_in_names_is_escaped_in_every_artifact(session, catalogus):
    importeer(
        session,
        [
            PersoonInvoer(extern_id=f"K{i}", naam=naam, email=f"k{i}@example.org", rollen=["statenlid"])
            for i, naam in enumerate(KWAADAARDIG)
        ],
        NU,
    )
    for persoon in session.exec(select(Persoon)):
        persoon.onbestelbaar = True
    ronde = start_ronde(
        session=session, catalogus=catalogus, proces=catalogus.proces("nevenfuncties-statenleden"), nu=NU
    ).ronde
    pagina = als_html(openstaand(session, NU))
    cellen = " ".join(als_html(str(waarde)) for rij in ronde_tabel(session, ronde) for waarde in rij.values())
    for html in (pagina, cellen):
        assert "<img" not in html
        assert set(re.findall(r'href="([^"]*)"', html)) <= {"http://127.0.0.1:8000/beoordelen"}  # only our own link
    assert "[klik](javascript:alert(1))" in pagina  # the name is still there, as plain text


def test_the_open_list_counts_register_proposals_and_links_to_the_review_page(session, catalogus):
    importeer(session, [PersoonInvoer(extern_id="S1", naam="Lid", email="s1@example.org", rollen=["statenlid"])], NU)
    session.commit()
    persoon = session.exec(select(Persoon)).one()
    registers.melding(
        session,
        catalogus=catalogus,
        persoon_id=persoon.id,
        register="geschenken",
        invoer=[{"omschrijving": "Boek", "gever": "Stichting X", "datum": "2027-02-20", "geschatte_waarde": "20"}],
        nu=NU,
        kanaal="web",
    )
    tekst = openstaand(session, NU)
    assert (
        "- Registervoorstellen die wachten op de eigenaar: 1 ([beoordelen](http://127.0.0.1:8000/beoordelen))" in tekst
    )
