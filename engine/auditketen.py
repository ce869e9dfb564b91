"""The audit trail as a hash chain: appended to when a transaction commits, and verified on request.

A gebeurtenis is inserted as usual (one statement per batch) and joins the chain when its transaction commits:
just before the commit, under a short lock, its rows get the next `volgnummer`s and their hashes
(`models.keten`). Chaining at commit rather than at insert keeps the lock to the last moment of a transaction:
a lock taken at the first event of a long watch would be held while the watch waits for row locks a web answer
holds, and that answer would wait for the chain: a deadlock. Concurrent writers therefore never fork the chain:
PostgreSQL serialises the commits with an advisory lock, SQLite serialises every write anyway.

Verifying recomputes the chain in order and names the first gebeurtenis where it breaks: changed content,
changed details (when they are still there), a row removed from the middle, or a row that never joined the chain.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, event, select, text, update
from sqlmodel import Session

from engine.vergrendeling import wacht_op_beurt
from models.keten import BEGIN, VELDEN, digest, schakel
from models.tabellen import Gebeurtenis

_TABEL = Gebeurtenis.__table__
_OPEN = "audit-ongeketend"
"""session.info key: this transaction wrote gebeurtenissen that still have to join the chain."""


def markeer(session: Session) -> None:
    """Note that the session wrote gebeurtenissen; they join the chain when it commits."""
    session.info[_OPEN] = True


@event.listens_for(Session, "before_commit")
def _keten_bij_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # SQLAlchemy calls this at a savepoint's release too: the lock would then be held for the rest
    if session.info.pop(_OPEN, False):
        session.flush()  # whatever is still pending goes in before the chain is closed for this commit
        keten(session)


def keten(session: Session) -> int:
    """Chain every gebeurtenis not yet in the chain, in the order of its id; how many."""
    wacht_op_beurt(session, "auditketen")
    c = _TABEL.c
    laatste = session.execute(
        select(c.volgnummer, c.hash).where(c.volgnummer.is_not(None)).order_by(c.volgnummer.desc()).limit(1)
    ).first()
    laatste_nummer, vorige = laatste or (0, BEGIN)
    inhoud = [c.id, *(c[veld] for veld in VELDEN if veld != "volgnummer"), c.details_digest]
    rijen = session.execute(select(*inhoud).where(c.volgnummer.is_(None)).order_by(c.id)).mappings().all()
    hashes = []
    for volgnummer, rij in enumerate(rijen, start=laatste_nummer + 1):
        vorige = schakel(vorige, dict(rij) | {"volgnummer": volgnummer})
        hashes.append(vorige)
    if rijen:
        _schrijf(session, [rij["id"] for rij in rijen], laatste_nummer + 1, hashes)
    return len(rijen)


def _schrijf(session: Session, ids: list[int], eerste: int, hashes: list[str]) -> None:
    """Give the rows `ids` the volgnummers from `eerste` on, in that order, and their `hashes`. PostgreSQL takes them
    as one statement with two texts that it splits (a watch chains thousands of rows at once, a statement per row
    costs a round trip each, and a text is handed over faster than a list); SQLite, in-process, runs one per row."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_IN_EEN_KEER, {"ids": ",".join(map(str, ids)), "eerste": eerste, "hashes": ",".join(hashes)})
        return
    c = _TABEL.c
    per_rij = update(_TABEL).where(c.id == bindparam("b_id")).values(volgnummer=bindparam("b_v"), hash=bindparam("b_h"))
    session.execute(
        per_rij, [{"b_id": i, "b_v": eerste + n, "b_h": h} for n, (i, h) in enumerate(zip(ids, hashes, strict=True))]
    )


_IN_EEN_KEER = text(
    "UPDATE gebeurtenis SET volgnummer = :eerste + nieuw.plek - 1, hash = nieuw.hash "
    "FROM unnest(CAST(string_to_array(:ids, ',') AS integer[]), string_to_array(:hashes, ',')) WITH ORDINALITY "
    "AS nieuw (id, hash, plek) WHERE gebeurtenis.id = nieuw.id"
)


@dataclass(frozen=True)
class Breuk:
    """The first gebeurtenis at which the chain does not hold, and why (Dutch)."""

    gebeurtenis_id: int
    volgnummer: int | None
    reden: str


@dataclass(frozen=True)
class Ketencontrole:
    gecontroleerd: int
    breuk: Breuk | None


def controleer(session: Session) -> Ketencontrole:
    """Recompute the chain from its start; the first break, if any. Reads in batches: memory stays flat."""
    c = _TABEL.c
    vorige, verwacht, aantal = BEGIN, 1, 0
    rijen = session.execute(
        select(_TABEL).where(c.volgnummer.is_not(None)).order_by(c.volgnummer).execution_options(yield_per=2000)
    ).mappings()
    for rij in rijen:
        if breuk := _breuk(rij, vorige, verwacht):
            return Ketencontrole(aantal, breuk)
        vorige, verwacht, aantal = rij["hash"], verwacht + 1, aantal + 1
    los = session.execute(select(c.id).where(c.volgnummer.is_(None)).order_by(c.id).limit(1)).first()
    if los is not None:
        return Ketencontrole(aantal, Breuk(los.id, None, "staat niet in de keten (buiten de motor om toegevoegd)"))
    return Ketencontrole(aantal, None)


def _breuk(rij, vorige: str, verwacht: int) -> Breuk | None:
    def breuk(reden: str) -> Breuk:
        return Breuk(rij["id"], rij["volgnummer"], reden)

    if rij["volgnummer"] != verwacht:
        return breuk(f"volgnummer {verwacht} ontbreekt: een eerdere gebeurtenis is verwijderd")
    if rij["details"] is not None and digest(rij["details"]) != rij["details_digest"]:
        return breuk("de details zijn gewijzigd")
    if schakel(vorige, rij) != rij["hash"]:
        return breuk(f"de inhoud ({', '.join(VELDEN[1:])}) of de hash is gewijzigd")
    return None
