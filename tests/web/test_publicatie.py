"""The public registers under /registers (the same files `integriteit publiceer` writes, made again only when
what they show changed) and the coordinator's jaarverslag pages (/jaarcijfers, /jaarverslag/<jaar>/), only for the
integriteitscoordinator."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from engine import diensten
from models.tabellen import Persoon
from tests.web.hulp import SCRIPT, START, csrf, klant, met_rol
from tests.web.test_registers_en_aanmelden import aanmelden
from web.app import maak_app


def test_the_web_app_serves_todays_export_under_registers(omg):
    diensten.laad_demoregisters(omg, nu=START)
    c = klant(omg)
    assert c.get("/registers").headers["location"] == "/registers/"
    export = diensten.openbare_registers(omg, peildatum=START.date())
    index = c.get("/registers/")
    assert index.status_code == 200 and index.headers["content-type"] == "text/html; charset=utf-8"
    assert index.content == export["index.html"]
    assert (
        c.get("/registers/nevenfuncties/marieke-van-dongen.html").content
        == export["nevenfuncties/marieke-van-dongen.html"]
    )
    csv = c.get("/registers/open-data/nevenwerkzaamheden-medewerkers.csv")
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("functienaam,")
    assert c.get("/registers/stijl.css").headers["content-type"].startswith("text/css")
    niet = c.get("/registers/nevenfuncties/ilse-kramer.html")  # below schaal 14: no page at all
    assert niet.status_code == 404 and "Pagina niet gevonden" in niet.text


def test_the_registers_are_made_once_and_again_only_when_what_they_show_changed(omg):
    klok = [START]
    c = TestClient(maak_app(lambda: omg, klok=lambda: klok[0]), follow_redirects=False)
    eerste = c.get("/registers/nevenfuncties/tim-maas.html")
    assert eerste.status_code == 200 and "Nog niet opgegeven" in eerste.text
    assert c.get("/registers/nevenfuncties/index.html").status_code == 200
    assert c.get("/registers/open-data/nevenfuncties.csv").status_code == 200
    export = c.app.state.registerexport
    assert export.gemaakt == 1  # three requests, one export
    tim = _persoon(omg, "Tim Maas")
    nieuw = {"omschrijving": "Vicevoorzitter van de Raad van Toezicht", "organisatie": "Zorggroep Voorbeeld"}
    voorstel = diensten.melding(
        omg, persoon_id=tim.id, register="nevenfuncties", invoer=[nieuw], nu=START, kanaal="web"
    )
    assert "Vicevoorzitter" not in c.get("/registers/nevenfuncties/tim-maas.html").text  # proposed, not accepted
    [versie] = voorstel.uitkomst.voorstellen
    diensten.aanvaard(omg, versie_id=versie, door_persoon_id=met_rol(omg, "integriteitscoordinator").id, nu=START)
    assert "Vicevoorzitter van de Raad van Toezicht" in c.get("/registers/nevenfuncties/tim-maas.html").text
    assert c.get("/registers/").status_code == 200
    assert export.gemaakt == 3  # made again after each change, and only then
    klok[0] = START + timedelta(days=1)
    assert "Stand op 2 februari 2027" in c.get("/registers/").text and export.gemaakt == 4


def _persoon(omg, naam: str) -> Persoon:
    with omg.werk() as s:
        return s.exec(select(Persoon).where(Persoon.naam == naam)).one()


def test_the_jaarcijfers_page_is_for_the_coordinator_only(omg, post):
    c = klant(omg)
    assert c.get("/jaarcijfers").headers["location"] == "/aanmelden"
    aanmelden(c, post[0], met_rol(omg, "statengriffie"))
    assert c.get("/jaarcijfers").status_code == 403
    assert c.get("/jaarverslag/2026/jaarverslag-2026.html").status_code == 403


def test_the_coordinator_records_anonymous_figures_and_reads_the_draft(omg, post):
    c = klant(omg)
    aanmelden(c, post[0], met_rol(omg, "integriteitscoordinator"))
    pagina = c.get("/jaarcijfers?jaar=2026")
    assert pagina.status_code == 200 and "Jaarcijfers 2026" in pagina.text
    gegevens = {"jaar": "2026", "categorie": "klachten", "aantal": "3", "omschrijving": f"Over parkeren {SCRIPT}"}
    zonder_csrf = c.post("/jaarcijfers", data=gegevens)
    assert zonder_csrf.status_code == 403
    vastgelegd = c.post("/jaarcijfers", data=gegevens | {"csrf": csrf(pagina.text)})
    assert vastgelegd.headers["location"] == "/jaarcijfers?klaar=1&jaar=2026"
    lijst = c.get(vastgelegd.headers["location"]).text
    assert "Het cijfer is vastgelegd" in lijst and "Over parkeren &lt;script&gt;" in lijst and SCRIPT not in lijst
    met_naam = c.post(
        "/jaarcijfers",
        data=gegevens | {"omschrijving": "Klacht over Tim Maas", "csrf": csrf(pagina.text)},
    )
    assert met_naam.status_code == 400 and "noemt een persoon (Tim Maas)" in met_naam.text
    assert [(j.categorie, j.aantal) for j in diensten.jaarcijfers(omg, jaar=2026)] == [("klachten", 3)]
    concept = c.get("/jaarverslag/2026/jaarverslag-2026.html")
    assert concept.status_code == 200 and "I. Kader" in concept.text and "Ontvangen klachten" in concept.text
    assert c.get("/jaarverslag/2026/jaarverslag-2026.md").text.startswith("# Jaarverslag integriteit 2026")
    assert c.get("/jaarverslag/2026/iets-anders.html").status_code == 404
