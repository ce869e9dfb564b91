"""Obligations that start with a person, with the project's own processen: a joiner's ambtseed and
nevenwerkzaamheden on the next working day, once; an election's newcomers asked within the termijn while the
leavers' public entries end; a vertrouwenspersoon's own term; a reported gift reviewed at once; on SQLite and
PostgreSQL."""

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from engine import diensten
from engine.antwoorden import Invoer, OnbekendVerzoek
from engine.bewaking import bewaking
from engine.diensten import Omgeving
from engine.personen import importeer, lees_bestand
from engine.persoonsrondes import Levenslopen, start_persoonsrondes
from models.instellingen import Instellingen
from models.statussen import RondeStatus, VerzoekStatus
from models.tabellen import Bericht, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE

KOP = "extern_id,naam,email,rollen,functie,inhuur,ambtseed,in_dienst,uit_dienst,benoemd\n"
STAF = (
    "P1,Piet Personeelszaken,po@demo.example,po,Adviseur P&O,nee,ja,,,\n"
    "M1,Mia Matchpoint,matchpoint@demo.example,matchpoint,Adviseur instroom,nee,ja,,,\n"
    "C1,Cor Coördinator,ic@demo.example,integriteitscoordinator,Integriteitscoördinator,nee,ja,,,\n"
    "G1,Greet Griffie,griffie@demo.example,statengriffie,Griffier,nee,ja,,,\n"
    "A1,Ada Ambtenaar,ada@demo.example,medewerker,Jurist,nee,ja,,,\n"
)
ZITTEND = "".join(f"S{i},Statenlid {i},s{i}@demo.example,statenlid,,nee,nee,,,\n" for i in range(1, 6))


def om(tekst: str) -> datetime:
    return datetime.fromisoformat(tekst).replace(tzinfo=TIJDZONE)


@pytest.fixture
def importeer_csv(session, catalogus, tmp_path):
    rollen = set(catalogus.rollen.rollen)

    def doe(tekst: str, nu: str) -> None:
        pad = tmp_path / "hr.csv"
        pad.write_text(KOP + tekst, encoding="utf-8")
        importeer(session, lees_bestand(pad, rollen), om(nu))
        session.flush()

    return doe


def rondes(session, proces: str) -> list[tuple[str, date, list[str]]]:
    """(whom the ronde is for, its start, who was asked) per ronde of `proces`."""
    uitkomst = []
    for ronde in session.exec(select(Ronde).where(Ronde.proces == proces, Ronde.stapnummer == 0).order_by(Ronde.id)):
        betreft = session.get(Persoon, ronde.persoon_id)
        gevraagd = session.exec(
            select(Persoon.extern_id)
            .join(Verzoek, Verzoek.persoon_id == Persoon.id)
            .where(Verzoek.ronde_id == ronde.id)
        ).all()
        uitkomst.append((betreft.extern_id, ronde.startdatum, sorted(gevraagd)))
    return uitkomst


NIEUW = "N1,Noor Nieuw,noor@demo.example,medewerker,Beleidsmedewerker,nee,nee,,,\n"


def test_a_joiner_is_asked_for_the_ambtseed_and_nevenwerkzaamheden_on_the_next_working_day_once(
    session, catalogus, importeer_csv
):
    importeer_csv(STAF, "2027-03-01T08:00")
    importeer_csv(STAF + NIEUW, "2027-03-05T10:00")  # a Friday
    bewaking(session=session, catalogus=catalogus, nu=om("2027-03-05T16:00"))
    assert rondes(session, "ambtseed") == []  # not on the day itself

    bewaking(session=session, catalogus=catalogus, nu=om("2027-03-08T07:00"))  # Monday, the watch at seven
    assert rondes(session, "ambtseed") == []  # the ronde starts at nine
    bewaking(session=session, catalogus=catalogus, nu=om("2027-03-08T09:30"))
    importeer_csv(STAF + NIEUW, "2027-03-08T10:00")  # the same file again
    bewaking(session=session, catalogus=catalogus, nu=om("2027-03-09T09:30"))

    assert rondes(session, "ambtseed") == [("N1", date(2027, 3, 8), ["N1"])]
    assert rondes(session, "nevenwerkzaamheden-indiensttreding") == [("N1", date(2027, 3, 8), ["N1"])]
    assert rondes(session, "geheimhoudingsverklaring-inhuur") == []


