"""The coordinator's overview as a Dutch page (`/overzicht`), only for the logged-in integriteitscoordinator, who
lands there after logging in: what is late first and marked, stappen that wait for a confirmation and who gives
it, rondes closed with people who never answered and who they are, missed rondes with the command that starts
them. Real app, real database, a real SMTP server for the login link."""

from __future__ import annotations

import re
from datetime import datetime

from engine import diensten
from models.werkdagen import TIJDZONE
from tests.web.hulp import csrf, klant, met_rol
from tests.web.test_registers_en_aanmelden import aanmelden, link_uit


def om(tekst: str) -> datetime:
    return datetime.fromisoformat(tekst).replace(tzinfo=TIJDZONE)


def test_the_overview_is_for_the_coordinator_only_who_lands_there_after_logging_in(omg, post):
    postbode, _ = post
    c = klant(omg)
    assert c.get("/overzicht").headers["location"] == "/aanmelden"
    aanmelden(c, postbode, met_rol(omg, "statengriffie"))
    assert c.get("/overzicht").status_code == 403
    assert c.get("/overzicht/ronde/1").status_code == 403
    assert 'href="/overzicht"' not in c.get("/beoordelen").text  # not in an eigenaar's menu

    coordinator = klant(omg)
    coordinator.post(
        "/aanmelden",
        data={"csrf": csrf(coordinator.get("/aanmelden").text), "email": met_rol(omg, "integriteitscoordinator").email},
    )
    link = link_uit(postbode, "aanmelden")
    aangemeld = coordinator.post(link, data={"csrf": csrf(coordinator.get(link).text)})
    assert aangemeld.headers["location"] == "/overzicht"
    pagina = coordinator.get("/overzicht")
    assert pagina.status_code == 200 and '<h1 id="titel">Overzicht</h1>' in pagina.text
    assert '<a href="/overzicht">Overzicht</a>' in coordinator.get("/beoordelen").text  # in the coordinator's menu


def test_a_late_ronde_comes_first_marked_and_a_waiting_confirmation_names_who_gives_it(omg, post):
    diensten.start_ronde(omg, proces="integriteit-in-werkoverleg", nu=om("2027-02-01T10:00"), verzenden=False)
    diensten.start_ronde(omg, proces="agendering-integriteit-ps", nu=om("2027-05-18T09:30"), verzenden=False)
    c = klant(omg, om("2027-06-02T07:00"))  # the day after the werkoverleg deadline, before the watch
    aanmelden(c, post[0], met_rol(omg, "integriteitscoordinator"))

    pagina = c.get("/overzicht").text

    [eerste, *_] = re.findall(r"<tr class=\"te-laat\">\s*<td data-kop=\"Proces\">(.*?)</td>", pagina, re.DOTALL)
    assert eerste == '<strong class="markering">Te laat</strong> Integriteit op de agenda van het werkoverleg'
    assert 'dinsdag 1 juni 2027</span>, <span class="heel">1 dag te laat' in pagina
    cvdk = met_rol(omg, "cvdk").naam
    assert f"Te bevestigen door Commissaris van de Koning: {cvdk}. Deadline dinsdag 15 juni 2027, nog 13 dagen." in (
        pagina
    )
    assert "<code>integriteit bevestig agendering-integriteit-ps --stap overleg-fractievoorzitters" in pagina


def test_a_ronde_closed_with_people_who_never_answered_links_to_who_they_are(omg, post):
    diensten.start_ronde(omg, proces="geschenken-statenleden", nu=om("2027-04-01T09:00"), verzenden=False)
    diensten.bewaak(omg, nu=om("2027-04-23T08:00"), verzenden=False)  # the day after its deadline
    c = klant(omg, om("2027-04-23T09:00"))
    aanmelden(c, post[0], met_rol(omg, "integriteitscoordinator"))

    pagina = c.get("/overzicht").text
    [link] = re.findall(r'href="(/overzicht/ronde/\d+)"', pagina)
    lijst = c.get(link)

    assert "Opgave ontvangen geschenken Statenleden" in pagina and "49 van 49" in pagina
    assert lijst.status_code == 200
    assert "Gesloten op 23 april 2027: 49 van de 49 gevraagden antwoordden niet." in lijst.text
    assert f"<td>{met_rol(omg, 'statenlid').naam}</td>" in lijst.text
    assert c.get("/overzicht/ronde/999999").status_code == 404


def test_missed_rondes_are_listed_with_the_command_that_starts_them(omg, post):
    c = klant(omg, om("2027-03-25T09:00"))  # the demo organisation, loaded on 1 February; no ronde ever started
    aanmelden(c, post[0], met_rol(omg, "integriteitscoordinator"))

    pagina = c.get("/overzicht").text

    assert "Actualisatie nevenfuncties Statenleden: gepland op 1 maart 2027, deadline 30 maart 2027 (nog 5 van de " in (
        pagina
    )
    assert "<code>integriteit ronde start nevenfuncties-statenleden</code>" in pagina
