"""A register through the web: the person proposes, the eigenaar logs in with a single-use link and decides;
the standing personal link; who sees what. Real app, real database, a real SMTP server for the links."""

from __future__ import annotations

import html
import re
from datetime import datetime

from sqlmodel import Session, func, select

from engine import diensten
from models.tabellen import Persoon, Registerregel, Verzoek
from models.werkdagen import TIJDZONE
from tests.web.hulp import SCRIPT, csrf, klant, met_rol, token
from testservers.smtp import Postbode

MAART = datetime(2027, 3, 1, 10, tzinfo=TIJDZONE)
"""nevenfuncties-gs starts on 1 March; its eigenaar is the integriteitscoordinator."""


def link_uit(postbode: Postbode, pad: str) -> str:
    tekst = postbode.berichten[-1].get_content()
    return re.search(rf"http://testserver(/{pad}/[^\s]+)", tekst)[1]


def aanmelden(c, postbode, persoon: Persoon) -> str:
    c.post("/aanmelden", data={"csrf": csrf(c.get("/aanmelden").text), "email": persoon.email.upper()})
    link = link_uit(postbode, "aanmelden")
    c.post(link, data={"csrf": csrf(c.get(link).text)})
    return link


def versies(omg) -> int:
    with Session(omg.engine) as s:
        return s.exec(select(func.count()).select_from(Registerregel)).one()


def test_a_login_link_works_once_and_only_for_reviewers(omg, post):
    postbode, _ = post
    c = klant(omg, MAART)
    assert c.get("/beoordelen").headers["location"] == "/aanmelden"
    for adres in ("niemand@demo.example", met_rol(omg, "medewerker", alleen=True).email):  # unknown; may not review
        antwoord = c.post("/aanmelden", data={"csrf": csrf(c.get("/aanmelden").text), "email": adres})
        assert antwoord.status_code == 200 and 'id="verstuurd"' in antwoord.text
    assert postbode.berichten == []
    coordinator = met_rol(omg, "integriteitscoordinator")
    c.post("/aanmelden", data={"csrf": csrf(c.get("/aanmelden").text), "email": coordinator.email})
    link = link_uit(postbode, "aanmelden")
    for _ in range(2):  # a mail scanner opening the link does not spend it
        assert c.get(link).status_code == 200
    binnen = c.post(link, data={"csrf": csrf(c.get(link).text)})
    assert binnen.status_code == 303 and binnen.headers["location"] == "/overzicht"  # the coordinator's start
    koekje = binnen.headers["set-cookie"].lower()
    assert "httponly" in koekje and "samesite=lax" in koekje
    assert c.get("/beoordelen").status_code == 200
    anders = klant(omg, MAART)
    tweede = anders.post(link, data={"csrf": csrf(anders.get(link).text)})
    assert tweede.status_code == 410 and "set-cookie" not in tweede.headers
    assert anders.get("/beoordelen").status_code == 303
    verlopen = klant(omg, MAART).get(link.replace("/aanmelden/", "/aanmelden/x"))
    assert verlopen.status_code == 410


def test_a_logout_ends_the_session(omg, post):
    c = klant(omg, MAART)
    aanmelden(c, post[0], met_rol(omg, "integriteitscoordinator"))
    c.post("/afmelden", data={"csrf": csrf(c.get("/afmelden").text)})
    assert c.get("/beoordelen").status_code == 303