def test_the_oath_taker_confirms_per_new_employee_with_the_date(session, catalogus, importeer_csv):
    importeer_csv(STAF, "2027-03-01T08:00")
    importeer_csv(STAF + NIEUW, "2027-03-05T10:00")
    bewaking(session=session, catalogus=catalogus, nu=om("2027-03-08T09:30"))
    [(verzoek, ronde)] = session.exec(select(Verzoek, Ronde).join(Ronde).where(Ronde.proces == "ambtseed")).all()
    [bericht] = session.exec(select(Bericht).where(Bericht.verzoek_id == verzoek.id)).all()
    assert bericht.aan == "matchpoint@demo.example" and "Noor Nieuw" in bericht.onderwerp  # the oath-taker
    omg = Omgeving(session.get_bind(), catalogus, Instellingen(smtp_host=None))
    session.commit()

    diensten.beantwoord(
        omg,
        invoer=[Invoer(verzoek.token, kanaal="web", datum=date(2027, 4, 15), kenmerk="ambtseed april")],
        nu=om("2027-04-15T16:00"),
        verzenden=False,
    )

    [status] = [r for r in diensten.rondes_status(omg) if r["proces"] == "ambtseed"]
    assert (status["status"], status["betreft"]) == (RondeStatus.VOLTOOID, "Beleidsmedewerker")
    assert status["bevestigd"] == [{"persoon": "Noor Nieuw", "datum": "2027-04-15"}]


def test_a_hired_joiner_signs_the_confidentiality_declaration_instead_of_the_oath(session, catalogus, importeer_csv):
    importeer_csv(STAF, "2027-03-01T08:00")
    importeer_csv(
        STAF + "I1,Ivo Inhuur,ivo@demo.example,medewerker,Projectleider,ja,nee,2027-03-03,,\n", "2027-03-04T10:00"
    )
    bewaking(session=session, catalogus=catalogus, nu=om("2027-03-04T10:30"))  # the day after joining

    assert rondes(session, "geheimhoudingsverklaring-inhuur") == [("I1", date(2027, 3, 4), ["I1"])]
    assert rondes(session, "ambtseed") == []
    assert rondes(session, "nevenwerkzaamheden-indiensttreding") == [("I1", date(2027, 3, 4), ["I1"])]


def test_a_watch_that_missed_days_starts_what_leaves_half_the_termijn_and_the_coordinator_starts_the_rest(
    session, catalogus, importeer_csv
):
    importeer_csv(STAF, "2027-01-04T08:00")
    laat = (
        "L1,Lars Laat,lars@demo.example,medewerker,Jurist,nee,nee,2027-01-04,,\n"
        "V1,Vera Vorige,vera@demo.example,medewerker,Archivaris,nee,nee,2027-02-08,,\n"
    )
    importeer_csv(STAF + NIEUW + laat, "2027-03-01T10:00")
    # Noor joined today. Lars in January: his nevenwerkzaamheden (P4W) ended 2 February, long ago; of his ambtseed
    # (P3M, to 5 April) less than half is left. Vera in February: her nevenwerkzaamheden ended 9 March, days ago.
    nu = om("2027-03-12T09:30")
    bewaking(session=session, catalogus=catalogus, nu=nu)  # down for a week and a half

    assert rondes(session, "nevenwerkzaamheden-indiensttreding") == [("N1", date(2027, 3, 2), ["N1"])]
    assert rondes(session, "ambtseed") == [("N1", date(2027, 3, 2), ["N1"]), ("V1", date(2027, 2, 9), ["V1"])]
    gemist = {
        proces: [(persoon(session, a.persoon_id), a.start) for a in Levenslopen(session, catalogus, nu).gemist(spec)]
        for proces, spec in ((p, catalogus.proces(p)) for p in ("ambtseed", "nevenwerkzaamheden-indiensttreding"))
    }
    assert gemist == {
        "ambtseed": [("L1", om("2027-01-05T09:00"))],
        "nevenwerkzaamheden-indiensttreding": [("V1", om("2027-02-09T09:00"))],  # listed for 30 days after
    }

    ambtseed = catalogus.proces("ambtseed")
    [alsnog] = start_persoonsrondes(session, catalogus=catalogus, proces=ambtseed, nu=nu, alsnog=True)
    assert (persoon(session, alsnog.ronde.persoon_id), alsnog.ronde.startdatum, alsnog.ronde.deadline) == (
        "L1",
        date(2027, 1, 5),  # its period: started once, whenever
        date(2027, 6, 14),  # a full termijn from now (12 June is a Saturday)
    )
    assert start_persoonsrondes(session, catalogus=catalogus, proces=ambtseed, nu=nu, alsnog=True) == []
    assert Levenslopen(session, catalogus, nu).gemist(ambtseed) == []


