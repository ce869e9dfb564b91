"""The public registers (served under /registers) and the draft jaarverslag in real Chromium: rendered, every
stylesheet loaded, nothing serious for axe-core (WCAG 2.1 A/AA); the register tables at 1280 px and on a phone
(390 px) with no word broken inside and no date over two lines, screenshots of both widths in the test's folder;
screenshots for the README when INTEGRITEIT_SCHERMAFDRUKKEN names a folder."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from engine import diensten
from engine.database import maak_engine
from engine.diensten import Omgeving
from engine.simulator import simuleer_op
from models.instellingen import Instellingen
from models.tabellen import Persoon
from models.werkdagen import TIJDZONE
from testservers.browser import axe_overtredingen, beschrijf, schermafdruk, serveer, tekst
from web.app import maak_app

pytestmark = pytest.mark.traag
NU = datetime(2027, 3, 31, 12, 0, tzinfo=TIJDZONE)
SCHERMAFDRUKKEN = os.environ.get("INTEGRITEIT_SCHERMAFDRUKKEN")
LANGE_WOORDEN = [
    {
        "omschrijving": "Vicevoorzitter Raad van Toezicht",
        "organisatie": "Coöperatieve Zorgverzekeringsmaatschappij Voorbeeldstreek U.A.",
        "functie": "Vicevoorzitter",
        "bezoldigd": True,
        "sinds": "2024-11-15",
        "tot": "2027-12-31",
    },
    {
        "omschrijving": "Algemeen bestuurslid",
        "organisatie": "Hoogheemraadschap De Stichtse Rijnlanden",
        "functie": "Plaatsvervangend dijkgraaf",
        "qq": True,
        "sinds": "2023-04-01",
    },
]
"""Entries with the long words and dates a narrow column used to break ("Vicevoorz itter")."""


def _controleer(driver, pagina: str) -> None:
    """Rendered with every stylesheet loaded, and nothing serious or critical for axe."""
    geladen = driver.execute_script(
        "return [...document.querySelectorAll('link[rel=stylesheet]')].map(l => !!l.sheet && l.sheet.cssRules.length)"
    )
    assert geladen and all(geladen), f"{pagina}: stylesheet missing"
    assert driver.execute_script("return getComputedStyle(document.querySelector('.kop')).borderBottomStyle") == "solid"
    ernstig = [o for o in axe_overtredingen(driver) if o["impact"] in {"serious", "critical"}]
    assert ernstig == [], f"{pagina}: axe finds\n{beschrijf(ernstig)}"


@pytest.fixture(scope="module")
def omg(tmp_path_factory, catalogus):
    map = tmp_path_factory.mktemp("chromium-publicatie")
    omgeving = Omgeving(maak_engine(f"sqlite:///{map / 'integriteit.db'}"), catalogus, Instellingen(smtp_host=None))
    diensten.importeer_personen(omgeving, bestand=None, nu=datetime(2026, 12, 31, 12, tzinfo=TIJDZONE))
    diensten.laad_demoregisters(omgeving, nu=datetime(2026, 12, 31, 12, tzinfo=TIJDZONE))
    _aanvaard(omgeving, "Iris van der Heijden", "nevenfuncties", LANGE_WOORDEN)
    _aanvaard(omgeving, "Noor Jansen", "geschenken", [GESCHENK])
    simuleer_op(omgeving, van=date(2027, 1, 1), tot=NU.date(), antwoordkans=0.8, zaad=1)
    for categorie, aantal, omschrijving in (
        ("vertrouwenspersonen", 14, "Gesprekken met de vertrouwenspersonen, vooral over omgangsvormen"),
        ("adviezen", 9, "Adviezen over nevenwerkzaamheden en geschenken"),
    ):
        diensten.leg_jaarcijfer_vast(
            omgeving, jaar=2027, categorie=categorie, aantal=aantal, omschrijving=omschrijving, nu=NU, door=None
        )
    yield omgeving, map
    omgeving.engine.dispose()


GESCHENK = {
    "omschrijving": "Ingelijste luchtfoto van de Utrechtse Heuvelrug",
    "gever": "Natuurmonumenten",
    "datum": "2026-12-15",
    "geschatte_waarde": "180",
    "ingeleverd_bij": "Bestuurssecretariaat",
    "bestemming": "Opgehangen in het provinciehuis",
}


def _aanvaard(omg: Omgeving, naam: str, register: str, invoer: list[dict]) -> None:
    """Entries reported by `naam` and accepted (with the eigenaar's fields) by the integriteitscoordinator."""
    moment = datetime(2026, 12, 31, 12, tzinfo=TIJDZONE)
    with omg.werk() as s:
        persoon = s.exec(select(Persoon).where(Persoon.naam == naam)).one()
        coordinator = next(p for p in s.exec(select(Persoon)) if "integriteitscoordinator" in p.rolset)
    gemeld = diensten.melding(omg, persoon_id=persoon.id, register=register, invoer=invoer, nu=moment, kanaal="web")
    for versie, velden in zip(gemeld.uitkomst.voorstellen, invoer, strict=True):
        diensten.aanvaard(omg, versie_id=versie, door_persoon_id=coordinator.id, nu=moment, velden=velden)


def test_the_public_registers_served_by_the_web_app_in_chromium(omg, browser):
    omgeving, _ = omg
    with serveer(lambda _basis: maak_app(lambda: omgeving, klok=lambda: NU)) as basis:
        driver = browser
        driver.get(f"{basis}/registers/")
        assert "Openbare registers integriteit" in tekst(driver)
        _controleer(driver, "/registers/")
        if SCHERMAFDRUKKEN:
            schermafdruk(driver, Path(SCHERMAFDRUKKEN) / "registers.png")
        for pad in (
            "nevenfuncties/index.html",
            "nevenwerkzaamheden-medewerkers/programmamanager.html",
            "open-data/index.html",
        ):
            driver.get(f"{basis}/registers/{pad}")
            _controleer(driver, pad)
        assert "Beperkende maatregel" in tekst(driver)


def test_the_draft_jaarverslag_in_chromium(omg, browser):
    omgeving, map = omg
    diensten.schrijf_jaarverslag(omgeving, jaar=2027, map=map / "verslag", nu=NU)
    app = Starlette(routes=[Mount("/", StaticFiles(directory=map / "verslag"))])
    with serveer(lambda _basis: app) as basis:
        driver = browser
        driver.get(f"{basis}/jaarverslag-2027.html")
        inhoud = tekst(driver)
        for kop in (
            "I. Kader",
            "II. Strategische/tactische managementparagraaf",
            "III. Kwalitatieve analyse",
            "IV. Cijfermatige analyse met inhoudelijke toelichtingen",
            "Voortgang jaarprogramma 2027",
        ):
            assert kop in inhoud
        assert "vastgelegd door de integriteitscoördinator (1 opgave" in inhoud
        _controleer(driver, "jaarverslag-2027.html")
        if SCHERMAFDRUKKEN:
            schermafdruk(driver, Path(SCHERMAFDRUKKEN) / "jaarverslag.png")


# The register tables at 1280 px and on a phone.

WOORDEN_OVER_TWEE_REGELS = """
const gebroken = [];
const regels = (bereik) =>
    new Set([...bereik.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
for (const cel of document.querySelectorAll('td, th')) {
    if (cel.getBoundingClientRect().width <= 1) continue;  // visually hidden (a phone's column headers)
    const lopen = document.createTreeWalker(cel, NodeFilter.SHOW_TEXT);
    for (let tekst = lopen.nextNode(); tekst; tekst = lopen.nextNode()) {
        for (const woord of tekst.data.matchAll(/\\S+/g)) {
            const bereik = document.createRange();
            bereik.setStart(tekst, woord.index);
            bereik.setEnd(tekst, woord.index + woord[0].length);
            if (regels(bereik).size > 1) gebroken.push(woord[0]);
        }
    }
    if (cel.classList.contains('datum')) {
        const bereik = document.createRange();
        bereik.selectNodeContents(cel);
        if (regels(bereik).size > 1) gebroken.push(cel.textContent);
    }
}
return gebroken;
"""
"""Every word of a table cell (and every date cell as a whole) that the browser laid out over more than one line."""

TABELLEN_DIE_SCHUIVEN = """
return [...document.querySelectorAll('.tabel-schuif')]
    .filter(schuif => schuif.scrollWidth > schuif.clientWidth)
    .map(schuif => schuif.getAttribute('aria-label'));
"""
BREEDTES = {"breed": 1280, "telefoon": 390}
PAGINAS = (
    "index.html",
    "nevenfuncties/index.html",
    "nevenfuncties/iris-van-der-heijden.html",
    "financiele-belangen/index.html",
    "geschenken/index.html",
    "geschenken/noor-jansen.html",
    "nevenwerkzaamheden-medewerkers/index.html",
    "open-data/index.html",
)


def _venster(driver, breedte: int, hoogte: int) -> None:
    """The page as a screen this wide shows it (a phone's too: a window cannot be made that narrow)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": breedte, "height": hoogte, "deviceScaleFactor": 1, "mobile": breedte < 600},
    )


def _schermafdruk(driver, breedte: int, pad: Path) -> None:
    """The whole page at this width."""
    _venster(driver, breedte, min(driver.execute_script("return document.documentElement.scrollHeight"), 8000))
    pad.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(pad))
    _venster(driver, breedte, 900)


def test_the_register_tables_break_no_word_and_no_date_at_1280_px_and_on_a_phone(omg, browser, tmp_path):
    """The screenshots stay in the test's folder (tmp_path/breed, tmp_path/telefoon) to be looked at."""
    omgeving, _ = omg
    with serveer(lambda _basis: maak_app(lambda: omgeving, klok=lambda: NU)) as basis:
        for scherm, breedte in BREEDTES.items():
            _venster(browser, breedte, 900)
            for pad in PAGINAS:
                browser.get(f"{basis}/registers/{pad}")
                assert browser.execute_script("return window.innerWidth") == breedte
                assert browser.execute_script(WOORDEN_OVER_TWEE_REGELS) == [], f"{pad} at {breedte} px"
                assert browser.execute_script("return document.documentElement.scrollWidth") <= breedte, pad
                if scherm == "breed":  # every table fits: none scrolls on its own
                    assert browser.execute_script(TABELLEN_DIE_SCHUIVEN) == [], pad
                else:  # the rows as blocks keep the page accessible
                    _controleer(browser, f"{pad} at {breedte} px")
                _schermafdruk(browser, breedte, tmp_path / scherm / pad.replace("/", "-").replace(".html", ".png"))
        browser.get(f"{basis}/registers/nevenfuncties/iris-van-der-heijden.html")
        assert "Vicevoorzitter" in tekst(browser) and "31-12-2027" in tekst(browser)  # the long word, the end date
