"""Every benchmark in one run, as one table: figure, goal, now and the ratio to its baseline.

    uv run python -m benchmarks [--snel] [--uit benchmarks/uitslag.json] [--database URL]

Each benchmark also runs alone (`python -m benchmarks.mail` and so on). `--snel` uses the small sizes CI runs
so the benchmarks keep working; their figures say nothing about speed. The table is printed and written as
JSON, with the date and the machine, to `--uit`; a full run also puts it in the README.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks import bewaking, mail, prefect, simulator, web
from benchmarks.tabel import UITSLAG, Regel, in_readme, schrijf, toon
from testservers.postgres import kies_postgres


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snel", action="store_true", help="small sizes, for CI (the figures mean nothing)")
    parser.add_argument("--uit", type=Path, default=UITSLAG, help="where to write the table as JSON")
    parser.add_argument("--database", help=web.DATABASE_HULP)
    args = parser.parse_args(argv)
    snel = ["--snel"] if args.snel else []
    with kies_postgres(args.database) as url:
        postgres = ["--database", url]
        regels = [
            *simulator.main(snel),
            *bewaking.main([*snel, *postgres]),
            *mail.main(snel),
            *prefect.main(snel),
            _web(web.main([*(["--aantal", "20", "--clients", "4"] if args.snel else []), *postgres])),
        ]
    uitslag = schrijf(regels, args.uit, snel=args.snel)
    if not args.snel:
        in_readme(uitslag)
    print(f"\n{uitslag['datum']}, {uitslag['machine']}\n")
    print(toon(regels))
    return uitslag


def _web(uitkomst: web.Uitkomst) -> Regel:
    return Regel(
        f"one-click answers through the web on PostgreSQL, {uitkomst.aantal} by {uitkomst.clients} clients (issue 10)",
        "-",
        f"{uitkomst.web_per_s:,.0f}/s; POST p50 {uitkomst.p50 * 1000:.0f} ms, p99 {uitkomst.p99 * 1000:.0f} ms",
        f"{uitkomst.web_per_s / uitkomst.direct_per_s:.2f} of the use case called directly",
    )


if __name__ == "__main__":
    main()
