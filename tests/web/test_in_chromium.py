"""Issue 10 in a real browser: Debian's headless Chromium, driven by Selenium, against the app served by uvicorn
on a loopback port, with the real SMTP test server catching the mails whose links the tests follow. Every page
is scanned with axe-core (WCAG 2.1 A and AA): no serious or critical violation; the others are printed.

The first tests check the tools themselves on a page of their own: that the browser, the server, the keyboard
and the scan work, and that the scan and the label check do find what they should.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from testservers.browser import (
    ERNSTIG,
    actief_element,
    axe_overtredingen,
    beschrijf,
    invoer_zonder_label,
    serveer,
    tekst,
)

pytestmark = pytest.mark.traag


def controleer_toegankelijkheid(driver, pagina: str) -> list[dict]:
    """Every input has a label, and axe finds nothing serious or critical; the lesser findings are printed."""
    assert invoer_zonder_label(driver) == [], f"{pagina}: form controls without a label"
    overtredingen = axe_overtredingen(driver)
    if overtredingen:
        print(f"\naxe on {pagina}:\n{beschrijf(overtredingen)}")
    ernstig = [o for o in overtredingen if o["impact"] in ERNSTIG]
    assert ernstig == [], f"{pagina}: axe finds\n{beschrijf(ernstig)}"
    return overtredingen


def wacht_op_tekst(driver, deel: str, seconden: float = 10) -> None:
    WebDriverWait(driver, seconden).until(lambda d: deel in tekst(d), f"no {deel!r} on the page")


# --- the tools, on a page of their own ---------------------------------------------------------------------

PAGINA = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>{titel}</title></head>
<body><main><h1>{titel}</h1>{inhoud}</main></body></html>"""
FORMULIER = """
<form method="post" action="/">
  <label for="functie">Nevenfunctie</label> <input id="functie" name="functie" required>
  <label><input type="checkbox" name="betaald" value="ja"> Bezoldigd</label>
  <button type="submit">Opslaan</button>
</form>"""


def proefapp(basis_url: str) -> Starlette:
    async def formulier(request: Request) -> HTMLResponse:
        if request.method == "POST":
            velden = await request.form()
            inhoud = f"<p>Opgeslagen: {velden['functie']}, bezoldigd: {velden.get('betaald', 'nee')}</p>"
            return HTMLResponse(PAGINA.format(titel="Opgeslagen", inhoud=inhoud))
        return HTMLResponse(PAGINA.format(titel="Proef", inhoud=f"<p>{basis_url}</p>{FORMULIER}"))

    async def slecht(request: Request) -> HTMLResponse:
        # an input without a label and text that can hardly be seen: both serious or worse for axe
        inhoud = '<input name="x"><p style="color:#eee;background:#fff">bijna onzichtbaar</p>'
        return HTMLResponse(PAGINA.format(titel="Slecht", inhoud=inhoud))

    # as strict as the real app: the page may run no script of its own, yet the test's scripts (axe) must run
    return Starlette(
        routes=[Route("/", formulier, methods=["GET", "POST"]), Route("/slecht", slecht)],
        middleware=[Middleware(GeenScripts)],
    )


class GeenScripts(BaseHTTPMiddleware):
    async def dispatch(self, request, volgende):
        antwoord = await volgende(request)
        if request.url.path == "/":  # not on /slecht: its inline style must apply
            antwoord.headers["Content-Security-Policy"] = "default-src 'self'; script-src 'none'; form-action 'self'"
        return antwoord


def test_the_browser_fills_a_form_served_by_uvicorn_with_the_keyboard_only(browser):
    with serveer(proefapp) as basis_url:
        browser.get(basis_url + "/")
        assert browser.title == "Proef"
        assert basis_url in tekst(browser)  # the app was made knowing its own address
        controleer_toegankelijkheid(browser, "proef")

        # from the top of the page: Tab to the first field, type, Tab to the checkbox, Space, Tab, Enter
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        assert browser.switch_to.active_element.get_attribute("id") == "functie", actief_element(browser)
        browser.switch_to.active_element.send_keys("Voorzitter Stichting Proef")
        browser.switch_to.active_element.send_keys(Keys.TAB)
        browser.switch_to.active_element.send_keys(Keys.SPACE)
        browser.switch_to.active_element.send_keys(Keys.TAB)
        assert browser.switch_to.active_element.tag_name == "button", actief_element(browser)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        wacht_op_tekst(browser, "Opgeslagen: Voorzitter Stichting Proef, bezoldigd: ja")


def test_the_scan_and_the_label_check_find_what_is_wrong(browser):
    with serveer(proefapp) as basis_url:
        browser.get(basis_url + "/slecht")
        assert invoer_zonder_label(browser) == ["input#[x]"]
        gevonden = {o["id"]: o["impact"] for o in axe_overtredingen(browser)}
        assert gevonden.get("label") == "critical"
        assert gevonden.get("color-contrast") == "serious"
        with pytest.raises(AssertionError):
            controleer_toegankelijkheid(browser, "slecht")


def test_the_server_stops_afterwards():
    import urllib.error
    import urllib.request

    with serveer(proefapp) as basis_url:
        assert urllib.request.urlopen(basis_url + "/", timeout=5).status == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(basis_url + "/", timeout=5)