def test_a_register_from_proposal_to_review(omg, post):
    tok = token(omg, "nevenfuncties-gs", MAART)
    c = klant(omg, MAART)
    pad = f"/antwoord/{tok}"
    pagina = c.get(pad)
    assert 'id="regels-0-omschrijving"' in pagina.text and 'for="regels-0-omschrijving"' in pagina.text
    assert "beperkende_maatregel" not in pagina.text  # only the eigenaar fills it
    meer = c.post(pad, data={"csrf": csrf(pagina.text), "actie": "toevoegen"})
    assert 'id="regels-1-omschrijving"' in meer.text and versies(omg) == 0
    fout = c.post(pad, data={"csrf": csrf(pagina.text), "regels-0-omschrijving": "", "regels-0-sinds": "31-2-2027"})
    assert fout.status_code == 400 and 'href="#regels-0-sinds"' in fout.text and versies(omg) == 0
    ingediend = c.post(
        pad,
        data={
            "csrf": csrf(pagina.text),
            "actie": "versturen",
            "regels-0-omschrijving": SCRIPT,
            "regels-0-organisatie": SCRIPT,
            "regels-0-bezoldigd": "ja",
            "regels-0-sinds": "1-1-2027",
            "regels-1-omschrijving": "",  # an empty new entry is left out
            "toelichting": SCRIPT,
        },
    )
    assert ingediend.status_code == 303 and versies(omg) == 1
    na = c.get(ingediend.headers["location"])
    assert 'id="ontvangen"' in na.text and SCRIPT not in na.text and "&lt;script&gt;" in na.text

    aanmelden(c, post[0], met_rol(omg, "statengriffie"))  # eigenaar of other processen: sees nothing here
    assert 'id="niets-te-beoordelen"' in c.get("/beoordelen").text
    with Session(omg.engine) as s:
        versie = s.exec(select(Registerregel.id)).one()
    geweigerd = c.post(f"/beoordelen/{versie}", data={"csrf": csrf(c.get("/afmelden").text), "besluit": "aanvaard"})
    assert geweigerd.status_code == 403

    beoordelaar = klant(omg, MAART)
    aanmelden(beoordelaar, post[0], met_rol(omg, "integriteitscoordinator"))
    overzicht = beoordelaar.get("/beoordelen")
    assert f'id="voorstel-{versie}"' in overzicht.text and SCRIPT not in overzicht.text
    assert 'id="voorstel-' + str(versie) + '-beperkende_maatregel"' in overzicht.text
    besluit = beoordelaar.post(
        f"/beoordelen/{versie}",
        data={
            "csrf": csrf(overzicht.text),
            "besluit": "aanvaard",
            f"voorstel-{versie}-omschrijving": SCRIPT,
            f"voorstel-{versie}-organisatie": SCRIPT,
            f"voorstel-{versie}-bezoldigd": "ja",
            f"voorstel-{versie}-sinds": "1-1-2027",
            f"voorstel-{versie}-beperkende_maatregel": "Geen",
        },
    )
    assert besluit.status_code == 303
    assert 'id="niets-te-beoordelen"' in beoordelaar.get("/beoordelen").text
    terug = c.get(pad).text
    assert 'name="regels-0-regel"' in terug and "&lt;script&gt;alert(1)&lt;/script&gt;" in terug


def test_the_standing_link_reports_a_gift_and_a_forged_one_is_refused(omg, post):
    postbode, _ = post
    c = klant(omg, MAART)
    gs_lid = met_rol(omg, "gs-lid")
    c.post("/link", data={"csrf": csrf(c.get("/link").text), "email": gs_lid.email})
    link = link_uit(postbode, "persoonlijk")
    assert 'id="meld-geschenken"' in c.get(link).text
    formulier = c.get(f"{link}/geschenken")
    assert 'id="regels-0-gever"' in formulier.text and "bestemming" not in formulier.text
    fout = c.post(f"{link}/geschenken", data={"csrf": csrf(formulier.text), "regels-0-omschrijving": SCRIPT})
    assert fout.status_code == 400 and 'href="#regels-0-gever"' in fout.text and SCRIPT not in fout.text
    gemeld = c.post(
        f"{link}/geschenken",
        data={
            "csrf": csrf(formulier.text),
            "regels-0-omschrijving": "Fles wijn",
            "regels-0-gever": "Stichting X",
            "regels-0-datum": "20-2-2027",
            "regels-0-geschatte_waarde": "25",
        },
    )
    assert gemeld.status_code == 200 and 'id="gemeld"' in gemeld.text and versies(omg) == 1
    assert c.get(link[:-3] + "abc").status_code == 404
    assert c.get("/link").status_code == 200


def _bezoldigd_keuze(html: str, versie: int) -> str | None:
    gekozen = re.search(rf'name="voorstel-{versie}-bezoldigd" value="(ja|nee)" checked', html)
    return gekozen[1] if gekozen else None


def test_the_form_reads_dutch_dates_and_amounts_names_each_wrong_field_and_keeps_what_was_typed(omg, post):
    tok = token(omg, "nevenfuncties-gs", MAART)
    c = klant(omg, MAART)
    pad = f"/antwoord/{tok}"
    pagina = c.get(pad).text
    assert 'maxlength="500"' in pagina and "Hoogstens 500 tekens." in pagina  # the limit before typing
    fout = c.post(
        pad,
        data={
            "csrf": csrf(pagina),
            "actie": "versturen",
            "regels-0-omschrijving": "",
            "regels-0-organisatie": "Stichting Vrienden van het Kromme Rijngebied",
            "regels-0-sinds": "31 februari 2027",
        },
    )
    assert fout.status_code == 400 and versies(omg) == 0
    assert 'href="#regels-0-omschrijving">Omschrijving (nevenfuncties 1): Vul dit veld in.' in fout.text
    assert 'href="#regels-0-sinds">Sinds (nevenfuncties 1): Geen geldige datum' in fout.text
    assert 'value="Stichting Vrienden van het Kromme Rijngebied"' in fout.text
    assert 'value="31 februari 2027"' in fout.text
    goed = c.post(
        pad,
        data={
            "csrf": csrf(pagina),
            "regels-0-omschrijving": "Voorzitter",
            "regels-0-sinds": "1 maart 2027",
        },
    )
    assert goed.status_code == 303 and versies(omg) == 1
    assert "Nieuw: Voorzitter" in c.get(goed.headers["location"]).text  # listed as waiting for review


