"""Migration 0015 on a database in use, on SQLite and PostgreSQL: every answer gets its verzoek's ronde, a
confirmation may then belong to the ronde alone, and going back puts such a confirmation on the ronde's first
verzoek, where the engine kept it before."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.models.test_statussen import _migreer

NU = "2027-03-01 08:00:00"
RIJEN = (
    [
        "INSERT INTO persoon (id, extern_id, naam, email, rollen, inhuur, ambtseed, actief, onbestelbaar, bijgewerkt)"
        f" VALUES ({i}, 'T{i}', 'P{i}', 'p{i}@x', '', false, false, true, false, '{NU}')"
        for i in (1, 2)
    ]
    + [
        "INSERT INTO ronde (id, proces, stap, stapnummer, startdatum, start, deadline, status, herinnering_nr,"
        f" geescaleerd) VALUES ({r}, 'p', '', 0, '2027-03-0{r}', '{NU}', '2027-03-29', 'lopend', 0, false)"
        for r in (1, 2)
    ]
    + [
        "INSERT INTO verzoek (id, ronde_id, persoon_id, token, status, aangemaakt, herinneringen)"
        f" VALUES ({v}, 1, {v}, 't{v}', 'open', '{NU}', 0)"
        for v in (1, 2)
    ]
    + [
        "INSERT INTO antwoord (id, verzoek_id, ontvangen, kanaal, geen_wijzigingen, te_laat)"
        f" VALUES (1, 2, '{NU}', 'email', true, false)",
        "INSERT INTO inkomend (id, message_id, ontvangen, map, uitkomst, verzoek_id, antwoord_id, ruw)"
        f" VALUES (1, '<i@x>', '{NU}', 'Verwerkt', 'antwoord', 2, 1, :ruw)",
    ]
)
_ROL = (
    "INSERT INTO antwoord (id, ronde_id, ontvangen, kanaal, geen_wijzigingen, te_laat, datum, door)"
    f" VALUES (:id, :ronde, '{NU}', 'prefect', false, false, '2027-03-10', 'po, via Prefect')"
)


def test_every_answer_gets_its_ronde_and_a_role_confirmation_needs_no_verzoek(lege_database):
    engine = lege_database
    _migreer(engine, "0014")
    with engine.begin() as c:
        for rij in RIJEN:
            c.execute(text(rij), {"ruw": b"x"})
    _migreer(engine, "head")
    with engine.connect() as c:
        assert c.execute(text("SELECT ronde_id, verzoek_id FROM antwoord")).one() == (1, 2)
        c.execute(text(_ROL), {"id": 2, "ronde": 1})  # a role's confirmation: the ronde, no verzoek
        c.commit()
        if engine.dialect.name == "sqlite":
            assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1  # no connection left without enforcement
        with pytest.raises(IntegrityError):
            c.execute(text(_ROL.replace(":ronde", "NULL")), {"id": 3})  # an answer belongs to a ronde
        c.rollback()
        with pytest.raises(IntegrityError):
            c.execute(text(_ROL), {"id": 3, "ronde": 99})  # an existing one
        c.rollback()
        with pytest.raises(IntegrityError):
            c.execute(text("DELETE FROM antwoord WHERE id = 1"))  # the incoming mail still refers to it
        c.rollback()
    _migreer(engine, "0014", terug=True)
    with engine.connect() as c:
        assert c.execute(text("SELECT id, verzoek_id FROM antwoord ORDER BY id")).all() == [(1, 2), (2, 1)]
        assert c.execute(text("SELECT antwoord_id FROM inkomend")).scalar() == 1
        with pytest.raises(IntegrityError):
            c.execute(text("UPDATE antwoord SET verzoek_id = NULL"))
        c.rollback()
    _migreer(engine, "head")
    with engine.connect() as c:
        assert c.execute(text("SELECT id, ronde_id FROM antwoord ORDER BY id")).all() == [(1, 1), (2, 1)]


def test_going_back_refuses_a_confirmation_of_a_ronde_without_verzoeken(lege_database):
    engine = lege_database
    _migreer(engine, "0014")
    with engine.begin() as c:
        for rij in RIJEN:
            c.execute(text(rij), {"ruw": b"x"})
    _migreer(engine, "head")
    with engine.begin() as c:
        c.execute(text(_ROL), {"id": 2, "ronde": 2})
    with pytest.raises(RuntimeError, match="1 bevestigingen horen bij een ronde zonder verzoeken"):
        _migreer(engine, "0014", terug=True)
    with engine.connect() as c:  # nothing lost
        assert c.execute(text("SELECT id, ronde_id, verzoek_id FROM antwoord ORDER BY id")).all() == [
            (1, 1, 2),
            (2, 2, None),
        ]
