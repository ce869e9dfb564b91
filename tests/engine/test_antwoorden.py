"""One road for an answer: the same answer, given at the same moment through any channel, leaves the same register,
proposals, receipt and audit trail (apart from the channel itself), on SQLite and PostgreSQL. Each channel is
driven through its real shell: the web form and the one-click button through the app, a reply through the
postvak's handling of a real message, `integriteit antwoord` through the command line."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from cli.main import app
from engine import diensten, postvak
from engine.diensten import Omgeving
from engine.personen import PersoonInvoer, importeer
from models.instellingen import Instellingen, instellingen
from models.tabellen import Antwoord, Bericht, Gebeurtenis, Persoon, Registerregel, Verzoek
from models.werkdagen import TIJDZONE
from tests.web.hulp import GEHEIM, csrf, klant, leeg
from web.registerformulier import veld_id

START = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)  # deadline 30 March (29 March is Easter Monday)
MOMENTEN = {
    "voor-de-deadline": (datetime(2027, 3, 10, 10, 0, tzinfo=TIJDZONE), True),
    "te-laat-binnen-de-nagrace": (datetime(2027, 3, 31, 7, 0, tzinfo=TIJDZONE), True),  # before the watch closes
    "na-de-nagrace": (datetime(2027, 4, 20, 10, 0, tzinfo=TIJDZONE), False),  # the watch never ran: still lopend
    "ronde-gesloten": (datetime(2027, 4, 5, 10, 0, tzinfo=TIJDZONE), False),
}
TEKST = "Sinds januari lid van de raad van advies van Museum X; ik wist niet in welk vak dat moet."
REGEL = {"omschrijving": "Voorzitter", "organisatie": "Stichting Groene Heuvelrug", "sinds": "2026-01-01"}
KANALEN = {  # what each channel can say
    "geen-wijzigingen": ["een-klik", "formulier", "email", "cli"],
    "vrije-tekst": ["formulier", "email", "cli"],  # the form's toelichting alone is free text
    "regel-met-toelichting": ["formulier", "cli"],
}
runner = CliRunner()


@pytest.fixture
def omg(db_engine, catalogus, monkeypatch):
    """A ronde of nevenfuncties for one Statenlid per channel, and one who never answers."""
    monkeypatch.setenv("INTEGRITEIT_DATABASE_URL", db_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("INTEGRITEIT_GEHEIM", GEHEIM)
    instellingen.cache_clear()
    omgeving = Omgeving(
        db_engine, catalogus, Instellingen(smtp_host=None, basis_url="http://testserver", geheim=GEHEIM)
    )
    with Session(db_engine) as s:
        statenleden = ["een-klik", "formulier", "email", "cli", "zwijgt"]
        importeer(
            s,
            [PersoonInvoer(extern_id=n, naam=n, email=f"{n}@example.org", rollen=["statenlid"]) for n in statenleden]
            + [PersoonInvoer(extern_id="G1", naam="Griffie", email="griffie@example.org", rollen=["statengriffie"])],
            START,
        )
        s.commit()
    diensten.start_ronde(omgeving, proces="nevenfuncties-statenleden", nu=START, verzenden=False)
    yield omgeving
    leeg(db_engine)
    instellingen.cache_clear()


def token(omg: Omgeving, naam: str) -> str:
    with Session(omg.engine) as s:
        return s.exec(select(Verzoek.token).join(Persoon).where(Persoon.naam == naam)).one()


def een_klik(omg, nu, wat):
    c = klant(omg, nu)
    pad = f"/antwoord/{token(omg, 'een-klik')}/geen-wijzigingen"
    assert c.post(pad, data={"csrf": csrf(c.get(pad).text)}).status_code == 200


def formulier(omg, nu, wat):
    c = klant(omg, nu)
    pad = f"/antwoord/{token(omg, 'formulier')}"
    gegevens = {"csrf": csrf(c.get(pad).text), "nieuw": "1", "actie": "versturen"}
    if wat != "geen-wijzigingen":
        gegevens["toelichting"] = TEKST
    if wat == "regel-met-toelichting":
        gegevens |= {veld_id(0, k): v for k, v in REGEL.items()}
    assert c.post(pad, data=gegevens).status_code == 303


def email(omg, nu, wat):
    bericht = EmailMessage()
    bericht["From"], bericht["To"] = "email@example.org", f"integriteit+{token(omg, 'email')}@example.nl"
    bericht["Subject"], bericht["Message-ID"] = "Re: Actualisatie nevenfuncties", "<1@example.org>"
    bericht.set_content(("Geen wijzigingen." if wat == "geen-wijzigingen" else TEKST) + "\n\n> Beste,\n")
    with Session(omg.engine) as s:
        postvak.verwerk(session=s, catalogus=omg.catalogus, ruw=bytes(bericht), nu=nu)
        s.commit()


def cli(omg, nu, wat):
    opties = {
        "geen-wijzigingen": ["--geen-wijzigingen"],
        "vrije-tekst": ["--tekst", TEKST],
        "regel-met-toelichting": ["--regel", json.dumps(REGEL), "--tekst", TEKST],
    }[wat]
    uitkomst = runner.invoke(
        app, ["antwoord", token(omg, "cli"), *opties, "--nu", nu.isoformat(), "--processen", str(omg.catalogus.map)]
    )
    assert uitkomst.exit_code == 0, uitkomst.output


SHELLS = {"een-klik": een_klik, "formulier": formulier, "email": email, "cli": cli}
KANAAL = {"kanaal", "door", "antwoord_id", "versies", "inkomend_id", "herkend_via", "uitkomst"}


def uitkomst(omg: Omgeving, naam: str) -> dict:
    """Everything an answer left for one person, without what names the channel, the person or row ids."""
    with Session(omg.engine) as s:
        verzoek = s.exec(select(Verzoek).join(Persoon).where(Persoon.naam == naam)).one()
        gebeurtenissen = s.exec(
            select(Gebeurtenis).where(Gebeurtenis.verzoek_id == verzoek.id).order_by(Gebeurtenis.id)
        ).all()
        ontvangst = s.exec(select(Bericht).where(Bericht.verzoek_id == verzoek.id, Bericht.soort == "ontvangst")).all()
        stand = {
            "verzoek": verzoek.status,
            "antwoorden": [
                (a.te_laat, a.geen_wijzigingen, a.tekst)
                for a in s.exec(select(Antwoord).where(Antwoord.verzoek_id == verzoek.id))
            ],
            "register": [
                (r.status, r.velden, r.tekst)
                for r in s.exec(select(Registerregel).where(Registerregel.persoon_id == verzoek.persoon_id))
            ],
            "ontvangst": [(b.onderwerp, (b.tekst or "").replace(naam, "X")) for b in ontvangst],
            "audit": [
                (g.soort, {k: v for k, v in json.loads(g.details or "{}").items() if k not in KANAAL})
                for g in gebeurtenissen
                if g.soort not in ("bericht-ontvangen", "bericht-klaargezet")
            ],
        }
    stand["voorstellen"] = [
        (v.nieuw.velden, v.nieuw.tekst, v.toelichting, v.te_laat)
        for v in diensten.voorstellen(omg, rollen={"statengriffie"})
        if v.naam == naam
    ]
    return stand


@pytest.mark.parametrize("wat", list(KANALEN))
@pytest.mark.parametrize("wanneer", list(MOMENTEN))
def test_every_channel_gives_the_same_answer_the_same_outcome(omg, wanneer, wat):
    nu, telt = MOMENTEN[wanneer]
    if wanneer == "ronde-gesloten":
        diensten.bewaak(omg, nu=datetime(2027, 3, 31, 8, 0, tzinfo=TIJDZONE), verzenden=False)
    for kanaal in KANALEN[wat]:
        SHELLS[kanaal](omg, nu, wat)

    uitkomsten = {kanaal: uitkomst(omg, kanaal) for kanaal in KANALEN[wat]}
    eerste, *andere = uitkomsten.values()
    for kanaal, stand in zip(KANALEN[wat][1:], andere, strict=True):
        assert stand == eerste, kanaal

    assert eerste["verzoek"] == ("beantwoord" if telt else ("open" if wanneer == "na-de-nagrace" else "verlopen"))
    assert [a[0] for a in eerste["antwoorden"]] == [not telt]  # recorded once; te_laat: kept, not counted
    assert len(eerste["ontvangst"]) == 1 and ("te laat om nog mee te tellen" in eerste["ontvangst"][0][1]) == (not telt)
    soorten = [s for s, _ in eerste["audit"]]
    assert ("antwoord" if telt else "antwoord-te-laat") in soorten
    if wat == "geen-wijzigingen":
        assert "register-bevestigd" in soorten and eerste["voorstellen"] == []
    elif wat == "vrije-tekst":  # free text waits for the eigenaar to turn into entries
        assert eerste["voorstellen"] == [(None, TEKST, None, not telt)]
    else:  # the toelichting travels with the entry
        [(velden, tekst, toelichting, te_laat)] = eerste["voorstellen"]
        assert (velden["omschrijving"], tekst, toelichting, te_laat) == ("Voorzitter", None, TEKST, not telt)