def test_a_refused_review_shows_the_page_again_with_the_message_beside_the_field_and_every_edit_kept(omg, post):
    tok = token(omg, "nevenfuncties-gs", MAART)
    c = klant(omg, MAART)
    pad = f"/antwoord/{tok}"
    c.post(pad, data={"csrf": csrf(c.get(pad).text), "regels-0-omschrijving": "Lid raad van advies"})
    with Session(omg.engine) as s:
        versie = s.exec(select(Registerregel.id)).one()
    beoordelaar = klant(omg, MAART)
    aanmelden(beoordelaar, post[0], met_rol(omg, "integriteitscoordinator"))
    overzicht = beoordelaar.get("/beoordelen").text
    assert _bezoldigd_keuze(overzicht, versie) == "nee"  # radio buttons, not a text box
    bewerkt = {
        f"voorstel-{versie}-omschrijving": "Lid raad van advies (onbezoldigd)",
        f"voorstel-{versie}-sinds": "1-3-2027",
    }

    misschien = beoordelaar.post(
        f"/beoordelen/{versie}",
        data={"csrf": csrf(overzicht), "besluit": "aanvaard", f"voorstel-{versie}-bezoldigd": "misschien", **bewerkt},
    )
    assert misschien.status_code == 400
    assert f'href="#voorstel-{versie}-bezoldigd">Bezoldigd: Kies ja of nee.' in misschien.text
    assert f'id="voorstel-{versie}-bezoldigd-fout"' in misschien.text
    assert 'value="Lid raad van advies (onbezoldigd)"' in misschien.text and 'value="1-3-2027"' in misschien.text

    zonder_opmerking = beoordelaar.post(
        f"/beoordelen/{versie}", data={"csrf": csrf(overzicht), "besluit": "terug", **bewerkt}
    )
    assert zonder_opmerking.status_code == 400
    assert f'href="#opmerking-{versie}">Vul de opmerking bij terugsturen in' in zonder_opmerking.text
    assert 'value="Lid raad van advies (onbezoldigd)"' in zonder_opmerking.text
    assert versies(omg) == 1  # nothing decided

    aanvaard = beoordelaar.post(
        f"/beoordelen/{versie}",
        data={"csrf": csrf(overzicht), "besluit": "aanvaard", f"voorstel-{versie}-bezoldigd": "nee", **bewerkt},
    )
    naam = diensten.pagina(omg, token=tok, nu=MAART).naam
    bevestigd = beoordelaar.get(aanvaard.headers["location"]).text
    assert f"Aanvaard: de nevenfunctie &#39;Lid raad van advies (onbezoldigd)&#39; van {naam}" in bevestigd
    assert "Aanvaard" not in beoordelaar.get("/beoordelen?besluit=vervalst").text


def test_a_returned_entry_comes_back_prefilled_with_its_remark_and_the_resubmission_shows_it(omg, post):
    tok = token(omg, "nevenfuncties-gs", MAART)
    c = klant(omg, MAART)
    pad = f"/antwoord/{tok}"
    c.post(pad, data={"csrf": csrf(c.get(pad).text), "regels-0-omschrijving": "Lid raad van advies"})
    with Session(omg.engine) as s:
        versie = s.exec(select(Registerregel.id)).one()
    beoordelaar = klant(omg, MAART)
    aanmelden(beoordelaar, post[0], met_rol(omg, "integriteitscoordinator"))
    terug = beoordelaar.post(
        f"/beoordelen/{versie}",
        data={
            "csrf": csrf(beoordelaar.get("/beoordelen").text),
            "besluit": "terug",
            f"opmerking-{versie}": "Bij welke organisatie?",
        },
    )
    assert "Teruggestuurd: de nevenfunctie" in beoordelaar.get(terug.headers["location"]).text

    pagina = c.get(pad).text
    assert f'id="teruggestuurd-{versie}"' in pagina and "Bij welke organisatie?" in pagina
    assert 'id="regels-0-omschrijving" name="regels-0-omschrijving" value="Lid raad van advies"' in pagina
    c.post(
        pad,
        data={
            "csrf": csrf(pagina),
            "regels-0-regel": re.search(r'name="regels-0-regel" value="([^"]+)"', pagina)[1],
            "regels-0-omschrijving": "Lid raad van advies",
            "regels-0-organisatie": "Stichting Utrechts Landschap",
        },
    )
    opnieuw = beoordelaar.get("/beoordelen").text
    (nieuw,) = re.findall(r'id="voorstel-(\d+)"', opnieuw)
    assert f'id="voorstel-{nieuw}-eerder"' in opnieuw and "Bij welke organisatie?" in opnieuw
    assert f'id="voorstel-{nieuw}-organisatie-sinds-terug"' in opnieuw  # what changed since, in words
    assert f'id="voorstel-{nieuw}-omschrijving-sinds-terug"' not in opnieuw


