"""One row of the benchmark table, and the table itself: printed for people, written as JSON beside it."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

UITSLAG = Path(__file__).with_name("uitslag.json")
"""Where `python -m benchmarks` writes the latest table (the README shows it)."""
README = Path(__file__).resolve().parents[1] / "README.md"
_BEGIN, _EINDE = "<!-- benchmarks:begin -->", "<!-- benchmarks:end -->"


@dataclass(frozen=True)
class Regel:
    """One figure: what is measured, its goal, the value now, and the ratio to its baseline in the same run."""

    cijfer: str
    doel: str
    nu: str
    verhouding: str = "-"


def toon(regels: list[Regel]) -> str:
    """The rows as a Markdown table (readable in a terminal and pasteable into the README)."""
    kop = ("figure", "goal", "now", "baseline ratio")
    rijen = [kop, *((r.cijfer, r.doel, r.nu, r.verhouding) for r in regels)]
    breedtes = [max(len(rij[i]) for rij in rijen) for i in range(len(kop))]
    lijnen = ["| " + " | ".join(c.ljust(b) for c, b in zip(rij, breedtes, strict=True)) + " |" for rij in rijen]
    return "\n".join([lijnen[0], "|" + "|".join("-" * (b + 2) for b in breedtes) + "|", *lijnen[1:]])


def machine() -> str:
    """Which machine measured: processor count and model, Python."""
    model = next(
        (r.split(":", 1)[1].strip() for r in _cpuinfo().splitlines() if r.startswith("model name")), platform.machine()
    )
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}, {platform.system()}"


def schrijf(regels: list[Regel], pad: Path, *, snel: bool) -> dict:
    """Write the table as JSON with the date and machine; returns what was written."""
    uitslag = {
        "datum": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "snel": snel,
        "regels": [asdict(r) for r in regels],
    }
    pad.write_text(json.dumps(uitslag, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return uitslag


def in_readme(uitslag: dict, pad: Path = README) -> None:
    """Put the table, with its date and machine, between the README's benchmark markers."""
    tekst = pad.read_text(encoding="utf-8")
    voor, rest = tekst.split(_BEGIN, 1)
    na = rest.split(_EINDE, 1)[1]
    tabel = toon([Regel(**r) for r in uitslag["regels"]])
    blok = f"{_BEGIN}\nLatest run: {uitslag['datum']}, {uitslag['machine']}.\n\n{tabel}\n{_EINDE}"
    pad.write_text(voor + blok + na, encoding="utf-8")


def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""