def persoon(session, persoon_id: int) -> str:
    return session.get(Persoon, persoon_id).extern_id


def test_the_election_replaces_statenleden_newcomers_asked_within_the_termijn_leavers_entries_end(
    session, db_engine, catalogus, importeer_csv
):
    importeer_csv(STAF + ZITTEND, "2027-01-04T08:00")
    session.commit()
    omg = Omgeving(db_engine, catalogus, Instellingen(smtp_host=None))
    s1 = session.exec(select(Persoon).where(Persoon.extern_id == "S1")).one()
    griffie = session.exec(select(Persoon).where(Persoon.extern_id == "G1")).one()
    functie = {"omschrijving": "Voorzitter", "organisatie": "Stichting Heuvelrug", "sinds": "2020-01-01"}
    gemeld = diensten.melding(
        omg, persoon_id=s1.id, register="nevenfuncties", invoer=[functie], nu=om("2027-01-05T10:00"), kanaal="web"
    ).uitkomst
    diensten.aanvaard(omg, versie_id=gemeld.voorstellen[0], door_persoon_id=griffie.id, nu=om("2027-01-06T10:00"))

    # Statenverkiezingen 2027: S1-S4 leave, S5 stays, three newcomers take office on 30 March.
    gekozen = "".join(f"V{i},Verkozen {i},v{i}@demo.example,statenlid,,nee,nee,,,2027-03-30\n" for i in range(1, 4))
    importeer_csv(STAF + ZITTEND.split("\n")[4] + "\n" + gekozen, "2027-03-30T08:00")
    for dag in range(31, 45):
        bewaking(session=session, catalogus=catalogus, nu=om("2027-03-30T09:30") + timedelta(days=dag - 30))

    for proces in ("nevenfuncties-statenleden-aantreden", "financiele-belangen-statenleden-aantreden"):
        gestart = rondes(session, proces)
        assert gestart == [(f"V{i}", date(2027, 3, 31), [f"V{i}"]) for i in range(1, 4)], proces
        for ronde in session.exec(select(Ronde).where(Ronde.proces == proces)):
            assert ronde.deadline <= date(2027, 3, 31) + timedelta(weeks=4)  # termijn P4W
    session.commit()
    assert diensten.register_op(omg, persoon_id=s1.id, register="nevenfuncties", peildatum=date(2027, 3, 29))
    assert diensten.register_op(omg, persoon_id=s1.id, register="nevenfuncties", peildatum=date(2027, 3, 31)) == []
    [oud, geeindigd] = diensten.geschiedenis(
        omg,
        regel=diensten.register_op(omg, persoon_id=s1.id, register="nevenfuncties", peildatum=date(2027, 3, 1))[
            0
        ].regel,
    )
    assert geeindigd.tot == date(2027, 3, 30) and geeindigd.kanaal == "vertrek" and oud.tot is None


def test_a_leaver_with_a_date_ahead_is_asked_until_then_and_nothing_after(session, catalogus, importeer_csv):
    importeer_csv(STAF + ZITTEND, "2027-01-04T08:00")
    importeer_csv(
        STAF
        + ZITTEND.replace("s1@demo.example,statenlid,,nee,nee,,,", "s1@demo.example,statenlid,,nee,nee,,2027-03-10,"),
        "2027-02-26T08:00",
    )
    bewaking(session=session, catalogus=catalogus, nu=om("2027-03-01T09:30"))  # nevenfuncties-statenleden starts
    s1 = session.exec(select(Persoon).where(Persoon.extern_id == "S1")).one()
    [verzoek] = session.exec(
        select(Verzoek).join(Ronde).where(Ronde.proces == "nevenfuncties-statenleden", Verzoek.persoon_id == s1.id)
    ).all()
    assert verzoek.status == VerzoekStatus.OPEN

    bewaking(session=session, catalogus=catalogus, nu=om("2027-03-10T09:30"))

    session.refresh(verzoek)
    assert verzoek.status == VerzoekStatus.VERVALLEN and not s1.actief


