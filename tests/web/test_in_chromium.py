"""Issue 10 in a real browser: Debian's headless Chromium, driven by Selenium, against the app served by uvicorn
on a loopback port, with the real SMTP test server catching the mails whose links the tests follow. Every page
is scanned with axe-core (WCAG 2.1 A and AA): no serious or critical violation; the others are printed.

The first tests check the tools themselves on a page of their own: that the browser, the server, the keyboard
and the scan work, and that the scan and the label check do find what they should.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlmodel import select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from engine import diensten
from engine.antwoorden import Invoer
from engine.catalogus import laad_catalogus
from engine.diensten import Omgeving
from models.instellingen import STANDAARD_MAP, Instellingen
from models.statussen import Regelstatus
from models.tabellen import Persoon
from models.werkdagen import TIJDZONE
from testservers.browser import (
    ERNSTIG,
    axe_overtredingen,
    beschrijf,
    invoer_zonder_label,
    schermafdruk,
    serveer,
    tekst,
    vul_in_met_toetsenbord,
)
from testservers.smtp import Postbode
from testservers.smtp import smtp_server as start_smtp
from web.app import maak_app

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
  <label><input type="checkbox" id="betaald" name="betaald" value="ja"> Bezoldigd</label>
  <button type="submit" id="opslaan">Opslaan</button>
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
        pad = vul_in_met_toetsenbord(browser, {"functie": "Voorzitter Stichting Proef", "betaald": True}, "opslaan")
        assert pad == ["functie", "betaald", "opslaan"]
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


# --- issue 10: the app, with the engine, a database and a mail server -------------------------------------

SCHERMAFDRUKKEN = os.environ.get("INTEGRITEIT_SCHERMAFDRUKKEN")
"""A folder (e.g. `docs`) for the README's screenshots of the personal and the review page; unset: none are
kept (they would change with every day's deadline)."""
PROCES = "nevenfuncties-statenleden"
STATENLEDEN = [
    {"extern_id": "S1", "naam": "Anna de Wit", "email": "anna.dewit@test.example", "rollen": ["statenlid"]},
    {"extern_id": "S2", "naam": "Bert Koster", "email": "bert.koster@test.example", "rollen": ["statenlid"]},
    {"extern_id": "S3", "naam": "Cor van Dam", "email": "cor.vandam@test.example", "rollen": ["statenlid"]},
]
GRIFFIER = {
    "extern_id": "G1",
    "naam": "Greet Griffier",
    "email": "greet.griffier@test.example",
    "rollen": ["statengriffie"],
}


ANNA, BERT = STATENLEDEN[0]["email"], STATENLEDEN[1]["email"]
VORIGE_OPGAVE = {
    # what the register said before this ronde: accepted by the griffie half a year ago
    ANNA: [{"omschrijving": "Voorzitter", "organisatie": "Stichting Het Utrechts Landschap", "bezoldigd": "nee"}],
    BERT: [
        {
            "omschrijving": "Lid raad van toezicht",
            "organisatie": "Woningcorporatie Heuvelrug",
            "bezoldigd": "ja",
            "sinds": "1-1-2024",
        }
    ],
}


@dataclass
class Wereld:
    """The app at `url`, the engine's environment behind it, and the SMTP server that catches its mails."""

    url: str
    omg: Omgeving
    postbode: Postbode

    def link(self, email: str, pad: str) -> str:
        """The last link starting with `url + pad` in a mail to `email`."""
        for bericht in reversed(self.postbode.berichten):
            if email in bericht["To"]:
                tekst = bericht.get_body(preferencelist=("plain",)).get_content()
                if gevonden := re.findall(re.escape(self.url + pad) + r"[^\s<>\"')]+", tekst):
                    return gevonden[-1]
        raise AssertionError(f"no mail to {email} with a link {self.url}{pad}...")

    def html(self, email: str) -> str:
        """The HTML part of the last mail to `email`."""
        bericht = next(b for b in reversed(self.postbode.berichten) if email in b["To"])
        return bericht.get_body(preferencelist=("html",)).get_content()

    def persoon(self, email: str) -> Persoon:
        return persoon(self.omg, email)

    def status(self) -> dict:
        (ronde,) = [r for r in diensten.rondes_status(self.omg) if r["proces"] == PROCES]
        return ronde


def nu() -> datetime:
    return datetime.now(TIJDZONE)


def persoon(omg: Omgeving, email: str) -> Persoon:
    with omg.werk() as s:
        return s.exec(select(Persoon).where(Persoon.email == email)).one()


@pytest.fixture
def wereld(db_engine, session, tmp_path) -> Iterator[Wereld]:
    """A served app over `db_engine` (its tables emptied afterwards by `session`), a nevenfuncties ronde due
    today for three Statenleden and a griffier, and its verzoeken sent to the test SMTP server."""
    with ronde_van_vandaag(db_engine, tmp_path) as gezien:
        yield gezien


@contextmanager
def ronde_van_vandaag(db_engine, tmp_path: Path, *meer_processen: str) -> Iterator[Wereld]:
    """The world of `wereld`: the nevenfuncties spec with its planning made daily, in a folder of its own with
    `meer_processen` from the standard folder as they are."""
    specs = tmp_path / "processen"
    specs.mkdir()
    spec = (STANDAARD_MAP / f"{PROCES}.yaml").read_text(encoding="utf-8")
    spec = re.sub(r"(?m)^  rrule: .*$", "  rrule: FREQ=DAILY;BYHOUR=0", spec)
    (specs / f"{PROCES}.yaml").write_text(spec, encoding="utf-8")
    for proces in meer_processen:
        shutil.copy(STANDAARD_MAP / f"{proces}.yaml", specs)
    personen = tmp_path / "personen.yaml"
    personen.write_text(json.dumps([*STATENLEDEN, GRIFFIER]), encoding="utf-8")
    with gediend(db_engine, laad_catalogus(specs), processen=specs) as gezien:
        omg, postbode = gezien.omg, gezien.postbode
        moment = nu()
        diensten.importeer_personen(omg, bestand=personen, nu=moment - timedelta(days=200))
        griffier = persoon(omg, GRIFFIER["email"])
        for email, regels in VORIGE_OPGAVE.items():
            eerder = moment - timedelta(days=180)
            ingediend = diensten.melding(
                omg,
                persoon_id=persoon(omg, email).id,
                register="nevenfuncties",
                invoer=regels,
                nu=eerder,
                kanaal="cli",
            )
            for versie_id in ingediend.uitkomst.voorstellen:
                diensten.aanvaard(omg, versie_id=versie_id, door_persoon_id=griffier.id, nu=eerder)
        start = diensten.start_ronde(omg, proces=PROCES, nu=moment)  # sends, as SMTP is set
        assert start.uitkomst is not None and start.uitkomst.nieuw
        assert start.verzending is not None and postbode.aantal == len(STATENLEDEN)
        yield gezien


@contextmanager
def gediend(db_engine, catalogus, *, processen: Path | None = None, klok=None) -> Iterator[Wereld]:
    """The app served over `db_engine` with `catalogus` (on the clock `klok`, default now), mailing through a test
    SMTP server."""
    postbode = Postbode()
    gemaakt: dict[str, Omgeving] = {}

    def maak(basis_url: str):
        inst = Instellingen(
            **({"processen": processen} if processen else {}),
            basis_url=basis_url,
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            smtp_tls="geen",
            geheim="een-geheim-alleen-voor-deze-test-" + "x" * 16,
        )
        gemaakt["omg"] = Omgeving(db_engine, catalogus, inst)
        return maak_app(lambda: gemaakt["omg"], klok=klok)

    with start_smtp(postbode) as smtp, serveer(maak) as url:
        yield Wereld(url, gemaakt["omg"], postbode)


def bewaar_schermafdruk(driver, naam: str) -> None:
    if SCHERMAFDRUKKEN:
        schermafdruk(driver, Path(SCHERMAFDRUKKEN) / naam)


def test_a_statenlid_with_nothing_changed_answers_with_one_click_from_the_mail(browser, wereld, tmp_path):
    # the mail as her mail program shows it: its HTML part, whose link she follows with the keyboard
    mail = tmp_path / "verzoek.html"
    mail.write_text(wereld.html(ANNA), encoding="utf-8")
    browser.get(mail.as_uri())
    link = browser.find_element(By.CSS_SELECTOR, "a[href$='/geen-wijzigingen']")
    assert link.get_attribute("href").startswith(wereld.link(ANNA, "/antwoord/"))
    link.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "bevestig-geen-wijzigingen"))
    assert "Voorzitter" in tekst(browser)  # what the register says, to check
    controleer_toegankelijkheid(browser, "geen wijzigingen")
    assert wereld.status()["beantwoord"] == 0  # opening the link records nothing
    vul_in_met_toetsenbord(browser, {}, knop="bevestig-geen-wijzigingen")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "vastgelegd"))
    controleer_toegankelijkheid(browser, "vastgelegd")
    assert (wereld.status()["beantwoord"], wereld.status()["open"]) == (1, len(STATENLEDEN) - 1)


