"""The public registers (served under /registers) and the draft jaarverslag in real Chromium: rendered, every
stylesheet loaded, nothing serious for axe-core (WCAG 2.1 A/AA); screenshots for the README when
INTEGRITEIT_SCHERMAFDRUKKEN names a folder."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from engine import diensten
from engine.database import maak_engine
from engine.diensten import Omgeving
from engine.simulator import simuleer_op
from models.instellingen import Instellingen
from models.werkdagen import TIJDZONE
from testservers.browser import axe_overtredingen, beschrijf, schermafdruk, serveer, tekst
from web.app import maak_app

pytestmark = pytest.mark.traag
NU = datetime(2027, 3, 31, 12, 0, tzinfo=TIJDZONE)
SCHERMAFDRUKKEN = os.environ.get("INTEGRITEIT_SCHERMAFDRUKKEN")


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