def test_a_vertrouwenspersoon_benoemd_on_2025_06_01_is_evaluated_before_2028_06_01_and_three_times_at_most(
    session, catalogus, importeer_csv
):
    vp = "V1,Vera Vertrouwd,vera@demo.example,medewerker;vertrouwenspersoon,Adviseur,nee,ja,,,2025-06-01\n"
    importeer_csv(STAF + vp, "2027-01-04T08:00")  # the first import: her date comes with it

    bewaking(session=session, catalogus=catalogus, nu=om("2028-02-29T09:30"))
    assert rondes(session, "vertrouwenspersonen-termijn") == []
    bewaking(session=session, catalogus=catalogus, nu=om("2028-03-01T09:30"))  # P3Y - P3M after her appointment
    assert rondes(session, "vertrouwenspersonen-termijn") == [("V1", date(2028, 3, 1), ["P1"])]  # P&O evaluates
    [ronde] = session.exec(select(Ronde).where(Ronde.proces == "vertrouwenspersonen-termijn")).all()
    assert ronde.deadline < date(2028, 6, 1)

    for jaar in (2031, 2034, 2037):
        bewaking(session=session, catalogus=catalogus, nu=om(f"{jaar}-03-03T09:30"))
    starts = [start for _, start, _ in rondes(session, "vertrouwenspersonen-termijn")]
    assert starts == [date(2028, 3, 1), date(2031, 3, 3), date(2034, 3, 1)]  # three terms, then no renewal


def test_a_reported_gift_starts_its_review_at_once(session, db_engine, catalogus, importeer_csv):
    importeer_csv(STAF + ZITTEND, "2027-01-04T08:00")
    session.commit()
    omg = Omgeving(db_engine, catalogus, Instellingen(smtp_host=None))
    s2 = session.exec(select(Persoon).where(Persoon.extern_id == "S2")).one()
    cadeau = {
        "omschrijving": "Fles wijn",
        "gever": "Bouwbedrijf Y",
        "datum": "2027-03-06",
        "geschatte_waarde": "75,50",
        "ingeleverd_bij": "Statengriffie",
    }

    gemeld = diensten.melding(
        omg, persoon_id=s2.id, register="geschenken", invoer=[cadeau], nu=om("2027-03-06T14:00"), kanaal="web"
    )  # a Saturday

    assert [(g.proces, g.soort) for g in gemeld.gebeurtenissen] == [("melding-geschenk-statenleden", "gestart")]
    with Session(db_engine) as s:
        assert rondes(s, "melding-geschenk-statenleden") == [("S2", date(2027, 3, 6), ["G1"])]
        assert rondes(s, "melding-geschenk-gs") == []


def test_confirming_by_proces_refuses_to_guess_between_rondes_for_different_persons(
    session, db_engine, catalogus, importeer_csv
):
    tweede = "V2,Wim Vertrouwd,wim@demo.example,medewerker;vertrouwenspersoon,Jurist,nee,ja,,,2025-06-01\n"
    vp = "V1,Vera Vertrouwd,vera@demo.example,medewerker;vertrouwenspersoon,Adviseur,nee,ja,,,2025-06-01\n"
    importeer_csv(STAF + vp + tweede, "2027-01-04T08:00")
    bewaking(session=session, catalogus=catalogus, nu=om("2028-03-01T09:30"))
    session.commit()
    omg = Omgeving(db_engine, catalogus, Instellingen(smtp_host=None))

    with pytest.raises(OnbekendVerzoek, match="2 rondes van 'vertrouwenspersonen-termijn' wachten op een bevestiging"):
        diensten.bevestig(
            omg, proces="vertrouwenspersonen-termijn", nu=om("2028-03-02T10:00"), datum=date(2028, 3, 2), kanaal="cli"
        )