def test_nothing_changed_is_the_first_choice_on_the_personal_page(browser, wereld):
    browser.get(wereld.link(BERT, "/antwoord/"))
    assert "Bert Koster" in tekst(browser)
    assert "Woningcorporatie Heuvelrug" in browser.page_source
    controleer_toegankelijkheid(browser, "persoonlijke pagina")
    bewaar_schermafdruk(browser, "persoonlijke-pagina.png")
    pad = vul_in_met_toetsenbord(browser, {}, knop="niets-veranderd")
    assert len(pad) <= 3, pad  # after "Direct naar de inhoud" and the header's link
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "vastgelegd"))
    assert wereld.status()["beantwoord"] == 1


NIEUWE_FUNCTIE = {"omschrijving": "Penningmeester", "organisatie": "Historische Vereniging Amerongen"}
VERSTUUR = "verstuur"  # the personal page's submit button


def wijzig_met_toetsenbord(browser, wereld) -> list[str]:
    """Bert, without a mouse: his accepted nevenfunctie gets a new organisation name, and he adds one."""
    browser.get(wereld.link(BERT, "/antwoord/"))
    assert "Woningcorporatie Heuvelrug" in browser.page_source
    controleer_toegankelijkheid(browser, "persoonlijke pagina met een opgave")
    bestaand = browser.find_element(By.ID, "regels-0-organisatie")
    assert bestaand.get_attribute("value") == "Woningcorporatie Heuvelrug"
    nieuw = 1  # the empty entry below the existing one
    assert browser.find_element(By.ID, f"regels-{nieuw}-omschrijving").get_attribute("value") == ""
    return vul_in_met_toetsenbord(
        browser,
        {
            "regels-0-organisatie": "Woningcorporatie Utrechtse Heuvelrug",
            **{f"regels-{nieuw}-{veld}": waarde for veld, waarde in NIEUWE_FUNCTIE.items()},
        },
        knop=VERSTUUR,
    )


