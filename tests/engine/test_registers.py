"""From answer to register: answers and proposals through the use cases, the eigenaar's review, the register
on a day and the history of an entry (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from string import Template

import pytest
from sqlmodel import Session, select

from engine import diensten, postvak
from engine.antwoorden import Invoer
from engine.diensten import Omgeving
from engine.personen import PersoonInvoer, importeer
from engine.registers.fouten import (
    AlBeoordeeld,
    GeenBevoegdheid,
    OngeldigeInvoer,
)
from models.instellingen import Instellingen
from models.registers import REGISTERS, alleen_eigenaar
from models.statussen import Regelstatus
from models.tabellen import Antwoord, Bericht, Gebeurtenis, Persoon, Registerregel, Verzoek
from models.werkdagen import TIJDZONE
from notifications.opmaak import html_uit_tekst

POST = Path(__file__).parents[1] / "notifications" / "post"
START = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)
DAG2 = datetime(2027, 3, 2, 10, 0, tzinfo=TIJDZONE)
DAG3 = datetime(2027, 3, 3, 10, 0, tzinfo=TIJDZONE)
DAG10 = datetime(2027, 3, 10, 10, 0, tzinfo=TIJDZONE)
DAG11 = datetime(2027, 3, 11, 10, 0, tzinfo=TIJDZONE)


@pytest.fixture
def omg(session, db_engine, catalogus) -> Omgeving:
    """The use cases over the test database (the `session` fixture empties it afterwards)."""
    inst = Instellingen(smtp_host=None, basis_url="https://integriteit.example")
    with Session(db_engine) as s:
        importeer(
            s,
            [
                PersoonInvoer(extern_id="J1", naam="Jan Jansen", email="jan@example.org", rollen=["statenlid"]),
                PersoonInvoer(
                    extern_id="G1", naam="Greet Griffie", email="griffie@example.org", rollen=["statengriffie"]
                ),
                PersoonInvoer(
                    extern_id="C1", naam="Cor Coördinator", email="ic@example.org", rollen=["integriteitscoordinator"]
                ),
            ],
            START,
        )
        s.commit()
    omgeving = Omgeving(db_engine, catalogus, inst)
    diensten.start_ronde(omgeving, proces="nevenfuncties-statenleden", nu=START, verzenden=False)
    return omgeving


def persoon(omg: Omgeving, extern_id: str) -> Persoon:
    with omg.werk() as s:
        return s.exec(select(Persoon).where(Persoon.extern_id == extern_id)).one()


def token(omg: Omgeving, extern_id: str = "J1") -> str:
    with omg.werk() as s:
        return s.exec(select(Verzoek.token).join(Persoon).where(Persoon.extern_id == extern_id)).one()


def alle(omg: Omgeving, tabel):
    with omg.werk() as s:
        return list(s.exec(select(tabel).order_by(tabel.id)))


def beantwoord(omg: Omgeving) -> int:
    return next(r for r in diensten.rondes_status(omg) if r["proces"] == "nevenfuncties-statenleden")["beantwoord"]


def dien_in(omg: Omgeving, *, token: str, wijzigingen: list, nu: datetime, kanaal: str, toelichting=None):
    """The form's answer: entries and a toelichting, through the one road."""
    invoer = Invoer(token, kanaal=kanaal, regels=tuple(wijzigingen), tekst=toelichting)
    return een(diensten.beantwoord(omg, invoer=[invoer], nu=nu))


def geen_wijzigingen(omg: Omgeving, *, token: str, nu: datetime, kanaal: str):
    """The one-click answer, through the one road."""
    return een(diensten.beantwoord(omg, invoer=[Invoer(token, kanaal=kanaal, geen_wijzigingen=True)], nu=nu))


def een(verslag: diensten.Verslag) -> diensten.Verslag:
    verslag.uitkomst = verslag.uitkomst[0]
    return verslag


VOORZITTER = {"omschrijving": "Voorzitter", "organisatie": "Stichting Groene Heuvelrug", "sinds": "1-1-2026"}


