"""The daily watch removes personal data past its retention period (raw mails, answers' free text, audit details,
the registers of persons who left), records that it did with counts only, and breaks nothing: a mail read again
is still recognised, the audit chain still verifies (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from string import Template

import pytest
from sqlmodel import select

from engine import auditketen
from engine.bewaking import bewaking
from engine.personen import PersoonInvoer, importeer
from engine.postvak import verwerk
from engine.rondes import start_ronde
from models.instellingen import Instellingen
from models.statussen import Regelstatus
from models.tabellen import Antwoord, Bericht, Gebeurtenis, Inkomend, Persoon, Registerregel, Verzoek
from models.werkdagen import TIJDZONE

POST = Path(__file__).parents[1] / "notifications" / "post"
START = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)
LEZEN = datetime(2027, 3, 3, 12, 0, tzinfo=TIJDZONE)
VERTREK = datetime(2027, 3, 4, 9, 0, tzinfo=TIJDZONE)
INST = Instellingen()

BLIJVER = PersoonInvoer(extern_id="J1", naam="Jan Jansen", email="jan@example.org", rollen=["statenlid"])
GRIFFIE = PersoonInvoer(extern_id="G1", naam="Griffie", email="griffie@example.org", rollen=["statengriffie"])
VERTREKKER = PersoonInvoer(extern_id="L1", naam="Lies Lensen", email="lies@example.org", rollen=["statenlid"])


@pytest.fixture
def org(session, catalogus):
    """Jan answered by mail with free text; Lies, with a register entry of her own, left the day after."""
    importeer(session, [BLIJVER, GRIFFIE, VERTREKKER], START)
    proces = catalogus.proces("nevenfuncties-statenleden")
    start_ronde(session=session, catalogus=catalogus, proces=proces, nu=START)
    session.flush()
    assert verwerk(session=session, catalogus=catalogus, ruw=antwoord_van_jan(session), nu=LEZEN).nieuw
    lies = session.exec(select(Persoon).where(Persoon.extern_id == "L1")).one()
    session.add(
        Registerregel(
            regel="lies-1",
            versie=1,
            persoon_id=lies.id,
            register_naam="nevenfuncties",
            velden=json.dumps({"omschrijving": "Voorzitter van de Stichting Y"}),
            status=Regelstatus.AANVAARD,
            ingediend=START,
            kanaal="cli",
        )
    )
    importeer(session, [BLIJVER, GRIFFIE], VERTREK)
    session.flush()
    return session


def antwoord_van_jan(session) -> bytes:
    verzoek = session.exec(select(Verzoek).join(Persoon).where(Persoon.email == "jan@example.org")).one()
    message_id = session.exec(
        select(Bericht.message_id).where(Bericht.verzoek_id == verzoek.id, Bericht.soort == "verzoek")
    ).one()
    tekst = Template((POST / "outlook-nl.eml").read_text(encoding="latin-1"))
    return tekst.substitute(sleutel=verzoek.token, verzoek=verzoek.id, message_id=message_id).encode("latin-1")


def dagen_na(moment: datetime, dagen: int) -> datetime:
    return moment + timedelta(days=dagen, hours=1)


def registers_van(session, extern_id: str) -> int:
    return len(
        session.exec(
            select(Registerregel.id)
            .join(Persoon, Persoon.id == Registerregel.persoon_id)
            .where(Persoon.extern_id == extern_id)
        ).all()
    )


def opruimingen(session) -> list[dict]:
    """What each pass that purged anything recorded."""
    rijen = session.exec(select(Gebeurtenis).where(Gebeurtenis.soort == "bewaartermijn").order_by(Gebeurtenis.id))
    return [json.loads(g.details) for g in rijen if g.details]


def test_a_raw_mail_is_emptied_after_its_period_and_still_recognised_when_read_again(org, catalogus):
    bewaking(session=org, catalogus=catalogus, nu=dagen_na(LEZEN, INST.bewaar_ruwe_mail_dagen - 1))
    assert org.exec(select(Inkomend.ruw)).one() == antwoord_van_jan(org)
    bewaking(session=org, catalogus=catalogus, nu=dagen_na(LEZEN, INST.bewaar_ruwe_mail_dagen))
    inkomend = org.exec(select(Inkomend)).one()
    assert inkomend.ruw == b"" and inkomend.message_id and inkomend.uitkomst == "antwoord"
    assert inkomend.tekst  # the answer's text has a retention period of its own
    again = verwerk(session=org, catalogus=catalogus, ruw=antwoord_van_jan(org), nu=dagen_na(LEZEN, 100))
    assert not again.nieuw
    assert len(org.exec(select(Antwoord)).all()) == 1
    assert opruimingen(org) == [{"ruwe-mails": 1}]


def test_answers_free_text_goes_after_its_period(org, catalogus):
    voorstel = org.exec(select(Registerregel).where(Registerregel.tekst.is_not(None))).one()
    voorstel.status = Regelstatus.AANVAARD  # the eigenaar made Jan's text into entries
    bewaking(session=org, catalogus=catalogus, nu=dagen_na(LEZEN, INST.bewaar_antwoordtekst_dagen - 1))
    assert org.exec(select(Antwoord.tekst)).one()
    bewaking(session=org, catalogus=catalogus, nu=dagen_na(LEZEN, INST.bewaar_antwoordtekst_dagen))
    antwoord = org.exec(select(Antwoord)).one()
    assert antwoord.tekst is None and antwoord.ontvangen and org.exec(select(Inkomend.tekst)).one() is None
    assert registers_van(org, "J1") == 0
    assert opruimingen(org)[-1] == {"antwoordteksten": 3}


def test_a_free_text_the_eigenaar_has_not_decided_on_stays(org, catalogus):
    bewaking(session=org, catalogus=catalogus, nu=dagen_na(LEZEN, INST.bewaar_antwoordtekst_dagen))
    assert registers_van(org, "J1") == 1


def test_audit_details_go_after_their_period_and_the_chain_still_verifies(org, catalogus):
    org.commit()
    voor = org.exec(select(Gebeurtenis.id).where(Gebeurtenis.details.is_not(None))).all()
    bewaking(session=org, catalogus=catalogus, nu=dagen_na(VERTREK, INST.bewaar_auditdetails_dagen))
    org.commit()
    oud = org.exec(select(Gebeurtenis).where(Gebeurtenis.id.in_(voor))).all()
    assert oud and all(g.details is None and g.details_digest for g in oud)
    assert opruimingen(org)[-1]["auditdetails"] >= len(voor)
    assert auditketen.controleer(org).breuk is None


def test_the_register_of_a_person_who_left_goes_after_its_period(org, catalogus):
    bewaking(session=org, catalogus=catalogus, nu=dagen_na(VERTREK, INST.bewaar_register_dagen - 1))
    assert registers_van(org, "L1") == 1
    bewaking(session=org, catalogus=catalogus, nu=dagen_na(VERTREK, INST.bewaar_register_dagen))
    assert registers_van(org, "L1") == 0
    assert registers_van(org, "J1") == 1  # Jan's proposal by mail: he is still here
    assert org.exec(select(Persoon.naam).where(Persoon.extern_id == "L1")).one()
    assert opruimingen(org)[-1]["registerregels"] == 1


def test_the_purge_records_counts_only(org, catalogus):
    bewaking(session=org, catalogus=catalogus, nu=dagen_na(VERTREK, 5 * 365))
    [opruiming] = opruimingen(org)
    assert set(opruiming) == {"ruwe-mails", "antwoordteksten", "auditdetails", "registerregels"}
    assert all(isinstance(n, int) for n in opruiming.values())
