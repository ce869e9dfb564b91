"""The audit trail is tamper-evident: every gebeurtenis joins a hash chain when it commits, concurrent writers
never fork it, and verifying names the first gebeurtenis that was changed, removed or slipped in (on SQLite and
PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from engine import auditketen
from engine.database import MIGRATIES, migreer
from engine.gebeurtenissen import registreer
from engine.personen import PersoonInvoer, importeer
from models.tabellen import Gebeurtenis
from models.werkdagen import TIJDZONE

NU = datetime(2027, 3, 1, 9, 0, tzinfo=TIJDZONE)


@pytest.fixture
def spoor(session, db_engine):
    """An audit trail of a few commits: persons imported, changed, made inactive."""
    for dag, namen in enumerate((["A", "B", "C"], ["A", "B"], ["A", "C"])):
        with Session(db_engine) as s:
            invoer = [
                PersoonInvoer(extern_id=n, naam=f"Persoon {n}", email=f"{n}@x.example", rollen=["statenlid"])
                for n in namen
            ]
            importeer(s, invoer, NU + timedelta(days=dag))
            registreer(s, soort="proef", nu=NU + timedelta(days=dag), dag=dag, adres="a@x.example")
            s.commit()
    return db_engine


def controle(engine) -> auditketen.Ketencontrole:
    with Session(engine) as s:
        return auditketen.controleer(s)


def gebeurtenis(engine, volgnummer: int) -> int:
    with Session(engine) as s:
        return s.exec(select(Gebeurtenis.id).where(Gebeurtenis.volgnummer == volgnummer)).one()


def sql(engine, opdracht: str, **waarden) -> None:
    with engine.begin() as c:
        c.execute(text(opdracht), waarden)


def test_a_savepoint_leaves_its_gebeurtenissen_to_the_commit_of_its_transaction(db_engine):
    """The chain's lock is taken at the commit, not at the end of each savepoint of a long watch (which would hold
    it while that watch goes on)."""
    with Session(db_engine) as s:
        with s.begin_nested():
            registreer(s, soort="proef", nu=NU)
        assert s.exec(select(Gebeurtenis.volgnummer).where(Gebeurtenis.soort == "proef")).all() == [None]
        s.commit()
        assert s.exec(select(Gebeurtenis.volgnummer).where(Gebeurtenis.soort == "proef")).one() is not None
    assert controle(db_engine).breuk is None


def test_every_committed_gebeurtenis_is_in_an_unbroken_chain(spoor):
    with Session(spoor) as s:
        volgnummers = s.exec(select(Gebeurtenis.volgnummer).order_by(Gebeurtenis.id)).all()
    assert volgnummers == list(range(1, len(volgnummers) + 1))
    assert controle(spoor) == auditketen.Ketencontrole(len(volgnummers), None)


@pytest.mark.parametrize(
    ("wijziging", "reden"),
    [
        ("UPDATE gebeurtenis SET soort = 'niets-gebeurd' WHERE id = :id", "de inhoud"),
        ("UPDATE gebeurtenis SET proces = 'ander-proces' WHERE id = :id", "de inhoud"),
        ("UPDATE gebeurtenis SET details = '{\"dag\": 9}' WHERE id = :id", "de details zijn gewijzigd"),
        ("UPDATE gebeurtenis SET details_digest = NULL, details = NULL WHERE id = :id", "de inhoud"),
    ],
)
def test_a_row_edited_in_sql_is_named(spoor, wijziging, reden):
    [proef] = [g for g in _alle(spoor) if g.soort == "proef" and '"dag": 1' in g.details]
    sql(spoor, wijziging, id=proef.id)
    breuk = controle(spoor).breuk
    assert (breuk.gebeurtenis_id, breuk.volgnummer) == (proef.id, proef.volgnummer)
    assert reden in breuk.reden


def test_a_row_removed_from_the_middle_is_noticed_at_the_next(spoor):
    sql(spoor, "DELETE FROM gebeurtenis WHERE volgnummer = 4")
    breuk = controle(spoor).breuk
    assert (breuk.gebeurtenis_id, breuk.volgnummer) == (gebeurtenis(spoor, 5), 5)
    assert "volgnummer 4 ontbreekt" in breuk.reden


def test_a_recomputed_hash_does_not_hide_an_edit(spoor):
    """Whoever edits a row and writes a matching hash breaks the link to the next row."""
    vijf = gebeurtenis(spoor, 5)
    sql(spoor, "UPDATE gebeurtenis SET soort = 'vervalst' WHERE id = :id", id=vijf)
    with Session(spoor) as s:
        rij = s.execute(select(Gebeurtenis.__table__).where(Gebeurtenis.id == vijf)).mappings().one()
        vorige = s.exec(select(Gebeurtenis.hash).where(Gebeurtenis.volgnummer == 4)).one()
    from models.keten import schakel

    sql(spoor, "UPDATE gebeurtenis SET hash = :h WHERE id = :id", h=schakel(vorige, rij), id=vijf)
    assert controle(spoor).breuk.volgnummer == 6


def test_a_row_inserted_around_the_engine_is_named(spoor):
    sql(spoor, "INSERT INTO gebeurtenis (moment, soort) VALUES (:m, 'ingevoegd')", m=NU)
    breuk = controle(spoor).breuk
    assert breuk.volgnummer is None and "niet in de keten" in breuk.reden


def test_purged_details_keep_the_chain_verifiable(spoor):
    sql(spoor, "UPDATE gebeurtenis SET details = NULL")
    assert controle(spoor).breuk is None


def test_concurrent_writers_do_not_fork_the_chain(session, db_engine):
    def schrijf(nummer: int) -> None:
        for i in range(15):
            with Session(db_engine) as s:
                registreer(s, soort="gelijktijdig", nu=NU, schrijver=nummer, i=i)
                registreer(s, soort="gelijktijdig", nu=NU, schrijver=nummer, i=i, tweede=True)
                s.commit()

    schrijvers = [threading.Thread(target=schrijf, args=(n,)) for n in range(4)]
    for t in schrijvers:
        t.start()
    for t in schrijvers:
        t.join()
    assert controle(db_engine) == auditketen.Ketencontrole(4 * 15 * 2, None)


def test_the_migration_chains_the_rows_that_existed(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'oud.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIES))
    with engine.begin() as c:
        config.attributes["connection"] = c
        command.upgrade(config, "0007")
        for soort in ("een", "twee", "drie"):
            c.execute(
                text("INSERT INTO gebeurtenis (moment, soort, details) VALUES (:m, :s, '{}')"),
                {"m": NU.astimezone(TIJDZONE).replace(tzinfo=None), "s": soort},
            )
    migreer(engine)
    assert controle(engine) == auditketen.Ketencontrole(3, None)


def _alle(engine) -> list[Gebeurtenis]:
    with Session(engine) as s:
        return list(s.exec(select(Gebeurtenis).order_by(Gebeurtenis.id)))
