"""Issue 22 in a real browser, scanned with axe on every page: a Statenlid reports a gift through the standing
link, the griffie sees it waiting on /bevestigen and in /beoordelen (gift, giver, value, person), accepts it once,
and the ronde of the melding is voltooid; the confirmation form keeps what was typed when it is wrong."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from engine import diensten
from engine.catalogus import laad_catalogus
from models.instellingen import STANDAARD_MAP
from tests.web.test_in_chromium import GRIFFIER, STATENLEDEN, controleer_toegankelijkheid, gediend, nu
from testservers.browser import tekst, vul_in_met_toetsenbord

pytestmark = pytest.mark.traag
MELDING = "melding-geschenk-statenleden"
GESCHENK = {
    "regels-0-omschrijving": "Kunstboek over de Domtoren",
    "regels-0-gever": "Stichting Utrechts Erfgoed",
    "regels-0-geschatte_waarde": "75",
    "regels-0-ingeleverd_bij": "Statengriffie",
}


def wacht_op(browser, element_id: str) -> None:
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, element_id), f"no #{element_id}")


def test_a_reported_gift_is_one_decision_for_the_griffie(browser, db_engine, session, tmp_path):
    personen = tmp_path / "personen.yaml"
    personen.write_text(json.dumps([*STATENLEDEN, GRIFFIER]), encoding="utf-8")
    with gediend(db_engine, laad_catalogus(STANDAARD_MAP)) as wereld:
        diensten.importeer_personen(wereld.omg, bestand=personen, nu=nu())
        anna = STATENLEDEN[0]

        # Anna asks for her standing link and reports the gift
        browser.get(wereld.url + "/link")
        vul_in_met_toetsenbord(browser, {"email": anna["email"]}, knop="stuur-link")
        browser.get(wereld.link(anna["email"], "/persoonlijk/") + "/geschenken")
        wacht_op(browser, "regels-0-gever")
        controleer_toegankelijkheid(browser, "geschenk melden")
        for veld, waarde in GESCHENK.items():
            browser.find_element(By.ID, veld).send_keys(waarde)
        browser.find_element(By.ID, "regels-0-datum").send_keys(f"{nu():%d-%m-%Y}")
        browser.find_element(By.ID, "verstuur-melding").click()
        wacht_op(browser, "gemeld")

        # the griffie logs in: the melding waits on /bevestigen, its form refuses a wrong date and keeps it
        browser.get(wereld.url + "/aanmelden")
        vul_in_met_toetsenbord(browser, {"email": GRIFFIER["email"]}, knop="stuur-aanmeldlink")
        WebDriverWait(browser, 10).until(lambda d: "Controleer uw e-mail" in d.title)
        browser.get(wereld.link(GRIFFIER["email"], "/aanmelden/"))
        browser.find_element(By.ID, "meld-aan").click()
        WebDriverWait(browser, 10).until(lambda d: "/beoordelen" in d.current_url)
        browser.get(wereld.url + "/bevestigen")
        assert "Anna de Wit" in tekst(browser) and "geschenk" in tekst(browser)
        controleer_toegankelijkheid(browser, "bevestigen")
        browser.find_element(By.CSS_SELECTOR, "#wachtend a").click()
        wacht_op(browser, "bevestigingsformulier")
        controleer_toegankelijkheid(browser, "bevestigingsformulier")
        vul_in_met_toetsenbord(browser, {"datum-dag": "31", "datum-maand": "2", "datum-jaar": "2027"}, knop="bevestig")
        wacht_op(browser, "foutsamenvatting")
        assert browser.find_element(By.ID, "datum-dag").get_attribute("value") == "31"
        controleer_toegankelijkheid(browser, "bevestigingsformulier met fout")

        # /beoordelen names the gift, the giver, the value and the person; one acceptance completes the melding
        browser.get(wereld.url + "/beoordelen")
        for feit in ("Kunstboek over de Domtoren", "Stichting Utrechts Erfgoed", "75", "Anna de Wit"):
            assert feit in browser.page_source
        controleer_toegankelijkheid(browser, "beoordelen melding")
        (voorstel,) = diensten.voorstellen(wereld.omg, rollen={"statengriffie"})
        browser.find_element(By.ID, f"aanvaard-{voorstel.nieuw.id}").click()
        wacht_op(browser, "beoordeeld")
        (ronde,) = [r for r in diensten.rondes_status(wereld.omg) if r["proces"] == MELDING]
        assert (ronde["status"], ronde["bevestigd"][0]["persoon"]) == ("voltooid", GRIFFIER["naam"])
        browser.get(wereld.url + "/bevestigen")
        wacht_op(browser, "niets-te-bevestigen")
        controleer_toegankelijkheid(browser, "niets te bevestigen")
