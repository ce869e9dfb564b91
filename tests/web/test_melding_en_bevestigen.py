"""A gift melding is one decision (accepting it in /beoordelen completes its ronde), and the eigenaar confirms a
waiting stap on /bevestigen in their own name; whichever channel comes first wins. Real app, real database (SQLite
and PostgreSQL), a real SMTP server for the links."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, select

from engine import diensten
from engine.status import rondes_status
from models.tabellen import Gebeurtenis, Persoon, Registerregel, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from tests.web.hulp import csrf, klant, met_rol
from tests.web.test_registers_en_aanmelden import aanmelden, link_uit

MAART = datetime(2027, 3, 1, 10, tzinfo=TIJDZONE)
GESCHENK = {
    "regels-0-omschrijving": "Kunstboek over de Domtoren",
    "regels-0-gever": "Stichting Utrechts Erfgoed",
    "regels-0-datum": "20-2-2027",
    "regels-0-geschatte_waarde": "75",
    "regels-0-ingeleverd_bij": "Statengriffie",
}


def meld_geschenk(omg, post, statenlid: Persoon, velden: dict[str, str] = GESCHENK) -> None:
    c = klant(omg, MAART)
    c.post("/link", data={"csrf": csrf(c.get("/link").text), "email": statenlid.email})
    link = link_uit(post[0], "persoonlijk")
    formulier = c.get(f"{link}/geschenken")
    assert c.post(f"{link}/geschenken", data={"csrf": csrf(formulier.text), **velden}).status_code == 200


def datum(dag: int, maand: int) -> dict[str, str]:
    return {"datum-dag": str(dag), "datum-maand": str(maand), "datum-jaar": "2027"}


def meldingronde(omg) -> dict:
    with Session(omg.engine) as s:
        return next(r for r in rondes_status(s) if r["proces"] == "melding-geschenk-statenleden")


def voorstel_id(omg) -> int:
    with Session(omg.engine) as s:
        return s.exec(select(Registerregel.id).where(Registerregel.status == "voorgesteld")).one()


def beslis(c, versie: int, besluit: str, **velden: str):
    """Decide as the form does: with its fields as shown (pre-filled with the proposal)."""
    pagina = c.get("/beoordelen").text
    getoond = dict(re.findall(rf'name="(voorstel-{versie}-[a-z_]+)" value="([^"]*)"', pagina))
    return c.post(f"/beoordelen/{versie}", data={"csrf": csrf(pagina), "besluit": besluit, **getoond, **velden})


def test_accepting_a_gift_melding_once_completes_its_ronde_in_the_reviewers_name(omg, post):
    statenlid = met_rol(omg, "statenlid")
    meld_geschenk(omg, post, statenlid)
    assert meldingronde(omg)["status"] == "lopend"
    griffie = met_rol(omg, "statengriffie")
    c = klant(omg, MAART)
    aanmelden(c, post[0], griffie)
    pagina = c.get("/beoordelen").text
    versie = voorstel_id(omg)
    for feit in ("Kunstboek over de Domtoren", "Stichting Utrechts Erfgoed", "75", statenlid.naam):
        assert feit in pagina
    assert f'id="voorstel-{versie}-melding"' in pagina
    assert beslis(c, versie, "aanvaard").status_code == 303
    ronde = meldingronde(omg)
    assert (ronde["status"], ronde["bevestigd"]) == ("voltooid", [{"persoon": griffie.naam, "datum": "2027-03-01"}])
    assert 'id="niets-te-bevestigen"' in c.get("/bevestigen").text  # nothing left to confirm elsewhere


def test_a_melding_sent_back_keeps_its_ronde_open_until_the_resubmission_is_accepted(omg, post):
    statenlid = met_rol(omg, "statenlid")
    meld_geschenk(omg, post, statenlid, GESCHENK | {"regels-0-omschrijving": "Boek"})
    c = klant(omg, MAART)
    aanmelden(c, post[0], met_rol(omg, "statengriffie"))
    terug = beslis(c, voorstel_id(omg), "terug", **{f"opmerking-{voorstel_id(omg)}": "Welk boek?"})
    assert terug.status_code == 303 and meldingronde(omg)["status"] == "lopend"
    meld_geschenk(omg, post, statenlid)  # the resubmission
    assert meldingronde(omg)["status"] == "lopend"
    assert beslis(c, voorstel_id(omg), "aanvaard").status_code == 303
    assert meldingronde(omg)["status"] == "voltooid"


def test_the_eigenaar_confirms_a_waiting_stap_on_the_web_in_their_own_name(omg, post):
    begin = datetime(2027, 1, 11, 9, tzinfo=TIJDZONE)
    diensten.start_ronde(omg, proces="richtlijnen-bijverdiensten", nu=begin, verzenden=False)  # eigenaar: po
    with Session(omg.engine) as s:
        ronde = s.exec(select(Ronde).where(Ronde.proces == "richtlijnen-bijverdiensten")).one()
        # the last HR adviser asked, not the first: the confirmation is theirs
        hr = s.exec(
            select(Persoon).join(Verzoek).where(Verzoek.ronde_id == ronde.id).order_by(Verzoek.id.desc())
        ).first()
    c = klant(omg, MAART)
    assert c.get("/bevestigen").headers["location"] == "/aanmelden"
    aanmelden(c, post[0], hr)
    lijst = c.get("/bevestigen")
    assert lijst.status_code == 200 and "Richtlijnen voor afspraken met medewerkers over bijverdiensten" in lijst.text
    formulier = c.get(f"/bevestigen/{ronde.id}").text
    fout = c.post(f"/bevestigen/{ronde.id}", data={"csrf": csrf(formulier), **datum(31, 2), "kenmerk": "P&O-2027/7"})
    assert fout.status_code == 400 and 'href="#datum-dag"' in fout.text
    assert 'value="31"' in fout.text and 'value="P&amp;O-2027/7"' in fout.text  # kept what was typed
    klaar = c.post(f"/bevestigen/{ronde.id}", data={"csrf": csrf(formulier), **datum(26, 2), "kenmerk": "P&O-2027/7"})
    assert klaar.status_code == 303
    with Session(omg.engine) as s:
        status = next(r for r in rondes_status(s) if r["proces"] == "richtlijnen-bijverdiensten")
        gebeurtenis = s.exec(select(Gebeurtenis).where(Gebeurtenis.soort == "antwoord")).one()
    assert (status["status"], status["bevestigd"]) == ("voltooid", [{"persoon": hr.naam, "datum": "2027-02-26"}])
    assert (gebeurtenis.persoon_id, hr.naam in gebeurtenis.details) == (hr.id, True)
    assert 'id="bevestigd"' in c.get(klaar.headers["location"]).text
    nogmaals = c.post(f"/bevestigen/{ronde.id}", data={"csrf": csrf(formulier), **datum(27, 2)})
    assert nogmaals.status_code == 409 and "al bevestigd" in nogmaals.text