def aanvaarde_regel(omg: Omgeving, velden: dict, nu: datetime = DAG2) -> str:
    """A new entry proposed through the page and accepted by the griffie; its regel."""
    ingediend = dien_in(omg, token=token(omg), wijzigingen=[velden], nu=nu, kanaal="web").uitkomst
    (versie_id,) = ingediend.voorstellen
    return diensten.aanvaard(omg, versie_id=versie_id, door_persoon_id=persoon(omg, "G1").id, nu=nu).uitkomst.regel


def test_geen_wijzigingen_counts_the_answer_and_a_second_click_changes_nothing(omg):
    eerste = geen_wijzigingen(omg, token=token(omg), nu=DAG2, kanaal="web")
    assert not eerste.uitkomst.al_beantwoord and eerste.uitkomst.antwoord_id is not None
    assert [(g.soort, g.aantal) for g in eerste.gebeurtenissen] == [("beantwoord", 1), ("gesloten", 1)]
    assert beantwoord(omg) == 1
    tweede = geen_wijzigingen(omg, token=token(omg), nu=DAG3, kanaal="web")
    assert tweede.uitkomst.al_beantwoord and tweede.gebeurtenissen == []
    assert len(alle(omg, Antwoord)) == 1
    assert [g.soort for g in alle(omg, Gebeurtenis)].count("register-bevestigd") == 1
    assert diensten.pagina(omg, token=token(omg), nu=DAG3).status == "beantwoord"


def test_an_edit_and_a_new_entry_become_proposals_the_eigenaar_accepts_and_history_keeps_the_old(omg):
    griffie, coordinator, jan = persoon(omg, "G1"), persoon(omg, "C1"), persoon(omg, "J1")
    regel = aanvaarde_regel(omg, VOORZITTER)
    pagina = diensten.pagina(omg, token=token(omg), nu=DAG10)
    assert [v.regel for v in pagina.regels] == [regel] and pagina.voorstellen == []
    voorgevuld = dict(pagina.regels[0].velden)
    assert voorgevuld["sinds"] == date(2026, 1, 1) and voorgevuld["bezoldigd"] is False

    ingediend = dien_in(
        omg,
        token=token(omg),
        wijzigingen=[
            {"regel": regel, **VOORZITTER, "tot": "28-2-2027"},  # ended
            {"omschrijving": "Lid raad van toezicht", "organisatie": "Museum X", "bezoldigd": "ja"},
        ],
        nu=DAG10,
        kanaal="web",
    )
    assert len(ingediend.uitkomst.voorstellen) == 2
    assert ("voorstel", 1) in [(g.soort, g.aantal) for g in ingediend.gebeurtenissen]
    assert diensten.voorstellen(omg, rollen={"statenlid"}) == []
    voorstellen = diensten.voorstellen(omg, rollen={"statengriffie"})
    assert diensten.voorstellen(omg, rollen={"integriteitscoordinator"}) == voorstellen
    assert [(v.naam, v.register_titel) for v in voorstellen] == [("Jan Jansen", "Nevenfuncties")] * 2
    wijziging, nieuw = voorstellen
    assert wijziging.oud.velden["tot"] is None and wijziging.nieuw.velden["tot"] == date(2027, 2, 28)
    assert nieuw.oud is None and nieuw.nieuw.velden["bezoldigd"] is True
    with pytest.raises(GeenBevoegdheid):
        diensten.aanvaard(omg, versie_id=nieuw.nieuw.id, door_persoon_id=jan.id, nu=DAG11)

    diensten.aanvaard(omg, versie_id=wijziging.nieuw.id, door_persoon_id=griffie.id, nu=DAG11)
    diensten.aanvaard(omg, versie_id=nieuw.nieuw.id, door_persoon_id=coordinator.id, nu=DAG11)
    with pytest.raises(AlBeoordeeld):
        diensten.aanvaard(omg, versie_id=nieuw.nieuw.id, door_persoon_id=griffie.id, nu=DAG11)

    # the ended entry is gone from the register after its end, the new one is in
    nu_register = diensten.register_op(omg, persoon_id=jan.id, register="nevenfuncties", peildatum=date(2027, 3, 11))
    assert [v.velden["omschrijving"] for v in nu_register] == ["Lid raad van toezicht"]
    # before the review the register said what it said then
    toen = diensten.register_op(omg, persoon_id=jan.id, register="nevenfuncties", peildatum=date(2027, 3, 10))
    assert [(v.regel, v.versie, v.velden["tot"]) for v in toen] == [(regel, 1, None)]
    assert diensten.register_op(omg, persoon_id=jan.id, register="nevenfuncties", peildatum=date(2027, 3, 1)) == []
    historie = diensten.geschiedenis(omg, regel=regel)
    assert [(v.versie, v.status, v.velden["tot"]) for v in historie] == [
        (1, Regelstatus.VERVANGEN, None),
        (2, Regelstatus.AANVAARD, date(2027, 2, 28)),
    ]
    assert diensten.voorstellen(omg, rollen={"statengriffie"}) == []