def test_a_statenlid_edits_one_nevenfunctie_and_adds_one_with_the_keyboard_only(browser, wereld):
    wijzig_met_toetsenbord(browser, wereld)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "ontvangen"))
    controleer_toegankelijkheid(browser, "ontvangen")
    assert wereld.status()["beantwoord"] == 1

    # two proposals for the griffie: the changed entry (a new version of it) and the new one
    voorstellen = diensten.voorstellen(wereld.omg, rollen={"statengriffie"})
    gewijzigd = [v for v in voorstellen if v.oud is not None]
    nieuw = [v for v in voorstellen if v.oud is None]
    assert [(v.oud.velden["organisatie"], v.nieuw.velden["organisatie"]) for v in gewijzigd] == [
        ("Woningcorporatie Heuvelrug", "Woningcorporatie Utrechtse Heuvelrug")
    ]
    (wijziging,) = gewijzigd
    assert wijziging.nieuw.regel == wijziging.oud.regel  # a new version of the same entry
    assert {k: wijziging.nieuw.velden[k] for k in ("omschrijving", "bezoldigd", "sinds")} == {
        k: wijziging.oud.velden[k] for k in ("omschrijving", "bezoldigd", "sinds")
    }  # what he did not touch stays as it was
    assert [{k: v.nieuw.velden[k] for k in NIEUWE_FUNCTIE} for v in nieuw] == [NIEUWE_FUNCTIE]
    assert {v.nieuw.status for v in voorstellen} == {Regelstatus.VOORGESTELD}


