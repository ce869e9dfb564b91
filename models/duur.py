"""Durations in specs: ISO 8601 (`P2W`, `P1M`, `P10D`) or working days (`10 werkdagen`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from dateutil.relativedelta import relativedelta
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from models.werkdagen import Werkdagen

_ISO = re.compile(r"^P(?!$)(?:(?P<jaren>\d+)Y)?(?:(?P<maanden>\d+)M)?(?:(?P<weken>\d+)W)?(?:(?P<dagen>\d+)D)?$")
_WERKDAGEN = re.compile(r"^(?P<aantal>\d+)\s*werkdag(?:en)?$")
MAX_JAREN = 5
"""The longest calendar duration a spec may write: a termijn, reminder or anchor offset of more than five years
is a typing error, and dates stay far from the calendar's end."""
MAX_WERKDAGEN = 1000
"""The longest duration in working days (about four years): counting them is a loop, so it must end soon."""
_MAX_CIJFERS = 6
_IJKDAG = date(2001, 1, 1)
_VOORBEELD = (
    "schrijf ISO 8601, zoals 'P2W' (2 weken), 'P10D' (10 dagen), 'P1M' (1 maand), 'P4Y' (4 jaar), "
    "of werkdagen, zoals '10 werkdagen'"
)


@dataclass(frozen=True)
class Duur:
    """A positive length of time, in calendar units or in working days (never both)."""

    tekst: str
    delta: relativedelta = field(default_factory=relativedelta)
    werkdagen: int = 0

    def na(self, dag: date, werkdagen: Werkdagen) -> date:
        """The date this long after `dag`; working-day durations skip weekends and holidays."""
        if self.werkdagen:
            return werkdagen.plus(dag, self.werkdagen)
        return dag + self.delta

    def voor(self, dag: date) -> date:
        """The date this long before `dag` (calendar units only, as used by anchors)."""
        return dag - self.delta

    @property
    def ongeveer_dagen(self) -> float:
        """An approximate length for comparing durations of different units."""
        if self.werkdagen:
            return self.werkdagen * 7 / 5
        d = self.delta
        return d.years * 365.25 + d.months * 30.44 + d.days

    def __str__(self) -> str:
        return self.tekst


def parse_duur(waarde: Any) -> Duur:
    """Parse a spec duration; the ValueError names the value and how to write it."""
    if isinstance(waarde, Duur):
        return waarde
    if not isinstance(waarde, str):
        raise ValueError(f"{waarde!r} is geen duur: {_VOORBEELD}")
    tekst = waarde.strip()
    if tekst.startswith("-"):
        raise ValueError(f"'{tekst}' is negatief: een duur telt vooruit en moet langer zijn dan nul")
    if m := _WERKDAGEN.match(tekst):
        if len(m["aantal"]) > _MAX_CIJFERS or int(m["aantal"]) > MAX_WERKDAGEN:
            raise ValueError(f"'{tekst}' is te lang: hoogstens {MAX_WERKDAGEN} werkdagen (ongeveer vier jaar)")
        aantal = int(m["aantal"])
        if aantal == 0:
            raise ValueError(f"'{tekst}' is nul: een duur moet langer zijn dan nul")
        return Duur(tekst, werkdagen=aantal)
    m = _ISO.match(tekst.upper())
    if not m:
        raise ValueError(f"'{tekst}' is geen duur: {_VOORBEELD}")
    if any(len(v or "") > _MAX_CIJFERS for v in m.groupdict().values()):
        raise ValueError(_te_lang(tekst))
    delen = {k: int(v or 0) for k, v in m.groupdict().items()}
    delta = relativedelta(years=delen["jaren"], months=delen["maanden"], days=delen["dagen"] + 7 * delen["weken"])
    if not any(delen.values()):
        raise ValueError(f"'{tekst}' is nul: een duur moet langer zijn dan nul")
    try:
        te_lang = _IJKDAG + delta > _IJKDAG + relativedelta(years=MAX_JAREN)
    except (ValueError, OverflowError):
        te_lang = True
    if te_lang:
        raise ValueError(_te_lang(tekst))
    return Duur(tekst, delta=delta)


def _te_lang(tekst: str) -> str:
    return f"'{tekst}' is te lang: hoogstens {MAX_JAREN} jaar (P{MAX_JAREN}Y)"


DuurVeld = Annotated[
    Duur,
    PlainValidator(parse_duur),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?|\d+ ?werkdag(en)?)$",
            "description": "ISO 8601 duration (P2W, P10D, P1M, P4Y) or working days ('10 werkdagen').",
            "examples": ["P4W", "10 werkdagen"],
        }
    ),
]
"""A `Duur` as a pydantic field: parsed from text, written back as the text the coordinator wrote."""