def test_entries_sent_back_unchanged_are_no_proposals(omg):
    regel = aanvaarde_regel(omg, VOORZITTER)
    pagina = diensten.pagina(omg, token=token(omg), nu=DAG10)
    terug = [{"regel": v.regel, **v.velden} for v in pagina.regels]  # the form posts what it was filled with
    ingediend = dien_in(omg, token=token(omg), wijzigingen=terug, nu=DAG10, kanaal="web").uitkomst
    assert ingediend.voorstellen == () and ingediend.ongewijzigd == 1 and ingediend.al_beantwoord
    assert [v.regel for v in diensten.geschiedenis(omg, regel=regel)] == [regel]


def test_a_second_proposal_for_the_same_entry_replaces_the_waiting_one(omg):
    regel = aanvaarde_regel(omg, VOORZITTER)
    for functie in ("Voorzitter a.i.", "Erevoorzitter"):
        dien_in(
            omg,
            token=token(omg),
            wijzigingen=[{"regel": regel, **VOORZITTER, "functie": functie}],
            nu=DAG10,
            kanaal="web",
        )
    assert [(v.versie, v.status) for v in diensten.geschiedenis(omg, regel=regel)] == [
        (1, Regelstatus.AANVAARD),
        (2, Regelstatus.VERVANGEN),
        (3, Regelstatus.VOORGESTELD),
    ]
    (voorstel,) = diensten.voorstellen(omg, rollen={"statengriffie"})
    assert voorstel.nieuw.velden["functie"] == "Erevoorzitter"


def test_send_back_queues_a_mail_with_the_remark_and_the_link(omg):
    ingediend = dien_in(omg, token=token(omg), wijzigingen=[VOORZITTER], nu=DAG2, kanaal="web").uitkomst
    opmerking = 'Vermeld ook of u een vergoeding krijgt. <script>alert(1)</script> & "dank"'
    terug = diensten.stuur_terug(
        omg, versie_id=ingediend.voorstellen[0], door_persoon_id=persoon(omg, "G1").id, opmerking=opmerking, nu=DAG3
    ).uitkomst
    assert terug.bericht and terug.versie.status == Regelstatus.TERUGGESTUURD and terug.versie.opmerking == opmerking
    (bericht,) = [b for b in alle(omg, Bericht) if b.soort == "teruggestuurd"]
    assert bericht.aan == "jan@example.org"
    assert opmerking in bericht.tekst  # a text mail: exactly as typed, nothing escaped
    assert f"https://integriteit.example/antwoord/{token(omg)}" in bericht.tekst
    assert "Greet Griffie" in bericht.tekst and "- Organisatie: Stichting Groene Heuvelrug" in bericht.tekst
    assert "- Sinds: 1-1-2026" in bericht.tekst
    html = bericht.html or html_uit_tekst(bericht.tekst)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    pagina = diensten.pagina(omg, token=token(omg), nu=DAG3)
    assert [v.opmerking for v in pagina.teruggestuurd] == [opmerking] and pagina.voorstellen == []
    # sending it back again: it was reviewed already
    with pytest.raises(AlBeoordeeld):
        diensten.stuur_terug(
            omg, versie_id=ingediend.voorstellen[0], door_persoon_id=persoon(omg, "G1").id, opmerking="x", nu=DAG3
        )
    # the person submits again: a new version of the same entry, waiting again
    regel = terug.versie.regel
    dien_in(
        omg, token=token(omg), wijzigingen=[{"regel": regel, **VOORZITTER, "bezoldigd": "nee"}], nu=DAG10, kanaal="web"
    )
    assert diensten.pagina(omg, token=token(omg), nu=DAG10).teruggestuurd == []
    assert [v.status for v in diensten.geschiedenis(omg, regel=regel)] == ["teruggestuurd", "voorgesteld"]