def test_a_toelichting_reaches_the_eigenaar_alone_as_text_to_turn_into_entries_and_beside_the_entries_it_came_with(
    omg, post
):
    token(omg, "nevenfuncties-gs", MAART)
    with Session(omg.engine) as s:
        alleen, erbij = s.exec(select(Verzoek.token).order_by(Verzoek.id)).all()[:2]
    uitleg = "Ik ben sinds januari lid van de raad van advies; ik wist niet in welk vak dat moet."
    for tok, data in (
        (alleen, {"toelichting": uitleg}),
        (erbij, {"regels-0-omschrijving": "Lid raad van advies", "toelichting": "Onbezoldigd, sinds januari."}),
    ):
        c = klant(omg, MAART)
        pad = f"/antwoord/{tok}"
        assert c.post(pad, data={"csrf": csrf(c.get(pad).text), **data}).status_code == 303
    beoordelaar = klant(omg, MAART)
    aanmelden(beoordelaar, post[0], met_rol(omg, "integriteitscoordinator"))
    pagina = html.unescape(beoordelaar.get("/beoordelen").text)
    assert "Er wacht niets" not in pagina
    assert re.search(r'id="voorstel-\d+-tekst">' + re.escape(uitleg), pagina)
    assert re.search(r'id="voorstel-\d+-toelichting">Onbezoldigd, sinds januari\.', pagina)


def test_an_eigenaar_marks_a_free_text_answer_handled_with_nothing_to_record_and_the_register_stays(omg, post):
    tok = token(omg, "nevenfuncties-gs", MAART)
    c = klant(omg, MAART)
    pad = f"/antwoord/{tok}"
    c.post(pad, data={"csrf": csrf(c.get(pad).text), "toelichting": "Niets veranderd, maar ik stop in juni."})
    with Session(omg.engine) as s:
        tekst = s.exec(select(Registerregel).where(Registerregel.tekst.is_not(None))).one()
    voor = versies(omg)
    beoordelaar = klant(omg, MAART)
    aanmelden(beoordelaar, post[0], met_rol(omg, "integriteitscoordinator"))
    pagina = beoordelaar.get("/beoordelen").text
    assert f'id="niets-{tekst.id}"' in pagina
    antwoord = beoordelaar.post(f"/beoordelen/{tekst.id}", data={"csrf": csrf(pagina), "besluit": "niets"})
    bevestigd = html.unescape(beoordelaar.get(antwoord.headers["location"]).text)
    assert "Verwerkt zonder iets vast te leggen" in bevestigd and f'id="voorstel-{tekst.id}"' not in bevestigd
    assert versies(omg) == voor  # the text is handled; no entry was made or changed
    with Session(omg.engine) as s:
        assert s.get(Registerregel, tekst.id).status == "aanvaard"


def test_nothing_to_record_is_refused_for_a_proposal_with_entries(omg, post):
    tok = token(omg, "nevenfuncties-gs", MAART)
    c = klant(omg, MAART)
    pad = f"/antwoord/{tok}"
    c.post(pad, data={"csrf": csrf(c.get(pad).text), "regels-0-omschrijving": "Lid raad van advies"})
    with Session(omg.engine) as s:
        versie = s.exec(select(Registerregel.id)).one()
    beoordelaar = klant(omg, MAART)
    aanmelden(beoordelaar, post[0], met_rol(omg, "integriteitscoordinator"))
    pagina = beoordelaar.get("/beoordelen").text
    assert f'id="niets-{versie}"' not in pagina
    geweigerd = beoordelaar.post(f"/beoordelen/{versie}", data={"csrf": csrf(pagina), "besluit": "niets"})
    assert geweigerd.status_code == 400 and "geen vrije tekst" in html.unescape(geweigerd.text)
