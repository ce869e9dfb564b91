"""A real browser for the tests: Debian's Chromium driven by Selenium through Debian's chromedriver, headless,
with a fresh profile per browser; an ASGI app served by uvicorn on a free loopback port in a thread; and
axe-core's accessibility scan of the page in the browser.

Nothing here downloads a browser or a driver: Debian's are installed when missing (`zorg_voor_chromium`) and
their paths given to Selenium, so Selenium Manager is never asked. Chromium runs with the flags this machine
needs (as root: --no-sandbox; a closed network: no background connections, no QUIC, no component updates or sync).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from testservers.benodigdheden import zorg_voor_chromium
from web.serveren import op_de_achtergrond

VLAGGEN = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # /dev/shm may be small in a container: Chromium then crashes on big pages
)
AXE = Path(__file__).resolve().parents[1] / "tests" / "web" / "axe" / "axe.min.js"
"""axe-core, vendored unmodified (tests/web/axe/README.md says which version and from where)."""
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ERNSTIG = {"serious", "critical"}


@contextmanager
def chromium(breedte: int = 1280, hoogte: int = 900, melding: Callable[[str], None] = print) -> Iterator[WebDriver]:
    """A headless Chromium with an empty profile in a temporary folder; quit and removed afterwards. Chromium
    and chromedriver are installed first when missing (`zorg_voor_chromium`, which says so through `melding`)."""
    paden = zorg_voor_chromium(melding)
    profiel = tempfile.mkdtemp(prefix="chromium-profiel-")
    opties = Options()
    opties.binary_location = paden["chromium"]
    for vlag in (*VLAGGEN, f"--user-data-dir={profiel}", f"--window-size={breedte},{hoogte}", "--lang=nl-NL"):
        opties.add_argument(vlag)
    driver = None
    try:
        driver = webdriver.Chrome(options=opties, service=Service(executable_path=paden["chromedriver"]))
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(60)  # axe.run on a large page takes a few seconds
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profiel, ignore_errors=True)


def serveer(maak_app: Callable[[str], Any], wachttijd: float = 15):
    """Serve the ASGI app that `maak_app(basis_url)` returns, in a thread on a free loopback port (the web app's
    own `op_de_achtergrond`); a context manager that yields the base URL (http://127.0.0.1:PORT)."""
    return op_de_achtergrond(maak_app=maak_app, wachttijd=wachttijd)


def axe_overtredingen(driver: WebDriver, tags: list[str] = WCAG_21_AA, script: Path = AXE) -> list[dict]:
    """Run axe-core on the page the browser shows (injected when the page does not have it yet) for these tags;
    its violations, each with id, impact, help, helpUrl and the offending nodes."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(script.read_text(encoding="utf-8"))
    uitkomst = driver.execute_async_script(
        """
        const [tags, klaar] = arguments;
        axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
            .then(r => klaar(JSON.stringify(r.violations)), e => klaar(JSON.stringify({fout: String(e)})));
        """,
        tags,
    )
    overtredingen = json.loads(uitkomst)
    if isinstance(overtredingen, dict):
        raise RuntimeError(f"axe.run failed: {overtredingen['fout']}")
    return overtredingen


def beschrijf(overtredingen: list[dict]) -> str:
    """One line per violation and an indented line per offending element, for a test's output or failure."""
    regels = []
    for o in overtredingen:
        regels.append(f"{o['impact']}: {o['id']}: {o['help']} ({len(o['nodes'])}x) {o['helpUrl']}")
        regels += [f"    {', '.join(map(str, n['target']))}: {n.get('failureSummary', '')!r}" for n in o["nodes"]]
    return "\n".join(regels)


def invoer_zonder_label(driver: WebDriver) -> list[str]:
    """Every visible form control (input, select, textarea; not buttons or hidden inputs) without a label: no
    <label for=id>, no enclosing <label>, no aria-label(ledby). Each as tag#id[name]."""
    return driver.execute_script(
        """
        const zonder = [];
        for (const el of document.querySelectorAll('input, select, textarea')) {
            if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
            const gelabeld = (el.labels && el.labels.length > 0)
                || (el.getAttribute('aria-label') || '').trim() !== ''
                || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(i => i && document.getElementById(i));
            if (!gelabeld) zonder.push(`${el.tagName.toLowerCase()}#${el.id}[${el.name}]`);
        }
        return zonder;
        """
    )


def actief_element(driver: WebDriver) -> str:
    """The element with the keyboard focus, as tag#id[name] "text", for a failing keyboard test."""
    el = driver.switch_to.active_element
    return f'{el.tag_name}#{el.get_attribute("id")}[{el.get_attribute("name")}] "{el.text[:40]}"'


def vul_in_met_toetsenbord(
    driver: WebDriver, waarden: dict[str, str | bool], knop: str, stappen: int = 400
) -> list[str]:
    """Fill a form as someone without a mouse: from the top of the page press Tab until the focus is on a field
    of `waarden` (id -> text to type over what is there; True/False for a checkbox: Space toggles it; for a radio
    group, keyed by the button Tab lands on, the value to choose with the arrow keys), and so on until the focus
    reaches the button with id `knop`; then Enter. Fails when the button comes before every field was reached, or
    never comes. The ids the focus passed, in order."""
    te_doen, pad = dict(waarden), []
    toetsen = ActionChains(driver)
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(stappen):
        toetsen.send_keys(Keys.TAB).perform()
        el = driver.switch_to.active_element
        id_ = el.get_attribute("id") or f"<{el.tag_name}>"
        pad.append(id_)
        if id_ in te_doen:
            waarde = te_doen.pop(id_)
            if el.get_attribute("type") == "checkbox":
                if el.is_selected() != waarde:
                    toetsen.send_keys(Keys.SPACE).perform()
            elif el.get_attribute("type") == "radio":
                kies_met_pijltjes(driver, waarde)
            else:
                toetsen.key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(Keys.BACKSPACE)
                toetsen.send_keys(str(waarde)).perform()
        elif id_ == knop:
            if te_doen:
                raise AssertionError(f"Tab reached #{knop} before {sorted(te_doen)}; the focus went {pad}")
            toetsen.send_keys(Keys.ENTER).perform()
            return pad
    raise AssertionError(f"Tab never reached #{knop} in {stappen} steps; the focus went {pad}")


def kies_met_pijltjes(driver: WebDriver, waarde: str, knoppen: int = 10) -> None:
    """In a radio group that has the focus, choose the button with `waarde` as someone without a mouse: the arrow
    keys move through the group (and choose), Space chooses the button Tab landed on when none was chosen."""
    for _ in range(knoppen):
        knop = driver.switch_to.active_element
        if knop.get_attribute("value") == waarde:
            if not knop.is_selected():
                ActionChains(driver).send_keys(Keys.SPACE).perform()
            return
        ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
    raise AssertionError(f"no radio button with the value {waarde!r} in the group of #{knop.get_attribute('id')}")


def schermafdruk(driver: WebDriver, pad: Path, hoogste: int = 6000) -> None:
    """A PNG of the whole page, not only what the window shows: the window is made as tall as the page."""
    breedte, hoogte = driver.get_window_size()["width"], driver.get_window_size()["height"]
    pagina = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(breedte, min(max(pagina + 120, hoogte), hoogste))  # + the window's own frame
    try:
        pad.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(pad))
    finally:
        driver.set_window_size(breedte, hoogte)


def tekst(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text