def test_invalid_input_gives_dutch_messages_per_field_and_stores_nothing(omg):
    with pytest.raises(OngeldigeInvoer) as fout:
        dien_in(
            omg,
            token=token(omg),
            wijzigingen=[
                VOORZITTER,
                {"omschrijving": "", "sinds": "2027-03-01", "tot": "1-1-2027", "bezoldigd": "misschien"},
                {"regel": "bestaat-niet", **VOORZITTER},
            ],
            nu=DAG2,
            kanaal="web",
        )
    assert fout.value.fouten == {
        (1, "omschrijving"): "Vul dit veld in.",
        (1, "bezoldigd"): "Kies ja of nee.",
        (1, "tot"): "De einddatum ligt vóór de begindatum.",
        (2, "regel"): "Deze regel staat niet in uw register; vernieuw de pagina en probeer opnieuw.",
    }
    assert "regel 2, Omschrijving: Vul dit veld in." in str(fout.value)
    assert alle(omg, Registerregel) == [] and alle(omg, Antwoord) == [] and beantwoord(omg) == 0


def test_what_people_type_is_stored_as_typed(omg):
    vreemd = '<script>alert("x")</script> & Zoon B.V. — “café” 🙂'
    ingediend = dien_in(
        omg, token=token(omg), wijzigingen=[{"omschrijving": vreemd, "organisatie": vreemd}], nu=DAG2, kanaal="web"
    ).uitkomst
    (rij,) = alle(omg, Registerregel)
    assert rij.id == ingediend.voorstellen[0]
    assert diensten.geschiedenis(omg, regel=rij.regel)[0].velden["omschrijving"] == vreemd


def test_a_person_cannot_set_what_only_the_eigenaar_fills(omg):
    assert alleen_eigenaar(REGISTERS["nevenfuncties"]) == {"beperkende_maatregel"}
    ingediend = dien_in(
        omg, token=token(omg), wijzigingen=[VOORZITTER | {"beperkende_maatregel": "geen"}], nu=DAG2, kanaal="web"
    ).uitkomst
    (voorstel,) = diensten.voorstellen(omg, rollen={"statengriffie"})
    assert voorstel.nieuw.velden["beperkende_maatregel"] is None
    # the eigenaar edits and accepts: its own version, the person's proposal kept beside it
    aanvaard = diensten.aanvaard(
        omg,
        versie_id=ingediend.voorstellen[0],
        door_persoon_id=persoon(omg, "G1").id,
        nu=DAG3,
        velden=VOORZITTER | {"beperkende_maatregel": "Geen bemoeienis met subsidies aan de stichting."},
    ).uitkomst
    assert (aanvaard.versie, aanvaard.kanaal, aanvaard.status) == (2, "eigenaar", Regelstatus.AANVAARD)
    historie = diensten.geschiedenis(omg, regel=aanvaard.regel)
    assert [(v.kanaal, v.status) for v in historie] == [("web", "vervangen"), ("eigenaar", "aanvaard")]


