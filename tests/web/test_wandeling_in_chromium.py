"""Issue 22's walk, replayed in a real browser as the people do it, axe on every page: a nevenfuncties ronde
starts; Anna answers "niets veranderd" with one click from her mail; Bert writes only a toelichting; Cor adds an
entry with one; the griffie turns Bert's text into an entry and sends Cor's back with a remark; Cor finds it on his
page, pre-filled, and completes it; the griffie sees the remark and what changed, and accepts. Then Anna reports a
gift through her standing link, and one acceptance completes the melding."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from engine import diensten
from tests.web.test_bevestigen_in_chromium import GESCHENK, MELDING
from tests.web.test_in_chromium import (
    ANNA,
    BERT,
    GRIFFIER,
    STATENLEDEN,
    VERSTUUR,
    controleer_toegankelijkheid,
    meld_de_griffier_aan,
    nu,
    ronde_van_vandaag,
)
from testservers.browser import schermafdruk, tekst, vul_in_met_toetsenbord

pytestmark = pytest.mark.traag
COR = STATENLEDEN[2]["email"]
BERTS_TOELICHTING = (
    "Ik ben sinds januari lid van de raad van advies van Stichting Groene Heuvelrug; ik wist niet in welk vak dat moet."
)
CORS_TOELICHTING = "Dit is onbezoldigd; ik ben gevraagd vanwege mijn werk als bioloog."
OPMERKING = "Bij welke organisatie?"


def wacht_op(browser, element_id: str) -> None:
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, element_id), f"no #{element_id}")


def op_de_pagina(browser, element_id: str, naam: str) -> str:
    """Wait for `element_id`, scan the page with axe, and return its text."""
    wacht_op(browser, element_id)
    controleer_toegankelijkheid(browser, naam)
    return tekst(browser)


def voorstel_van(wereld, email: str):
    """The one proposal waiting for the griffie from the person with `email`."""
    persoon_id = wereld.persoon(email).id
    (voorstel,) = [
        v for v in diensten.voorstellen(wereld.omg, rollen={"statengriffie"}) if v.nieuw.persoon_id == persoon_id
    ]
    return voorstel


def test_the_walk_of_issue_22_from_each_answer_to_the_screen_of_whoever_acts_on_it(
    browser, db_engine, session, tmp_path
):
    afdrukken = tmp_path / "schermafdrukken"
    with ronde_van_vandaag(db_engine, tmp_path, "geschenken-statenleden", MELDING) as wereld:
        # 1. Anna opens the verzoek mail's HTML part, follows "Er is niets veranderd" and presses the one button
        mail = tmp_path / "verzoek-anna.html"
        mail.write_text(wereld.html(ANNA), encoding="utf-8")
        browser.get(mail.as_uri())
        link = browser.find_element(By.CSS_SELECTOR, "a[href$='/geen-wijzigingen']")
        alinea = link.find_element(By.XPATH, "ancestor::p").text
        assert alinea.startswith("Is er niets veranderd? Geef dat met één klik door:")
        een_klik = link.get_attribute("href")
        link.send_keys(Keys.ENTER)
        assert "Voorzitter" in op_de_pagina(browser, "bevestig-geen-wijzigingen", "geen wijzigingen")
        vul_in_met_toetsenbord(browser, {}, knop="bevestig-geen-wijzigingen")
        op_de_pagina(browser, "vastgelegd", "vastgelegd")
        assert wereld.status()["beantwoord"] == 1
        browser.get(een_klik)
        assert "U heeft al geantwoord" in op_de_pagina(browser, "al-beantwoord", "al geantwoord")

        # 2. Bert writes only a toelichting, not knowing in which box his new position belongs
        browser.get(wereld.link(BERT, "/antwoord/"))
        op_de_pagina(browser, "antwoordformulier", "persoonlijke pagina van Bert")
        vul_in_met_toetsenbord(browser, {"toelichting": BERTS_TOELICHTING}, knop=VERSTUUR)
        op_de_pagina(browser, "ontvangen", "Bert: ontvangen")

        # 3. Cor adds an entry with a toelichting
        browser.get(wereld.link(COR, "/antwoord/"))
        op_de_pagina(browser, "antwoordformulier", "persoonlijke pagina van Cor")
        vul_in_met_toetsenbord(
            browser,
            {"regels-0-omschrijving": "Lid raad van advies", "toelichting": CORS_TOELICHTING},
            knop=VERSTUUR,
        )
        assert "Lid raad van advies" in op_de_pagina(browser, "ontvangen", "Cor: ontvangen")
        assert wereld.status()["beantwoord"] == 3

        # 4. the griffie logs in by mail; /beoordelen shows Bert's text and Cor's entry with his toelichting
        meld_de_griffier_aan(browser, wereld)
        bert, cor = voorstel_van(wereld, BERT), voorstel_van(wereld, COR)
        op_de_pagina(browser, f"voorstel-{bert.nieuw.id}", "beoordelen")
        assert browser.find_element(By.ID, f"voorstel-{bert.nieuw.id}-tekst").text == BERTS_TOELICHTING
        assert browser.find_element(By.ID, f"voorstel-{cor.nieuw.id}-toelichting").text == CORS_TOELICHTING
        assert browser.find_element(By.ID, f"voorstel-{cor.nieuw.id}-omschrijving").get_attribute("value") == (
            "Lid raad van advies"
        )
        schermafdruk(browser, afdrukken / "4-beoordelen.png")
        vul_in_met_toetsenbord(
            browser,
            {
                f"voorstel-{bert.nieuw.id}-omschrijving": "Lid raad van advies",
                f"voorstel-{bert.nieuw.id}-organisatie": "Stichting Groene Heuvelrug",
                f"voorstel-{bert.nieuw.id}-sinds": "1 januari 2027",
                f"voorstel-{bert.nieuw.id}-bezoldigd": "nee",
                f"voorstel-{bert.nieuw.id}-qq": "nee",
            },
            knop=f"aanvaard-{bert.nieuw.id}",
        )
        besluit = op_de_pagina(browser, "beoordeeld", "beoordeeld: Bert")
        assert "Bert Koster" in besluit and "Aanvaard" in besluit
        vul_in_met_toetsenbord(browser, {f"opmerking-{cor.nieuw.id}": OPMERKING}, knop=f"terug-{cor.nieuw.id}")
        besluit = op_de_pagina(browser, "beoordeeld", "beoordeeld: Cor")
        assert "Teruggestuurd: de nevenfunctie 'Lid raad van advies' van Cor van Dam" in besluit

        # 5. Cor finds the returned entry on his page, pre-filled with the remark; he adds the organisation
        browser.get(wereld.link(COR, "/antwoord/"))
        assert OPMERKING in op_de_pagina(browser, f"teruggestuurd-{cor.nieuw.id}", "Cor: teruggestuurd")
        schermafdruk(browser, afdrukken / "5-teruggestuurd.png")
        assert browser.find_element(By.ID, "regels-0-omschrijving").get_attribute("value") == "Lid raad van advies"
        vul_in_met_toetsenbord(browser, {"regels-0-organisatie": "Stichting Utrechts Landschap"}, knop=VERSTUUR)
        op_de_pagina(browser, "ontvangen", "Cor: opnieuw ontvangen")
        browser.get(wereld.url + "/beoordelen")
        opnieuw = voorstel_van(wereld, COR)
        op_de_pagina(browser, f"voorstel-{opnieuw.nieuw.id}", "beoordelen na terugsturen")
        assert OPMERKING in browser.find_element(By.ID, f"voorstel-{opnieuw.nieuw.id}-eerder").text
        assert wereld.status()["status"] == "voltooid"  # all three answered; Cor's resubmission is not late
        assert browser.find_elements(By.ID, f"voorstel-{opnieuw.nieuw.id}-te-laat") == []
        assert "gewijzigd" in browser.find_element(By.ID, f"voorstel-{opnieuw.nieuw.id}-organisatie-sinds-terug").text
        schermafdruk(browser, afdrukken / "5-beoordelen-opnieuw.png")
        vul_in_met_toetsenbord(browser, {}, knop=f"aanvaard-{opnieuw.nieuw.id}")
        assert "Cor van Dam" in op_de_pagina(browser, "beoordeeld", "beoordeeld: Cor opnieuw")

        # 6. Anna reports a gift through her standing link; the griffie accepts it once and the melding is done
        browser.get(wereld.url + "/link")
        vul_in_met_toetsenbord(browser, {"email": ANNA}, knop="stuur-link")
        browser.get(wereld.link(ANNA, "/persoonlijk/") + "/geschenken")
        op_de_pagina(browser, "regels-0-gever", "geschenk melden")
        vul_in_met_toetsenbord(browser, {**GESCHENK, "regels-0-datum": f"{nu():%d-%m-%Y}"}, knop="verstuur-melding")
        op_de_pagina(browser, "gemeld", "geschenk gemeld")
        browser.get(wereld.url + "/beoordelen")
        geschenk = voorstel_van(wereld, ANNA)
        pagina = op_de_pagina(browser, f"voorstel-{geschenk.nieuw.id}", "beoordelen melding")
        assert "Anna de Wit" in pagina and "Stichting Utrechts Erfgoed" in browser.page_source
        schermafdruk(browser, afdrukken / "6-melding.png")
        vul_in_met_toetsenbord(browser, {}, knop=f"aanvaard-{geschenk.nieuw.id}")
        op_de_pagina(browser, "beoordeeld", "beoordeeld: melding")
        (melding,) = [r for r in diensten.rondes_status(wereld.omg) if r["proces"] == MELDING]
        assert (melding["status"], melding["bevestigd"][0]["persoon"]) == ("voltooid", GRIFFIER["naam"])
        assert "niets-te-beoordelen" in browser.page_source

        # the register holds Bert's entry made from his text, beside his old one, and Cor's completed entry
        def register(email: str) -> list[tuple]:
            regels = diensten.register_op(
                wereld.omg, persoon_id=wereld.persoon(email).id, register="nevenfuncties", peildatum=nu()
            )
            return sorted((r.velden["omschrijving"], r.velden.get("organisatie")) for r in regels)

        assert register(BERT) == [
            ("Lid raad van advies", "Stichting Groene Heuvelrug"),
            ("Lid raad van toezicht", "Woningcorporatie Heuvelrug"),
        ]
        assert register(COR) == [("Lid raad van advies", "Stichting Utrechts Landschap")]
        assert (wereld.status()["beantwoord"], wereld.status()["open"]) == (3, 0)