def meld_de_griffier_aan(browser, wereld) -> None:
    """The griffier asks for a login link; the mail brings it; the link shows a button; then /beoordelen."""
    browser.get(wereld.url + "/beoordelen")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "aanmeldformulier"))
    controleer_toegankelijkheid(browser, "aanmelden")
    vul_in_met_toetsenbord(browser, {"email": GRIFFIER["email"]}, knop="stuur-aanmeldlink")
    WebDriverWait(browser, 10).until(lambda d: "Controleer uw e-mail" in d.title)
    controleer_toegankelijkheid(browser, "aanmeldlink verstuurd")
    browser.get(wereld.link(GRIFFIER["email"], "/aanmelden/"))
    controleer_toegankelijkheid(browser, "aanmeldlink")
    vul_in_met_toetsenbord(browser, {}, knop="meld-aan")
    WebDriverWait(browser, 10).until(lambda d: d.current_url.startswith(wereld.url + "/beoordelen"))


def test_enter_in_a_field_sends_the_form(browser, wereld):
    browser.get(wereld.link(BERT, "/antwoord/"))
    # Bert types a new organisation name, moves on to the next field and presses Enter there
    vul_in_met_toetsenbord(
        browser, {"regels-0-organisatie": "Woningcorporatie Utrechtse Heuvelrug"}, knop="regels-0-functie"
    )
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "ontvangen"))
    (voorstel,) = diensten.voorstellen(wereld.omg, rollen={"statengriffie"})
    assert voorstel.nieuw.velden["organisatie"] == "Woningcorporatie Utrechtse Heuvelrug"
    assert "Gewijzigd: Lid raad van toezicht" in tekst(browser)  # an edit, too, is listed as waiting


def test_an_error_keeps_what_was_typed_and_a_dutch_date_is_taken(browser, wereld):
    browser.get(wereld.link(BERT, "/antwoord/"))
    vul_in_met_toetsenbord(
        browser,
        {"regels-1-organisatie": "Historische Vereniging Amerongen", "regels-1-sinds": "1 maart 2027"},
        knop=VERSTUUR,
    )
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "foutsamenvatting"))
    controleer_toegankelijkheid(browser, "fout op de persoonlijke pagina")
    samenvatting = browser.find_element(By.ID, "foutsamenvatting")
    assert "Omschrijving (nevenfuncties 2): Vul dit veld in." in samenvatting.text
    assert browser.find_element(By.ID, "regels-1-omschrijving-fout").text.endswith("Vul dit veld in.")
    assert (
        browser.find_element(By.ID, "regels-1-organisatie").get_attribute("value") == "Historische Vereniging Amerongen"
    )
    assert browser.find_element(By.ID, "regels-1-sinds").get_attribute("value") == "1 maart 2027"
    vul_in_met_toetsenbord(browser, {"regels-1-omschrijving": "Penningmeester"}, knop=VERSTUUR)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "ontvangen"))
    (nieuw,) = [v for v in diensten.voorstellen(wereld.omg, rollen={"statengriffie"}) if v.oud is None]
    assert nieuw.nieuw.velden["sinds"].isoformat() == "2027-03-01"


