"""`integriteit voorbeeld` for the whole catalogue: every message every stap sends renders, in Dutch, and asks what
the plan asks of that person (no "geen wijzigingen" where nothing is registered)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from engine.catalogus import STANDAARD_MAP, laad_catalogus
from engine.diensten import voorbeeld
from engine.personen import PersoonInvoer, importeer
from engine.persoonsrondes import start_melding
from models.tabellen import Bericht, Persoon
from models.werkdagen import TIJDZONE

NU = datetime(2027, 1, 4, 9, tzinfo=TIJDZONE)
CATALOGUS = laad_catalogus(STANDAARD_MAP)
STAPPEN = [(p.id, s) for p in CATALOGUS.processen for s in p.alle_stappen]


def soorten(stap) -> list[str]:
    eigen = ["taak" if stap.voltooiing == "bevestiging" else "verzoek", "ontvangst"]
    return eigen + ["herinnering"] * bool(stap.herinneringen) + ["escalatie"] * bool(stap.escalatie)


@pytest.mark.parametrize(("proces", "stap"), STAPPEN, ids=[f"{p}-{s.id or ''}" for p, s in STAPPEN])
def test_every_message_of_every_stap_renders_in_dutch(proces, stap):
    for soort in soorten(stap):
        bericht = voorbeeld(CATALOGUS, proces=proces, stap=stap.id, soort=soort, nu=NU)
        assert bericht.tekst.startswith("Beste ") and "Met vriendelijke groet," in bericht.tekst, (soort, bericht.tekst)
        assert '<html lang="nl">' in bericht.html and "{{" not in bericht.tekst + bericht.html
        assert CATALOGUS.proces(proces).titel in bericht.onderwerp


@pytest.mark.parametrize(("proces", "stap"), STAPPEN, ids=[f"{p}-{s.id or ''}" for p, s in STAPPEN])
def test_each_stap_asks_in_a_text_of_its_own_and_only_a_register_asks_for_no_changes(proces, stap):
    for soort in ("verzoek", "herinnering"):
        bericht = voorbeeld(CATALOGUS, proces=proces, stap=stap.id, soort=soort, nu=NU)
        assert ("geen wijzigingen" in bericht.tekst.lower()) == (
            stap.register_naam in ("nevenfuncties", "financiele-belangen")
        )
    assert not voorbeeld(CATALOGUS, proces=proces, stap=stap.id, nu=NU).sjabloon.startswith("standaard/")


def test_the_staff_side_jobs_text_is_yearly_and_not_public_below_schaal_14():
    tekst = voorbeeld(CATALOGUS, proces="nevenfuncties-medewerkers", nu=NU).tekst
    assert "Eens per jaar" in tekst and "niet openbaar" in tekst and "salarisschaal 14" in tekst
    assert "half jaar" not in tekst and "q.q." not in tekst


def test_the_confirmer_is_asked_per_person_and_the_subject_names_the_person():
    bericht = voorbeeld(CATALOGUS, proces="kieslijsten-gesprek", nu=NU)
    assert bericht.aan.startswith("Commissaris van de Koning (cvdk), één bericht per persoon uit:")
    assert bericht.onderwerp.endswith(": Voorbeeld Persoon [IP-123]")
    assert "Beste Voorbeeld Bevestiger," in bericht.tekst


def test_a_proces_that_starts_with_a_person_shows_a_ronde_started_on_the_next_working_day():
    bericht = voorbeeld(CATALOGUS, proces="ambtseed", nu=datetime(2027, 1, 8, 9, tzinfo=TIJDZONE))  # a Friday
    assert "Beste Voorbeeld Bevestiger," in bericht.tekst and "ambtseed of -belofte" in bericht.tekst
    assert "(uiterlijk maandag 12 april 2027)" in bericht.onderwerp  # started Monday 11 January, termijn P3M


def test_the_dates_are_those_of_the_next_ronde():
    bericht = voorbeeld(CATALOGUS, proces="agendering-integriteit-ps", stap="agendering", nu=NU)
    assert "(uiterlijk woensdag 6 oktober 2027)" in bericht.onderwerp


@pytest.mark.parametrize("proces", ["melding-geschenk-statenleden", "melding-geschenk-gs"])
def test_voorbeeld_names_the_roles_a_melding_is_really_sent_to(session, proces):
    spec = CATALOGUS.proces(proces)
    melder = spec.ontvangers(spec.alle_stappen[0]).rollen[0]
    importeer(
        session,
        [
            PersoonInvoer(extern_id="M1", naam="Melder", email="melder@example.org", rollen=[melder]),
            PersoonInvoer(extern_id="E1", naam="Eigenaar", email="eigenaar@example.org", rollen=[spec.eigenaar]),
        ],
        NU,
    )
    melder_id = session.exec(select(Persoon.id).where(Persoon.extern_id == "M1")).one()
    start_melding(session, catalogus=CATALOGUS, persoon_id=melder_id, register="geschenken", nu=NU)
    verzonden_aan = session.exec(select(Bericht.aan).where(Bericht.soort == "verzoek")).one()
    assert session.exec(select(Persoon.rollen).where(Persoon.email == verzonden_aan)).one() == spec.eigenaar
    aan = f"ieder(e) {CATALOGUS.rollen.rollen[spec.eigenaar]} ({spec.eigenaar}), over één "
    assert voorbeeld(CATALOGUS, proces=proces, nu=NU).aan.startswith(aan)
