"""The states as types: the transitions each state set allows, the state of a message from its timestamps, and
the CHECK constraints that hold the same sets in the database (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, time, timedelta
from itertools import product

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from engine.bewaking import bewaking
from engine.catalogus import laad_catalogus
from engine.database import MIGRATIES
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from models.statussen import (
    OPEN,
    REGEL_OVERGANGEN,
    RONDE_OVERGANGEN,
    VERZOEK_OVERGANGEN,
    Berichtstatus,
    Map,
    OngeldigeOvergang,
    Regelstatus,
    RondeStatus,
    Uitkomst,
    VerzoekStatus,
    berichtstatus,
    overgang,
    voorgangers,
    zet_status,
)
from models.tabellen import Bericht, Inkomend, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE

R, V = RondeStatus, VerzoekStatus

RONDE_LEGAAL = {(R.LOPEND, R.VOLTOOID), (R.LOPEND, R.VERLOPEN)}
VERZOEK_LEGAAL = {
    (V.OPEN, V.HERINNERD),  # the first reminder
    (V.HERINNERD, V.HERINNERD),  # a second reminder
    (V.OPEN, V.GEESCALEERD),
    (V.HERINNERD, V.GEESCALEERD),
    *((open_, V.BEANTWOORD) for open_ in OPEN),
    *((open_, V.VERVALLEN) for open_ in OPEN),  # a leaver, or the ronde closed complete without them
    *((open_, V.VERLOPEN) for open_ in OPEN),  # the deadline closed the ronde
    (V.VERVALLEN, V.OPEN),  # the leaver returned while the ronde runs
}


G = Regelstatus
REGEL_LEGAAL = {
    (G.VOORGESTELD, G.AANVAARD),
    (G.VOORGESTELD, G.TERUGGESTUURD),
    (G.VOORGESTELD, G.VERVANGEN),  # resubmitted before the review, or accepted as the eigenaar edited it
    (G.AANVAARD, G.VERVANGEN),  # a newer version accepted
}


def test_the_tables_allow_exactly_the_transitions_the_engine_makes():
    assert {(a, b) for a, naar in RONDE_OVERGANGEN.items() for b in naar} == RONDE_LEGAAL
    assert {(a, b) for a, naar in VERZOEK_OVERGANGEN.items() for b in naar} == VERZOEK_LEGAAL
    assert {(a, b) for a, naar in REGEL_OVERGANGEN.items() for b in naar} == REGEL_LEGAAL
    assert set(RONDE_OVERGANGEN) == set(RondeStatus) and set(VERZOEK_OVERGANGEN) == set(VerzoekStatus)
    assert set(REGEL_OVERGANGEN) == set(Regelstatus)


@pytest.mark.parametrize(
    ("soort", "legaal"),
    [(RondeStatus, RONDE_LEGAAL), (VerzoekStatus, VERZOEK_LEGAAL), (Regelstatus, REGEL_LEGAAL)],
    ids=["ronde", "verzoek", "registerregel"],
)
def test_every_transition_not_in_the_table_is_refused(soort, legaal):
    for van, naar in product(soort, soort):
        if (van, naar) in legaal:
            assert overgang(van, naar) is naar
            assert overgang(str(van), naar) is naar  # the plain text a row was built with
        else:
            with pytest.raises(OngeldigeOvergang, match=f"van '{van}' naar '{naar}'"):
                overgang(van, naar)


@pytest.mark.parametrize(
    ("van", "naar"),
    [
        (V.BEANTWOORD, V.HERINNERD),
        (V.BEANTWOORD, V.OPEN),
        (V.VERLOPEN, V.BEANTWOORD),  # a late answer is recorded, it does not count
        (V.VERVALLEN, V.BEANTWOORD),
        (V.GEESCALEERD, V.HERINNERD),  # a later reminder keeps it escalated
        (V.GEESCALEERD, V.OPEN),
        (V.OPEN, V.OPEN),
        (R.VOLTOOID, R.LOPEND),
        (R.VERLOPEN, R.LOPEND),
        (R.VOLTOOID, R.VERLOPEN),
        (R.LOPEND, R.LOPEND),
    ],
)
def test_an_illegal_transition_is_a_bug(van, naar):
    rij = (Verzoek if isinstance(naar, VerzoekStatus) else Ronde)(status=van)
    with pytest.raises(OngeldigeOvergang):
        zet_status(rij, naar)
    assert rij.status == van


def test_zet_status_changes_a_row_along_the_table():
    verzoek = Verzoek(status="open")  # as a row is built in memory: plain text
    for stap in (V.HERINNERD, V.HERINNERD, V.GEESCALEERD, V.BEANTWOORD):
        zet_status(verzoek, stap)
        assert verzoek.status is stap
    ronde = Ronde()
    assert ronde.status is R.LOPEND  # the default
    zet_status(ronde, R.VERLOPEN)
    assert ronde.status == "verlopen"  # a member is its text


def test_a_state_outside_the_set_is_refused_too():
    with pytest.raises(OngeldigeOvergang, match="'kapot' is geen VerzoekStatus"):
        overgang("kapot", V.OPEN)
    with pytest.raises(TypeError):
        overgang("open", "herinnerd")  # the target says which state set applies: it must be a member


def test_voorgangers_name_the_where_clause_of_a_set_based_update():
    assert set(voorgangers(V.VERLOPEN)) == set(OPEN)
    assert voorgangers(V.OPEN) == (V.VERVALLEN,)
    assert set(voorgangers(V.HERINNERD)) == {V.OPEN, V.HERINNERD}
    assert voorgangers(R.VOLTOOID) == (R.LOPEND,)
    assert voorgangers(R.LOPEND) == ()


def test_members_are_the_stored_strings():
    assert [str(s) for s in RondeStatus] == ["lopend", "voltooid", "verlopen"]
    assert V.GEESCALEERD == "geescaleerd" and f"{V.GEESCALEERD}" == "geescaleerd"
    assert [str(m) for m in Map] == ["Verwerkt", "Onbekend", "Automatisch", "Beoordelen"]
    assert Uitkomst("bounce-tijdelijk") is Uitkomst.BOUNCE_TIJDELIJK
    assert all(len(s) <= 20 for s in (*RondeStatus, *VerzoekStatus, *Map)) and all(len(u) <= 40 for u in Uitkomst)


ECHT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tijden", "verwacht"),
    [
        ({}, Berichtstatus.KLAAR),
        ({"geclaimd_tot": ECHT + timedelta(minutes=5)}, Berichtstatus.GECLAIMD),
        ({"geclaimd_tot": ECHT - timedelta(minutes=5)}, Berichtstatus.KLAAR),  # the lease ended
        ({"uitgesteld_sinds": ECHT - timedelta(days=1)}, Berichtstatus.UITGESTELD),
        ({"uitgesteld_sinds": ECHT, "geclaimd_tot": ECHT + timedelta(minutes=5)}, Berichtstatus.GECLAIMD),
        ({"verzonden": ECHT}, Berichtstatus.VERZONDEN),
        ({"verzonden": ECHT, "uitgesteld_sinds": ECHT - timedelta(days=1)}, Berichtstatus.VERZONDEN),
        ({"geweigerd": ECHT, "uitgesteld_sinds": ECHT - timedelta(days=5)}, Berichtstatus.GEWEIGERD),
    ],
)
def test_the_state_of_a_message_follows_from_its_timestamps(tijden, verwacht):
    assert berichtstatus(Bericht(**tijden), echt=ECHT) is verwacht


# The database: the same sets as CHECK constraints, on SQLite and PostgreSQL.

NU = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)


@pytest.fixture
def verzoek(session) -> Verzoek:
    persoon = Persoon(extern_id="T1", naam="Persoon 1", email="p1@demo.example", bijgewerkt=NU)
    ronde = Ronde(proces="p", startdatum=NU.date(), start=NU, deadline=date(2027, 3, 29))
    session.add_all([persoon, ronde])
    session.flush()
    verzoek = Verzoek(ronde_id=ronde.id, persoon_id=persoon.id, token="t1", aangemaakt=NU)
    session.add(verzoek)
    session.flush()
    return verzoek


def _geweigerd(session, sql: str, **waarden) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(text(sql), waarden)


def test_the_check_constraints_bite(session, verzoek):
    ronde_id, nu = verzoek.ronde_id, NU.astimezone(UTC).replace(tzinfo=None)
    _geweigerd(session, "UPDATE ronde SET status = 'kapot' WHERE id = :id", id=ronde_id)
    _geweigerd(session, "UPDATE verzoek SET status = 'Open' WHERE id = :id", id=verzoek.id)
    inkomend = "INSERT INTO inkomend (message_id, ontvangen, map, uitkomst, ruw) VALUES (:m, :nu, :map, :u, :ruw)"
    _geweigerd(session, inkomend, m="<a@x>", nu=nu, map="Spam", u="antwoord", ruw=b"x")
    _geweigerd(session, inkomend, m="<b@x>", nu=nu, map="Verwerkt", u="misschien", ruw=b"x")
    bericht = (
        "INSERT INTO bericht (sleutel, soort, ronde_id, aan, onderwerp, tekst, message_id, aangemaakt, "
        "verzenden_vanaf, pogingen, verzonden, geweigerd) "
        "VALUES (:s, 'verzoek', :r, 'x@y', 'o', 't', :s, :nu, :nu, 1, :nu, :nu)"
    )
    _geweigerd(session, bericht, s="beide", r=ronde_id, nu=nu)
    # what the sets allow goes in, through the ORM too
    session.add(Inkomend(message_id="<c@x>", ontvangen=NU, map=Map.AUTOMATISCH, uitkomst=Uitkomst.AFWEZIG, ruw=b"x"))
    for status in VerzoekStatus:
        session.execute(text("UPDATE verzoek SET status = :s WHERE id = :id"), {"s": str(status), "id": verzoek.id})
    session.flush()


def test_the_orm_reads_the_members_back(session, verzoek):
    zet_status(verzoek, V.HERINNERD)
    session.commit()
    session.expire_all()
    assert session.get(Verzoek, verzoek.id).status is V.HERINNERD
    assert session.exec(select(Ronde.status)).one() is R.LOPEND
    assert session.exec(select(Verzoek).where(Verzoek.status.in_(OPEN))).one().id == verzoek.id


@pytest.mark.parametrize(
    ("tabel", "naam", "kolom", "waarden"),
    [
        ("ronde", "ck_ronde_status", "status", RondeStatus),
        ("verzoek", "ck_verzoek_status", "status", VerzoekStatus),
        ("inkomend", "ck_inkomend_map", "map", Map),
        ("inkomend", "ck_inkomend_uitkomst", "uitkomst", Uitkomst),
        ("registerregel", "ck_registerregel_status", "status", Regelstatus),
    ],
)
def test_the_database_holds_the_same_sets_as_the_enums(db_engine, tabel, naam, kolom, waarden):
    """compare_metadata does not compare CHECK constraints: a member added without a migration fails here."""
    constraints = {c["name"]: c["sqltext"] for c in inspect(db_engine).get_check_constraints(tabel)}
    assert kolom in constraints[naam]
    assert set(re.findall(r"'([^']*)'", constraints[naam])) == {str(w) for w in waarden}


def test_the_database_holds_the_message_constraint(db_engine):
    constraints = {c["name"]: c["sqltext"] for c in inspect(db_engine).get_check_constraints("bericht")}
    assert re.sub(r"[()\s]", "", constraints["ck_bericht_verzonden_geweigerd"]).upper() == (
        "NOTVERZONDENISNOTNULLANDGEWEIGERDISNOTNULL"
    )


# The migration on a database in use: every row stays, and on SQLite foreign keys are enforced afterwards.


def _migreer(engine, revisie: str, terug: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIES))
    with engine.begin() as verbinding:
        config.attributes["connection"] = verbinding
        (command.downgrade if terug else command.upgrade)(config, revisie)


def test_the_migration_keeps_every_row_of_a_database_in_use(lege_database):
    engine = lege_database
    _migreer(engine, "0005")
    nu = "2027-03-01 08:00:00"
    rijen = [
        "INSERT INTO persoon (id, extern_id, naam, email, rollen, inhuur, ambtseed, actief, onbestelbaar, bijgewerkt)"
        f" VALUES (1, 'T1', 'P', 'p@x', '', false, false, true, false, '{nu}')",
        "INSERT INTO ronde (id, proces, stap, stapnummer, startdatum, start, deadline, status, herinnering_nr,"
        f" geescaleerd) VALUES (1, 'p', '', 0, '2027-03-01', '{nu}', '2027-03-29', 'verlopen', 2, true)",
        "INSERT INTO verzoek (id, ronde_id, persoon_id, token, status, aangemaakt, herinneringen)"
        f" VALUES (1, 1, 1, 't', 'geescaleerd', '{nu}', 2)",
        f"INSERT INTO antwoord (id, verzoek_id, ontvangen, kanaal, geen_wijzigingen, te_laat) VALUES (1, 1, '{nu}',"
        " 'email', true, true)",
        "INSERT INTO bericht (id, sleutel, soort, ronde_id, verzoek_id, aan, onderwerp, tekst, message_id, aangemaakt,"
        f" verzenden_vanaf, pogingen, verzonden) VALUES (1, 's', 'verzoek', 1, 1, 'p@x', 'o', 't', '<m@x>', '{nu}',"
        f" '{nu}', 1, '{nu}')",
        "INSERT INTO inkomend (id, message_id, ontvangen, map, uitkomst, verzoek_id, antwoord_id, ruw)"
        f" VALUES (1, '<i@x>', '{nu}', 'Verwerkt', 'te-laat', 1, 1, :ruw)",
        f"INSERT INTO gebeurtenis (id, moment, soort, ronde_id, verzoek_id, persoon_id, bericht_id) VALUES (1, '{nu}',"
        " 'bericht-verzonden', 1, 1, 1, 1)",
    ]
    with engine.begin() as c:
        for rij in rijen:
            c.execute(text(rij), {"ruw": b"x"})
    _migreer(engine, "head")
    with engine.connect() as c:
        for tabel in ("persoon", "ronde", "verzoek", "antwoord", "bericht", "inkomend", "gebeurtenis"):
            assert c.execute(text(f"SELECT count(*) FROM {tabel}")).scalar() == 1, tabel
        assert c.execute(text("SELECT status FROM verzoek")).scalar() == "geescaleerd"
        if engine.dialect.name == "sqlite":
            assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1  # no connection left without enforcement
        with pytest.raises(IntegrityError):
            c.execute(text("UPDATE ronde SET status = 'kapot'"))
        c.rollback()
        with pytest.raises(IntegrityError):
            c.execute(text("DELETE FROM verzoek"))  # the references still hold
        c.rollback()
    _migreer(engine, "0005", terug=True)
    with engine.begin() as c:
        c.execute(text("UPDATE ronde SET status = 'kapot'"))  # without the constraints again
        c.execute(text("UPDATE ronde SET status = 'verlopen'"))
    _migreer(engine, "head")
    assert {c["name"] for c in inspect(engine).get_check_constraints("ronde")} == {"ck_ronde_status"}


# The engine: an escalated verzoek stays escalated when a later reminder goes out.


def test_a_reminder_after_the_escalation_keeps_the_verzoek_escalated(session, catalogus, tmp_path):
    map = tmp_path / "processen"
    shutil.copytree(catalogus.map, map)
    spec = map / "nevenfuncties-statenleden.yaml"
    spec.write_text(
        spec.read_text()
        .replace("termijn: P4W", "termijn: P6W")
        .replace("herinneringen: [P2W, P3W]", "herinneringen: [P2W, P5W]")
    )
    eigen = laad_catalogus(map)
    importeer(
        session,
        [
            PersoonInvoer(extern_id="T1", naam="Statenlid", email="s@demo.example", rollen=["statenlid"]),
            PersoonInvoer(extern_id="T2", naam="Griffie", email="g@demo.example", rollen=["statengriffie"]),
        ],
        NU - timedelta(days=30),
    )
    ronde = start_ronde(session=session, catalogus=eigen, proces=eigen.proces("nevenfuncties-statenleden"), nu=NU)
    verzoek = session.exec(select(Verzoek).where(Verzoek.ronde_id == ronde.ronde.id)).one()

    dagen = (NU.date() + timedelta(days=i) for i in range(1, 60))

    def tot(dag: date) -> tuple[VerzoekStatus, int]:
        """Run the daily watch up to and including `dag`; the verzoek's status and reminders then."""
        for d in dagen:
            bewaking(session=session, catalogus=eigen, nu=datetime.combine(d, time(8, 30), tzinfo=TIJDZONE))
            if d == dag:
                break
        return verzoek.status, verzoek.herinneringen

    assert tot(date(2027, 3, 15)) == (V.HERINNERD, 1)  # P2W
    assert tot(date(2027, 4, 2)) == (V.GEESCALEERD, 1)  # P4W (on the working day after Easter)
    assert tot(date(2027, 4, 6)) == (V.GEESCALEERD, 2)  # P5W: reminded, and still escalated
    assert tot(date(2027, 4, 14)) == (V.VERLOPEN, 2)  # the deadline (P6W) passed
    soorten = session.exec(select(Bericht.soort).where(Bericht.ronde_id == ronde.ronde.id)).all()
    # closed: the eigenaar hears who is missing
    assert sorted(soorten) == ["escalatie", "gesloten", "herinnering", "herinnering", "verzoek"]
