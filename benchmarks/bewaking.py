"""One pass of the daily watch on PostgreSQL with many open verzoeken, few or many of them due.

    uv run python -m benchmarks.bewaking [--snel] [--database URL]

Each case builds its verzoeken directly in PostgreSQL (INSERT ... SELECT over generate_series, in a schema of
its own, dropped afterwards): one nevenfuncties ronde whose first reminder is due today with the due
verzoeken, and nine rondes started in the last days (nothing due) holding the rest. Then it times one
`diensten.bewaak` (the watch over that one proces, composing the reminders, not sending them).

1. 1,000,000 open verzoeken of which 1% (10,000) are due a reminder: seconds.
2. 1,000 reminders due among 100,000 and among 1,000,000 open verzoeken: the ratio of the two passes (the
   cost follows what is due when it stays near 1).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from datetime import datetime, timedelta

from sqlalchemy import text

from benchmarks.tabel import Regel, toon
from benchmarks.web import DATABASE_HULP, schema
from engine import diensten
from engine.agenda import plan_stap
from engine.catalogus import STANDAARD_MAP, laad_catalogus
from engine.database import maak_engine
from engine.diensten import Omgeving
from models.instellingen import Instellingen
from models.tabellen import Ronde
from models.werkdagen import TIJDZONE
from testservers.postgres import kies_postgres

NU = datetime(2027, 6, 15, 12, tzinfo=TIJDZONE)
"""A Tuesday on which nevenfuncties-statenleden starts nothing (its rondes start on 1 March and 1 September)."""
PROCES = "nevenfuncties-statenleden"
RUSTIG = 9
"""Rondes with nothing due, started on the nine days before NU."""


def meet(snel: bool, database: str) -> list[Regel]:
    groot, klein, vast = (10_000, 2_000, 100) if snel else (1_000_000, 100_000, 1_000)
    procent, bouw = _pass(database, groot, groot // 100)
    bij_klein, _ = _pass(database, klein, vast)
    bij_groot, _ = _pass(database, groot, vast)
    return [
        Regel(
            f"daily watch on PostgreSQL, {groot:,} open verzoeken of which {groot // 100:,} (1%) due a reminder",
            "at most 1 s",
            f"{procent:.2f} s (building the {groot:,} in PostgreSQL: {bouw:.0f} s)",
        ),
        Regel(
            f"the same watch, {vast:,} reminders due, open verzoeken {klein:,} -> {groot:,}",
            "cost ratio at most 1.5",
            f"{bij_klein:.2f} s -> {bij_groot:.2f} s",
            f"{bij_groot / bij_klein:.2f}",
        ),
    ]


def _pass(database: str, totaal: int, verschuldigd: int) -> tuple[float, float]:
    """Seconds of one watch over `totaal` open verzoeken of which `verschuldigd` are due a reminder, and
    seconds of building them."""
    with schema(database, f"bench_bewaking_{os.getpid()}") as url:
        omg = Omgeving(maak_engine(url), _een_proces(), Instellingen(smtp_host=None))
        begin = time.perf_counter()
        _bouw(omg, totaal, verschuldigd)
        bouw = time.perf_counter() - begin
        begin = time.perf_counter()
        verslag = diensten.bewaak(omg, nu=NU, verzenden=False).uitkomst
        seconden = time.perf_counter() - begin
        omg.engine.dispose()
    if verslag["herinneringen"] != verschuldigd:
        raise SystemExit(f"expected {verschuldigd} reminders, the watch sent {verslag['herinneringen']}")
    return seconden, bouw


def _een_proces():
    catalogus = laad_catalogus(STANDAARD_MAP)
    return dataclasses.replace(catalogus, processen=(catalogus.proces(PROCES),))


def _bouw(omg: Omgeving, totaal: int, verschuldigd: int) -> None:
    proces = omg.catalogus.proces(PROCES)
    stap = proces.alle_stappen[0]
    starts = [NU - timedelta(days=15, hours=3)] + [NU - timedelta(days=d, hours=3) for d in range(1, RUSTIG + 1)]
    plannen = [plan_stap(proces, stap, s, omg.catalogus.werkdagen) for s in starts]
    assert plannen[0].herinneringen[0] <= NU.date() < plannen[0].herinneringen[1], "the first ronde's reminder"
    assert all(p.herinneringen[0] > NU.date() for p in plannen[1:]), "nothing due in the other rondes"
    rest = totaal - verschuldigd
    groottes = [verschuldigd] + [rest // RUSTIG + (i < rest % RUSTIG) for i in range(RUSTIG)]
    gezien = NU - timedelta(days=30)
    with omg.werk() as s:
        s.execute(
            text(
                "INSERT INTO persoon (extern_id, naam, email, rollen, inhuur, ambtseed, actief, onbestelbaar, "
                "bijgewerkt) SELECT 'P' || g, 'Lid ' || g, 'lid' || g || '@example.org', 'statenlid', false, false, "
                "true, false, :gezien FROM generate_series(1, :aantal) AS g"
            ),
            {"gezien": gezien, "aantal": max(groottes)},
        )
        rondes = [
            Ronde(
                proces=PROCES,
                startdatum=p.start.date(),
                start=p.start,
                deadline=p.deadline,
                personen_gezien=gezien,
            )
            for p in plannen
        ]
        s.add_all(rondes)
        s.flush()
        # Loading first and indexing after is minutes faster than keeping six indexes current row by row.
        indexen = s.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = "
                "'verzoek' AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            )
        ).all()
        for naam, _ in indexen:
            s.execute(text(f'DROP INDEX "{naam}"'))
        for ronde, grootte in zip(rondes, groottes, strict=True):
            s.execute(
                text(
                    "INSERT INTO verzoek (ronde_id, persoon_id, token, status, aangemaakt, laatste_contact, "
                    "herinneringen) SELECT :ronde, id, :ronde || '-' || lpad(id::text, 9, '0'), 'open', :start, "
                    ":start, 0 "
                    "FROM persoon WHERE id <= (SELECT min(id) FROM persoon) + :grootte - 1"
                ),
                {"ronde": ronde.id, "start": ronde.start, "grootte": grootte},
            )
        for _, definitie in indexen:
            s.execute(text(definitie))
    # As a database at rest is: vacuumed (rows known visible) and its pages on disk, so the watch pays for neither.
    with omg.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
        c.execute(text("CHECKPOINT"))


def main(argv: list[str] | None = None) -> list[Regel]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snel", action="store_true", help="10,000 and 2,000 verzoeken instead of 1M and 100k")
    parser.add_argument("--database", help=DATABASE_HULP)
    args = parser.parse_args(argv)
    with kies_postgres(args.database) as url:
        regels = meet(args.snel, url)
    print(toon(regels))
    return regels


if __name__ == "__main__":
    main()