def test_a_gift_over_50_needs_where_it_was_handed_in_and_the_eigenaar_decides_its_destination(omg):
    jan, griffie = persoon(omg, "J1"), persoon(omg, "G1")
    cadeau = {"omschrijving": "Fles wijn", "gever": "Bouwbedrijf Y", "datum": "2-3-2027", "geschatte_waarde": "75,50"}
    with pytest.raises(OngeldigeInvoer) as fout:
        diensten.melding(omg, persoon_id=jan.id, register="geschenken", invoer=[cadeau], nu=DAG3, kanaal="web")
    assert fout.value.fouten == {
        (0, "ingeleverd_bij"): "Een geschenk van meer dan € 50 wordt gemeld en ingeleverd: vul in bij wie u het "
        "heeft ingeleverd."
    }
    gemeld = diensten.melding(
        omg,
        persoon_id=jan.id,
        register="geschenken",
        invoer=[cadeau | {"ingeleverd_bij": "Statengriffie"}],
        nu=DAG3,
        kanaal="web",
    ).uitkomst
    (voorstel,) = diensten.voorstellen(omg, rollen={"statengriffie"})  # geschenken-statenleden is the griffie's
    assert voorstel.nieuw.id == gemeld.voorstellen[0] and voorstel.nieuw.velden["geschatte_waarde"] == Decimal("75.50")
    diensten.aanvaard(
        omg,
        versie_id=voorstel.nieuw.id,
        door_persoon_id=griffie.id,
        nu=DAG10,
        velden=voorstel.nieuw.velden | {"bestemming": "Verloot onder het personeel"},
    )
    (geschenk,) = diensten.register_op(omg, persoon_id=jan.id, register="geschenken", peildatum=DAG11)
    assert geschenk.velden["bestemming"] == "Verloot onder het personeel"


def test_a_melding_sent_back_is_mailed_in_the_persons_latest_ronde_with_the_given_link(omg):
    jan = persoon(omg, "J1")
    gemeld = diensten.melding(
        omg, persoon_id=jan.id, register="nevenfuncties", invoer=[VOORZITTER], nu=DAG3, kanaal="web"
    ).uitkomst
    terug = diensten.stuur_terug(
        omg,
        versie_id=gemeld.voorstellen[0],
        door_persoon_id=persoon(omg, "C1").id,
        opmerking="Welke functie?",
        nu=DAG10,
        link="https://integriteit.example/mijn/abc",
    ).uitkomst
    assert terug.bericht
    (bericht,) = [b for b in alle(omg, Bericht) if b.soort == "teruggestuurd"]
    assert "https://integriteit.example/mijn/abc" in bericht.tekst and "Welke functie?" in bericht.tekst


def test_an_email_geen_wijzigingen_confirms_like_the_button_and_free_text_waits_for_the_eigenaar(omg):
    gemeld = diensten.melding(
        omg, persoon_id=persoon(omg, "J1").id, register="nevenfuncties", invoer=[VOORZITTER], nu=START, kanaal="web"
    ).uitkomst  # an entry in the register, and no answer yet
    griffie = persoon(omg, "G1").id
    regel = diensten.aanvaard(omg, versie_id=gemeld.voorstellen[0], door_persoon_id=griffie, nu=START).uitkomst.regel
    with omg.werk() as s:
        afhandeling = postvak.verwerk(session=s, catalogus=omg.catalogus, ruw=post(omg, "apple-mail-nl"), nu=DAG2)
    assert afhandeling.uitkomst == "geen-wijzigingen"
    (bevestigd,) = [g for g in alle(omg, Gebeurtenis) if g.soort == "register-bevestigd"]
    assert '"kanaal": "email"' in bevestigd.details
    versie_id = diensten.geschiedenis(omg, regel=regel)[0].id
    assert f'"versies": [{versie_id}]' in bevestigd.details
    # the button afterwards: answered already
    assert geen_wijzigingen(omg, token=token(omg), nu=DAG3, kanaal="web").uitkomst.al_beantwoord

    with omg.werk() as s:
        postvak.verwerk(session=s, catalogus=omg.catalogus, ruw=post(omg, "outlook-nl"), nu=DAG3)
    (tekst,) = diensten.voorstellen(omg, rollen={"statengriffie"})
    assert tekst.nieuw.velden is None and tekst.nieuw.kanaal == "email"
    assert tekst.nieuw.tekst.startswith("Sinds januari ben ik voorzitter van de Stichting Groene Heuvelrug")
    assert diensten.pagina(omg, token=token(omg), nu=DAG3).voorstellen[0].tekst == tekst.nieuw.tekst
    with pytest.raises(OngeldigeInvoer):
        diensten.aanvaard(omg, versie_id=tekst.nieuw.id, door_persoon_id=persoon(omg, "G1").id, nu=DAG10)
    aanvaard = diensten.verwerk_tekst(
        omg,
        versie_id=tekst.nieuw.id,
        door_persoon_id=persoon(omg, "G1").id,
        wijzigingen=[{"omschrijving": "Voorzitter", "organisatie": "Stichting Groene Heuvelrug", "sinds": "1-1-2027"}],
        nu=DAG10,
    ).uitkomst
    register = diensten.register_op(omg, persoon_id=persoon(omg, "J1").id, register="nevenfuncties", peildatum=DAG11)
    assert {v.id for v in register} == {versie_id, aanvaard[0].id}
    assert diensten.voorstellen(omg, rollen={"statengriffie"}) == []