def test_a_returned_entry_comes_back_prefilled_with_its_remark_and_its_resubmission_shows_it(browser, wereld):
    token = wereld.link(BERT, "/antwoord/").rpartition("/antwoord/")[2]
    invoer = Invoer(token, kanaal="web", regels=({"omschrijving": "Lid raad van advies"},))
    diensten.beantwoord(wereld.omg, invoer=[invoer], nu=nu())
    meld_de_griffier_aan(browser, wereld)
    (voorstel,) = diensten.voorstellen(wereld.omg, rollen={"statengriffie"})
    opmerking = "Bij welke organisatie is dit?"
    vul_in_met_toetsenbord(browser, {f"opmerking-{voorstel.nieuw.id}": opmerking}, knop=f"terug-{voorstel.nieuw.id}")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "beoordeeld"))
    assert "Teruggestuurd: de nevenfunctie 'Lid raad van advies' van Bert Koster" in tekst(browser)

    browser.get(wereld.link(BERT, "/antwoord/"))
    melding = browser.find_element(By.ID, f"teruggestuurd-{voorstel.nieuw.id}")
    assert opmerking in melding.text
    (veld,) = [
        v
        for v in browser.find_elements(By.CSS_SELECTOR, "input[id$='-omschrijving']")
        if v.get_attribute("value") == "Lid raad van advies"
    ]
    index = veld.get_attribute("id").split("-")[1]
    assert melding.find_element(By.XPATH, "ancestor::fieldset").get_attribute("id") == f"regels-{index}"
    controleer_toegankelijkheid(browser, "persoonlijke pagina met een teruggestuurde opgave")
    vul_in_met_toetsenbord(browser, {f"regels-{index}-organisatie": "Stichting Utrechts Landschap"}, knop=VERSTUUR)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "ontvangen"))

    browser.get(wereld.url + "/beoordelen")
    (opnieuw,) = diensten.voorstellen(wereld.omg, rollen={"statengriffie"})
    assert opnieuw.eerder is not None and opnieuw.eerder.opmerking == opmerking
    assert opmerking in browser.find_element(By.ID, f"voorstel-{opnieuw.nieuw.id}-eerder").text
    assert browser.find_element(By.ID, f"voorstel-{opnieuw.nieuw.id}-organisatie-sinds-terug").text == (
        "gewijzigd sinds het terugsturen"
    )
    controleer_toegankelijkheid(browser, "beoordelen na terugsturen")
    bewaar_schermafdruk(browser, "beoordelen.png")


def test_the_griffie_logs_in_by_mail_and_accepts_and_the_register_keeps_the_history(browser, wereld):
    # Bert's changes, submitted through the use case (the test above does it in the browser)
    bert = wereld.persoon(BERT)
    (oud,) = diensten.register_op(wereld.omg, persoon_id=bert.id, register="nevenfuncties", peildatum=nu())
    token = wereld.link(BERT, "/antwoord/").rpartition("/antwoord/")[2]
    wijziging = {**oud.velden, "regel": oud.regel, "organisatie": "Woningcorporatie Utrechtse Heuvelrug"}
    invoer = Invoer(token, kanaal="web", regels=(wijziging, NIEUWE_FUNCTIE))
    ingediend = diensten.beantwoord(wereld.omg, invoer=[invoer], nu=nu())
    assert len(ingediend.uitkomst[0].voorstellen) == 2

    meld_de_griffier_aan(browser, wereld)

    # the review: both proposals of Bert, old and new side by side
    voorstellen = diensten.voorstellen(wereld.omg, rollen={"statengriffie"})
    assert len(voorstellen) == 2
    assert "Woningcorporatie Utrechtse Heuvelrug" in browser.page_source
    assert "Historische Vereniging Amerongen" in browser.page_source
    controleer_toegankelijkheid(browser, "beoordelen")
    for voorstel in voorstellen:
        browser.find_element(By.ID, f"aanvaard-{voorstel.nieuw.id}").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "beoordeeld"))
    controleer_toegankelijkheid(browser, "beoordeeld")
    assert diensten.voorstellen(wereld.omg, rollen={"statengriffie"}) == []

    # the register: the new version of the old entry, and the new entry; the old version kept in the history
    register = diensten.register_op(wereld.omg, persoon_id=bert.id, register="nevenfuncties", peildatum=nu())
    assert sorted(r.velden["organisatie"] for r in register) == [
        "Historische Vereniging Amerongen",
        "Woningcorporatie Utrechtse Heuvelrug",
    ]
    (gewijzigd,) = [r for r in register if r.regel == oud.regel]
    assert gewijzigd.versie == oud.versie + 1 and gewijzigd.velden["sinds"] == oud.velden["sinds"]
    geschiedenis = diensten.geschiedenis(wereld.omg, regel=oud.regel)
    assert [(v.versie, v.status, v.velden["organisatie"]) for v in geschiedenis] == [
        (1, Regelstatus.VERVANGEN, "Woningcorporatie Heuvelrug"),
        (2, Regelstatus.AANVAARD, "Woningcorporatie Utrechtse Heuvelrug"),
    ]
    eerder = diensten.register_op(
        wereld.omg, persoon_id=bert.id, register="nevenfuncties", peildatum=nu() - timedelta(days=1)
    )
    assert [r.velden["organisatie"] for r in eerder] == ["Woningcorporatie Heuvelrug"]


