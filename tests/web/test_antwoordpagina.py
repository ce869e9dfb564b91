"""The personal page and the one-click answer, through the real app on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, func, select

from engine.diensten import Omgeving
from models.instellingen import Instellingen
from models.tabellen import Antwoord, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from tests.web.hulp import SCRIPT, csrf, klant, leeg, omgeving, token
from web.app import maak_app
from web.beveiliging import Pogingenteller


@pytest.fixture
def omg(db_engine, catalogus):
    yield omgeving(db_engine, catalogus)
    leeg(db_engine)


def antwoorden(omg, tok) -> int:
    with Session(omg.engine) as s:
        return s.exec(select(func.count()).select_from(Antwoord).join(Verzoek).where(Verzoek.token == tok)).one()


def test_the_personal_page_says_for_whom_what_and_by_when(omg):
    tok = token(omg)
    pagina = klant(omg).get(f"/antwoord/{tok}")
    assert pagina.status_code == 200
    assert '<html lang="nl">' in pagina.text
    assert "Integriteit op de agenda van het werkoverleg" in pagina.text
    assert 'id="verzoek-deadline"' in pagina.text and "2027" in pagina.text
    assert pagina.headers["referrer-policy"] == "no-referrer"


def test_opening_the_one_click_link_records_nothing(omg):
    tok = token(omg)
    c = klant(omg)
    for _ in range(3):  # a mail scanner, a preview, the person
        assert c.get(f"/antwoord/{tok}/geen-wijzigingen").status_code == 200
    assert antwoorden(omg, tok) == 0


def test_the_one_click_post_records_once_and_a_second_says_it_was_done(omg):
    tok = token(omg)
    c = klant(omg)
    pad = f"/antwoord/{tok}/geen-wijzigingen"
    sleutel = csrf(c.get(pad).text)
    eerste = c.post(pad, data={"csrf": sleutel})
    assert eerste.status_code == 200 and 'id="vastgelegd"' in eerste.text
    tweede = c.post(pad, data={"csrf": sleutel})
    assert tweede.status_code == 200 and 'id="al-vastgelegd"' in tweede.text
    assert "niets veranderd" in tweede.text
    assert antwoorden(omg, tok) == 1
    with Session(omg.engine) as s:
        assert s.exec(select(Verzoek.status).where(Verzoek.token == tok)).one() == "beantwoord"


def test_the_form_records_a_plain_answer(omg):
    tok = token(omg)
    c = klant(omg)
    sleutel = csrf(c.get(f"/antwoord/{tok}").text)
    gepost = c.post(f"/antwoord/{tok}", data={"csrf": sleutel, "tekst": "Besproken in het teamoverleg"})
    assert gepost.status_code == 303
    assert 'id="ontvangen"' in c.get(gepost.headers["location"]).text
    with Session(omg.engine) as s:
        assert s.exec(select(Antwoord.tekst).join(Verzoek).where(Verzoek.token == tok)).all() == [
            "Besproken in het teamoverleg"
        ]


def test_an_empty_answer_is_refused_with_a_summary_linking_to_the_field(omg):
    tok = token(omg)
    c = klant(omg)
    pagina = c.post(f"/antwoord/{tok}", data={"csrf": csrf(c.get(f"/antwoord/{tok}").text), "tekst": " "})
    assert pagina.status_code == 400
    assert 'href="#tekst"' in pagina.text and 'id="tekst-fout"' in pagina.text and 'aria-invalid="true"' in pagina.text
    assert antwoorden(omg, tok) == 0


def test_a_confirmation_by_a_third_party_names_the_person_and_asks_the_date_it_happened(omg):
    moment = datetime(2026, 3, 17, 10, tzinfo=TIJDZONE)  # kieslijsten-gesprek: the cvdK confirms per person
    tok = token(omg, "kieslijsten-gesprek", moment)
    c = klant(omg, moment)
    pagina = c.get(f"/antwoord/{tok}")
    assert pagina.status_code == 200
    assert 'id="verzoek-bevestiger">Commissaris van de Koning<' in pagina.text
    assert "Bevestig voor " in pagina.text and "Datum waarop het plaatsvond" in pagina.text
    assert "geen-wijzigingen" not in pagina.text
    goed = c.post(
        f"/antwoord/{tok}",
        data={"csrf": csrf(pagina.text), "datum-dag": "12", "datum-maand": "5", "datum-jaar": "2026"},
    )
    assert goed.status_code == 303
    with Session(omg.engine) as s:
        assert s.exec(select(Verzoek.status).where(Verzoek.token == tok)).one() == "beantwoord"


def test_a_confirmation_asks_a_real_date_and_records_date_and_kenmerk(omg):
    moment = datetime(2027, 2, 15, 10, tzinfo=TIJDZONE)
    tok = token(omg, "jaarverslag-integriteit", moment)
    c = klant(omg, moment)
    pad = f"/antwoord/{tok}"
    fout = c.post(
        pad, data={"csrf": csrf(c.get(pad).text), "datum-dag": "31", "datum-maand": "2", "datum-jaar": "2027"}
    )
    assert fout.status_code == 400 and 'href="#datum-dag"' in fout.text and 'id="datum-dag-fout"' in fout.text
    assert 'value="31"' in fout.text  # what was typed comes back
    goed = c.post(
        pad,
        data={
            "csrf": csrf(c.get(pad).text),
            "datum-dag": "18",
            "datum-maand": "9",
            "datum-jaar": "2027",
            "kenmerk": "PS 2027/45",
        },
    )
    assert goed.status_code == 303
    with Session(omg.engine) as s:
        assert s.exec(select(Antwoord.kenmerk, Antwoord.datum).join(Verzoek).where(Verzoek.token == tok)).one()[0] == (
            "PS 2027/45"
        )


def test_a_forged_or_missing_csrf_token_is_refused_with_403(omg):
    tok = token(omg)
    c = klant(omg)
    for data in ({}, {"csrf": "vervalst"}, {"csrf": csrf(c.get(f"/antwoord/{tok}").text)}):
        # the last is real, but for another form: the one-click form must refuse it
        antwoord = c.post(f"/antwoord/{tok}/geen-wijzigingen", data=data)
        assert antwoord.status_code == 403, data
        assert "niet geaccepteerd" in antwoord.text
    andere_sleutel = maak_app(lambda: Omgeving(omg.engine, omg.catalogus, Instellingen(geheim="y" * 40)))
    vreemd = csrf(TestClient(andere_sleutel).get(f"/antwoord/{tok}/geen-wijzigingen").text)
    assert c.post(f"/antwoord/{tok}/geen-wijzigingen", data={"csrf": vreemd}).status_code == 403
    assert antwoorden(omg, tok) == 0


def test_an_unknown_token_is_a_dutch_404(omg):
    pagina = klant(omg).get("/antwoord/bestaat-niet")
    assert pagina.status_code == 404
    assert "Deze link kennen we niet" in pagina.text and "Traceback" not in pagina.text


def test_a_late_answer_counts_within_the_grace_period_and_after_closing_is_kept_but_no_longer_counts(omg):
    tok = token(omg)
    with Session(omg.engine) as s:
        deadline = s.exec(select(Ronde.deadline)).one()
    laat = datetime.combine(deadline + timedelta(days=1), time(10), TIJDZONE)
    assert 'id="te-laat"' in klant(omg, laat).get(f"/antwoord/{tok}").text
    with Session(omg.engine) as s:
        s.exec(update(Ronde).values(gesloten=laat, status="verlopen"))
        s.commit()
    c = klant(omg, laat + timedelta(days=40))
    pagina = c.get(f"/antwoord/{tok}")
    assert pagina.status_code == 200 and 'id="gesloten"' in pagina.text
    assert "telt niet meer mee" in pagina.text and "Integriteitscoördinator" in pagina.text
    verstuurd = c.post(f"/antwoord/{tok}", data={"csrf": csrf(pagina.text), "tekst": "Besproken op 3 juni."})
    assert verstuurd.status_code == 303 and verstuurd.headers["location"] == f"/antwoord/{tok}?ontvangen=ja"
    with Session(omg.engine) as s:
        assert s.exec(select(Antwoord.tekst, Antwoord.te_laat)).all() == [("Besproken op 3 juni.", True)]


def test_an_unexpected_error_is_a_dutch_500_without_a_traceback(omg):
    def kapot() -> Omgeving:
        raise RuntimeError("geheime interne fout")

    app = maak_app(lambda: omg)
    app.state.integriteit.omgeving = kapot
    pagina = TestClient(app, raise_server_exceptions=False).get("/antwoord/iets")
    assert pagina.status_code == 500
    assert "Er ging iets mis" in pagina.text
    assert "geheime interne fout" not in pagina.text and "Traceback" not in pagina.text


def test_too_many_unknown_tokens_from_one_address_get_429(omg):
    tok = token(omg)
    c = klant(omg, pogingen=Pogingenteller(limiet=5, venster=600))
    assert [c.get(f"/antwoord/gok-{i}").status_code for i in range(5)] == [404] * 5
    geweigerd = c.get(f"/antwoord/{tok}")  # even a real token waits now
    assert geweigerd.status_code == 429 and "Te veel pogingen" in geweigerd.text
    assert geweigerd.headers["retry-after"] == "600"


def test_what_people_type_comes_back_escaped_on_every_page(omg):
    tok = token(omg)
    with Session(omg.engine) as s:
        s.exec(update(Persoon).values(naam=SCRIPT))
        s.commit()
    c = klant(omg)
    sleutel = csrf(c.get(f"/antwoord/{tok}").text)
    fout = c.post(
        f"/antwoord/{tok}",
        data={
            "csrf": sleutel,
            "tekst": SCRIPT * 500,  # too long: the page comes back with it
        },
    )
    assert fout.status_code == 400
    assert c.post(f"/antwoord/{tok}", data={"csrf": sleutel, "tekst": SCRIPT}).status_code == 303
    paginas = [fout, c.get(f"/antwoord/{tok}"), c.get(f"/antwoord/{tok}/geen-wijzigingen")]
    for link in ("/link", "/aanmelden"):
        paginas.append(c.post(link, data={"csrf": csrf(c.get(link).text), "email": SCRIPT}))
    for pagina in paginas:
        assert SCRIPT not in pagina.text, pagina.url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in paginas[1].text
