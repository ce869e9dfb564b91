"""Each kind of incoming mail, written by the project, gets its expected outcome (on SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from string import Template

import pytest
from sqlmodel import Session, select

from engine.antwoorden import bevestig
from engine.bewaking import bewaking
from engine.catalogus import laad_catalogus
from engine.personen import PersoonInvoer, importeer
from engine.postvak import verwerk, verwerk_veilig
from engine.rondes import start_ronde
from engine.status import rondes_status
from models.tabellen import Antwoord, Bericht, Inkomend, Persoon, Verzoek
from models.werkdagen import TIJDZONE

POST = Path(__file__).parents[1] / "notifications" / "post"
START = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)
LEZEN = datetime(2027, 3, 3, 12, 0, tzinfo=TIJDZONE)

# fixture: (folder, outcome, counts as answered, what the stored answer says)
VERWACHT = {
    "outlook-nl": (
        "Verwerkt",
        "antwoord",
        True,
        "Sinds januari ben ik voorzitter van de Stichting Groene Heuvelrug (onbetaald).",
    ),
    "outlook-en-zonder-lijn": ("Verwerkt", "geen-wijzigingen", True, None),
    "gmail-nl-twee-regels": ("Verwerkt", "geen-wijzigingen", True, None),
    "gmail-en": (
        "Verwerkt",
        "antwoord",
        True,
        "I stopped as treasurer of the Utrecht Rowing Club on 1 February.\nEverything else is unchanged.",
    ),
    "apple-mail-nl": ("Verwerkt", "geen-wijzigingen", True, None),
    "apple-mail-en": ("Verwerkt", "geen-wijzigingen", True, None),
    "html-alleen": ("Verwerkt", "geen-wijzigingen", True, None),
    "iso-8859-1": (
        "Verwerkt",
        "antwoord",
        True,
        "Ik heb één nieuwe nevenfunctie: voorzitter Oranjevereniging Zeist (onbetaald), sinds 1 februari.",
    ),
    "exchange-afwezig": ("Automatisch", "afwezig", False, None),
    "gmail-afwezig": ("Automatisch", "afwezig", False, None),
    "dsn-twee-ontvangers": ("Automatisch", "bounce", False, None),
    "vervalst": ("Beoordelen", "afzender-wijkt-af", False, None),
    "plus-sleutel-weg": ("Verwerkt", "geen-wijzigingen", True, None),
    "exchange-references-komma": ("Verwerkt", "geen-wijzigingen", True, None),
    "doorgestuurd": ("Beoordelen", "doorgestuurd", False, None),
    "gesloten-ronde": ("Verwerkt", "te-laat", False, "Geen wijzigingen, sorry voor de late reactie."),
    "onbekend": ("Onbekend", "onbekend", False, None),
    # found by breaking things on purpose (the defects issue)
    "alleen-onderwerp": ("Beoordelen", "alleen-onderwerp", False, None),
    "weergavenaam-is-adres": ("Beoordelen", "afzender-onduidelijk", False, None),
    "dmarc-mislukt": ("Beoordelen", "authenticatie-mislukt", False, None),
    "bounce-vervalst": ("Automatisch", "bounce-onbekend", False, None),
    "lange-message-id": ("Verwerkt", "geen-wijzigingen", True, None),
    "nul-byte": ("Verwerkt", "antwoord", True, "Nieuw: lid van de raad van toezicht van Museum X (onbetaald)."),
    # hostile input (reliability issue): forged auto-replies, malformed MIME, line breaks in headers
    "auto-submitted-no": ("Verwerkt", "geen-wijzigingen", True, None),  # "no" is a person writing
    "precedence-bulk": ("Automatisch", "afwezig", False, None),
    "x-autoreply": ("Automatisch", "afwezig", False, None),  # even when it says "geen wijzigingen"
    "kapotte-multipart": ("Verwerkt", "geen-wijzigingen", True, None),  # no closing boundary
    "multipart-zonder-grens": ("Beoordelen", "leeg", False, None),  # nothing readable: a person looks
    "kapotte-base64": ("Verwerkt", "geen-wijzigingen", True, None),  # what decodes is read
    "onbekende-tekenset": ("Verwerkt", "geen-wijzigingen", True, None),
    "regeleinde-in-onderwerp": ("Verwerkt", "geen-wijzigingen", True, None),  # CR/LF never reaches our headers
    "regeleinde-in-naam": ("Beoordelen", "afzender-onduidelijk", False, None),  # an address hidden in the name
    "bounce-met-verzonnen-id": ("Automatisch", "bounce-onbekend", False, None),  # returns no message of ours
}


@pytest.fixture
def ronde(session, catalogus):
    importeer(
        session,
        [
            PersoonInvoer(extern_id="J1", naam="Jan Jansen", email="jan@example.org", rollen=["statenlid"]),
            PersoonInvoer(extern_id="G1", naam="Griffie", email="griffie@example.org", rollen=["statengriffie"]),
        ],
        START,
    )
    ronde = start_ronde(
        session=session, catalogus=catalogus, proces=catalogus.proces("nevenfuncties-statenleden"), nu=START
    ).ronde
    session.flush()
    return ronde


def post(session, naam: str) -> bytes:
    verzoek = session.exec(select(Verzoek).join(Persoon).where(Persoon.email == "jan@example.org")).one()
    message_id = session.exec(
        select(Bericht.message_id).where(Bericht.verzoek_id == verzoek.id, Bericht.soort == "verzoek")
    ).one()
    tekst = Template((POST / f"{naam}.eml").read_text(encoding="latin-1"))
    return tekst.substitute(sleutel=verzoek.token, verzoek=verzoek.id, message_id=message_id).encode("latin-1")


def jan(session) -> dict:
    return next(r for r in rondes_status(session) if r["proces"] == "nevenfuncties-statenleden")


@pytest.mark.parametrize("naam", sorted(VERWACHT))
def test_each_kind_of_mail_gets_its_outcome(session, catalogus, ronde, naam):
    map, uitkomst, telt, tekst = VERWACHT[naam]
    if naam == "gesloten-ronde":
        bewaking(session=session, catalogus=catalogus, nu=datetime(2027, 3, 31, 8, tzinfo=TIJDZONE))
    afhandeling = verwerk(session=session, catalogus=catalogus, ruw=post(session, naam), nu=LEZEN)
    assert (afhandeling.map, afhandeling.uitkomst) == (map, uitkomst)
    assert jan(session)["beantwoord"] == (1 if telt else 0)
    antwoord = session.exec(select(Antwoord)).first()
    if tekst is not None:
        assert antwoord.tekst == tekst
    elif telt:
        assert antwoord.geen_wijzigingen and antwoord.tekst is None
    assert session.exec(select(Inkomend.ruw)).one() == post(session, naam)  # the raw message is kept
    for bericht in session.exec(select(Bericht)).all():  # a reply's headers never inject into a message of ours
        assert not set("\r\n\x00") & set(bericht.onderwerp + bericht.aan), bericht.onderwerp


def test_reading_the_same_message_twice_changes_nothing(session, catalogus, ronde):
    eerste = verwerk(session=session, catalogus=catalogus, ruw=post(session, "outlook-nl"), nu=LEZEN)
    tweede = verwerk(session=session, catalogus=catalogus, ruw=post(session, "outlook-nl"), nu=LEZEN)
    assert eerste.nieuw and not tweede.nieuw and tweede.map == "Verwerkt"
    assert len(session.exec(select(Antwoord)).all()) == 1


def test_a_bounce_marks_every_final_recipient_and_tells_the_eigenaar(session, catalogus, ronde):
    verwerk(session=session, catalogus=catalogus, ruw=post(session, "dsn-twee-ontvangers"), nu=LEZEN)
    assert session.exec(select(Persoon.onbestelbaar).where(Persoon.email == "jan@example.org")).one()
    melding = session.exec(select(Bericht).where(Bericht.soort == "melding")).one()
    assert melding.aan == "griffie@example.org" and "jan@example.org" in melding.tekst


def test_a_genuine_answer_gets_a_short_confirmation(session, catalogus, ronde):
    verwerk(session=session, catalogus=catalogus, ruw=post(session, "gmail-nl-twee-regels"), nu=LEZEN)
    ontvangst = session.exec(select(Bericht).where(Bericht.soort == "ontvangst")).one()
    assert ontvangst.aan == "jan@example.org" and "niets is gewijzigd" in ontvangst.tekst


@pytest.fixture
def eigenaarstaak(session, catalogus) -> Verzoek:
    """The griffie's task to put integrity on the September agenda of PS (a stap that waits for a date), after
    the cvdK confirmed the consultation of the fractievoorzitters."""
    importeer(
        session,
        [
            PersoonInvoer(extern_id="G1", naam="Griffie", email="griffie@example.org", rollen=["statengriffie"]),
            PersoonInvoer(extern_id="C1", naam="Commissaris", email="cvdk@example.org", rollen=["cvdk"]),
            PersoonInvoer(
                extern_id="I1", naam="Coördinator", email="ic@example.org", rollen=["integriteitscoordinator"]
            ),
        ],
        START,
    )
    overleg = start_ronde(
        session=session,
        catalogus=catalogus,
        proces=catalogus.proces("agendering-integriteit-ps"),
        nu=datetime(2027, 5, 18, 9, 30, tzinfo=TIJDZONE),
    ).ronde
    bevestig(session=session, catalogus=catalogus, proces=overleg.proces, nu=JUNI, datum=date(2027, 6, 1), kanaal="cli")
    session.flush()
    return session.exec(select(Verzoek).join(Persoon).where(Persoon.email == "griffie@example.org")).one()


JUNI = datetime(2027, 6, 2, 12, tzinfo=TIJDZONE)


def bevestiging_per_mail(verzoek: Verzoek, tekst: str) -> bytes:
    return (
        f"From: griffie@example.org\nTo: integriteit+{verzoek.token}@example.nl\nSubject: Re: agenda\n"
        f"Message-ID: <bevestiging@example.org>\n\n{tekst}\n"
    ).encode()


def agendering(session) -> dict:
    return next(
        r for r in rondes_status(session) if r["proces"] == "agendering-integriteit-ps" and r["stap"] == "agendering"
    )


def test_an_owner_confirms_by_email_with_the_date_in_the_reply(session, catalogus, eigenaarstaak):
    ruw = bevestiging_per_mail(eigenaarstaak, "Staat op de agenda van de PS-vergadering van 27 september 2027.")
    verwerk(session=session, catalogus=catalogus, ruw=ruw, nu=JUNI)
    assert session.exec(select(Antwoord.datum).where(Antwoord.verzoek_id == eigenaarstaak.id)).one() == date(
        2027, 9, 27
    )
    assert agendering(session)["status"] == "voltooid"


def test_a_confirmed_meeting_outside_september_is_not_counted_and_goes_to_the_coordinator(
    session, catalogus, eigenaarstaak
):
    ruw = bevestiging_per_mail(eigenaarstaak, "Staat op de agenda van de PS-vergadering van 4 oktober 2027.")
    verwerk(session=session, catalogus=catalogus, ruw=ruw, nu=JUNI)
    assert session.exec(select(Antwoord.datum).where(Antwoord.verzoek_id == eigenaarstaak.id)).one() == date(
        2027, 10, 4
    )
    assert (agendering(session)["status"], agendering(session)["beantwoord"]) == ("lopend", 0)
    melding = session.exec(select(Bericht).where(Bericht.soort == "buiten-periode")).one()
    assert melding.aan == "ic@example.org"
    assert "met de datum maandag 4 oktober 2027. Die datum valt niet in september" in melding.tekst


@pytest.mark.parametrize("tekst", ["Is geregeld, staat op de agenda.", "Staat op de agenda van 18 mei."])
def test_an_owners_confirmation_without_a_full_date_waits_for_the_coordinator(session, catalogus, eigenaarstaak, tekst):
    ruw = bevestiging_per_mail(eigenaarstaak, tekst)
    afhandeling = verwerk(session=session, catalogus=catalogus, ruw=ruw, nu=JUNI)
    assert (afhandeling.map, afhandeling.uitkomst) == ("Beoordelen", "zonder-datum")
    assert session.exec(select(Antwoord).where(Antwoord.verzoek_id == eigenaarstaak.id)).all() == []
    assert agendering(session)["status"] == "lopend"


def test_a_forged_bounce_marks_nobody_undeliverable(session, catalogus, ronde):
    verwerk(session=session, catalogus=catalogus, ruw=post(session, "bounce-vervalst"), nu=LEZEN)
    assert not any(session.exec(select(Persoon.onbestelbaar)).all())
    assert session.exec(select(Bericht).where(Bericht.soort == "melding")).all() == []


def test_a_bounce_marks_only_the_addresses_our_message_went_to(session, catalogus, ronde):
    importeer(
        session,
        [
            PersoonInvoer(extern_id="J1", naam="Jan Jansen", email="jan@example.org", rollen=["statenlid"]),
            PersoonInvoer(extern_id="G1", naam="Griffie", email="griffie@example.org", rollen=["statengriffie"]),
            PersoonInvoer(extern_id="O1", naam="Oud Lid", email="oud-lid@example.org", rollen=["medewerker"]),
        ],
        START,
    )
    verwerk(session=session, catalogus=catalogus, ruw=post(session, "dsn-twee-ontvangers"), nu=LEZEN)
    onbestelbaar = session.exec(select(Persoon.email).where(Persoon.onbestelbaar)).all()
    assert onbestelbaar == ["jan@example.org"]  # oud-lid@ is in the report, but our message never went there


def test_a_message_that_cannot_be_handled_goes_to_beoordelen_and_the_next_one_still_counts(
    session, catalogus, ronde, db_engine, tmp_path
):
    session.commit()
    zonder = tmp_path / "processen"
    shutil.copytree(catalogus.map, zonder)
    (zonder / "nevenfuncties-statenleden.yaml").unlink()  # the spec was removed while replies come in
    kaal = laad_catalogus(zonder)
    kapot = post(session, "outlook-nl")
    assert verwerk_veilig(engine=db_engine, catalogus=kaal, ruw=kapot, nu=LEZEN) == "Beoordelen"
    assert verwerk_veilig(engine=db_engine, catalogus=kaal, ruw=kapot, nu=LEZEN) == "Beoordelen"  # read again
    assert verwerk_veilig(engine=db_engine, catalogus=catalogus, ruw=post(session, "gmail-en"), nu=LEZEN) == "Verwerkt"
    with Session(db_engine) as s:
        uitkomsten = s.exec(select(Inkomend.uitkomst, Inkomend.tekst).order_by(Inkomend.id)).all()
    assert [u for u, _ in uitkomsten] == ["onleesbaar", "antwoord"]
    assert uitkomsten[0][1].startswith("OnbekendProces: geen proces 'nevenfuncties-statenleden'")
    assert jan(session)["beantwoord"] == 1