# --- issue 21: the coordinator's overview ------------------------------------------------------------------------

COORDINATOR = {
    "extern_id": "C1",
    "naam": "Ida Coördinator",
    "email": "ida.coordinator@test.example",
    "rollen": ["integriteitscoordinator", "medewerker"],
}
OVERIG = [
    COORDINATOR,
    {"extern_id": "K1", "naam": "Karel Koning", "email": "karel.koning@test.example", "rollen": ["cvdk"]},
    {
        "extern_id": "T1",
        "naam": "Tara Teamleider",
        "email": "tara@test.example",
        "rollen": ["teamleider", "medewerker"],
    },
]


def om(tekst: str) -> datetime:
    return datetime.fromisoformat(tekst).replace(tzinfo=TIJDZONE)


def test_the_coordinator_reads_the_overview_and_who_never_answered_with_a_browser(
    browser, db_engine, session, catalogus, tmp_path
):
    moment = om("2027-06-02T07:00")  # the day after the werkoverleg deadline, before the day's watch
    personen = tmp_path / "personen.yaml"
    personen.write_text(json.dumps([*STATENLEDEN, GRIFFIER, *OVERIG]), encoding="utf-8")
    with gediend(db_engine, catalogus, klok=lambda: moment) as wereld:
        url, omg = wereld.url, wereld.omg
        diensten.importeer_personen(omg, bestand=personen, nu=om("2027-01-04T08:00"))
        diensten.start_ronde(omg, proces="integriteit-in-werkoverleg", nu=om("2027-02-01T10:00"))
        diensten.start_ronde(omg, proces="geschenken-statenleden", nu=om("2027-05-03T10:00"), alsnog=True)
        diensten.bewaak(omg, nu=om("2027-05-25T08:00"))  # closes the gifts ronde; starts the agenda item's

        browser.get(url + "/aanmelden")
        vul_in_met_toetsenbord(browser, {"email": COORDINATOR["email"]}, knop="stuur-aanmeldlink")
        WebDriverWait(browser, 10).until(lambda d: "Controleer uw e-mail" in d.title)
        browser.get(wereld.link(COORDINATOR["email"], "/aanmelden/"))
        browser.find_element(By.ID, "meld-aan").click()

        WebDriverWait(browser, 10).until(lambda d: d.current_url == url + "/overzicht")
        pagina = tekst(browser)
        assert "Te laat Integriteit op de agenda van het werkoverleg" in pagina
        assert "Te bevestigen door Commissaris van de Koning: Karel Koning." in pagina
        assert "Opgave ontvangen geschenken Statenleden" in pagina
        controleer_toegankelijkheid(browser, "overzicht")
        bewaar_schermafdruk(browser, "overzicht.png")

        browser.find_element(By.PARTIAL_LINK_TEXT, "Bekijk wie").click()
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "niet-geantwoord"))
        assert all(lid["naam"] in tekst(browser) for lid in STATENLEDEN)
        controleer_toegankelijkheid(browser, "niet geantwoord")