def post(omg: Omgeving, naam: str) -> bytes:
    with omg.werk() as s:
        verzoek = s.exec(select(Verzoek).join(Persoon).where(Persoon.email == "jan@example.org")).one()
        message_id = s.exec(
            select(Bericht.message_id).where(Bericht.verzoek_id == verzoek.id, Bericht.soort == "verzoek")
        ).one()
    tekst = Template((POST / f"{naam}.eml").read_text(encoding="latin-1"))
    return tekst.substitute(sleutel=verzoek.token, verzoek=verzoek.id, message_id=message_id).encode("latin-1")


def test_the_page_says_what_is_asked_by_when_late_within_the_grace_period_and_closed_after_it(omg):
    pagina = diensten.pagina(omg, token=token(omg), nu=DAG2)
    assert (pagina.naam, pagina.titel, pagina.gevraagd, pagina.register, pagina.status) == (
        "Jan Jansen",
        "Actualisatie nevenfuncties Statenleden",
        "register",
        "nevenfuncties",
        "open",
    )
    assert pagina.deadline == date(2027, 3, 30)  # 29 March is Easter Monday
    assert pagina.contact == ["Greet Griffie"]
    laat = datetime(2027, 3, 31, 7, 0, tzinfo=TIJDZONE)  # after the deadline, before the watch closes the ronde
    pagina = diensten.pagina(omg, token=token(omg), nu=laat)
    assert pagina.status == "te-laat" and pagina.open_tot == date(2027, 4, 13)
    diensten.bewaak(omg, nu=datetime(2027, 3, 31, 8, 0, tzinfo=TIJDZONE), verzenden=False)  # closes the ronde
    na = datetime(2027, 4, 5, 10, 0, tzinfo=TIJDZONE)
    assert diensten.pagina(omg, token=token(omg), nu=na).status == "gesloten"
    ingediend = dien_in(omg, token=token(omg), wijzigingen=[VOORZITTER], nu=na, kanaal="web").uitkomst
    assert ingediend.te_laat and not ingediend.telt and len(ingediend.voorstellen) == 1  # kept for the eigenaar
    assert beantwoord(omg) == 0
    (voorstel,) = diensten.voorstellen(omg, rollen={"statengriffie"})
    assert voorstel.te_laat


def test_an_unknown_token_is_a_user_error(omg):
    from engine.antwoorden import OnbekendVerzoek

    with pytest.raises(OnbekendVerzoek):
        diensten.pagina(omg, token="bestaat-niet", nu=DAG2)
    with pytest.raises(OnbekendVerzoek):
        geen_wijzigingen(omg, token="", nu=DAG2, kanaal="web")


def test_staff_login_finds_one_active_person_and_who_reviews(omg):
    assert diensten.persoon_met_email(omg, email=" Griffie@Example.org ").extern_id == "G1"
    assert diensten.persoon_met_email(omg, email="niemand@example.org") is None
    assert diensten.mag_beoordelen(omg, persoon(omg, "G1"))
    assert diensten.mag_beoordelen(omg, persoon(omg, "C1"))
    assert not diensten.mag_beoordelen(omg, persoon(omg, "J1"))
    with omg.werk() as s:
        s.get(Persoon, persoon(omg, "G1").id).actief = False  # persons are never deleted, only made inactive
        s.add(Persoon(extern_id="J2", naam="Jan Tweede", email="JAN@example.org", bijgewerkt=START))
    assert diensten.persoon_met_email(omg, email="griffie@example.org") is None
    assert diensten.persoon_met_email(omg, email="jan@example.org") is None  # two persons: no guessing
    assert not diensten.mag_beoordelen(omg, persoon(omg, "G1"))
