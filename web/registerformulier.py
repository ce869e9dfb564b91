"""A register's entries as form fields, made from its pydantic model (`models.registers`): every field a
person fills (not those marked `alleen_eigenaar`) with its Dutch title and description, named
`regels-<index>-<veld>`; and the posted form back as one dict of values per entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.registers import REGISTERS, alleen_eigenaar, verplicht_als


@dataclass(frozen=True)
class Veld:
    naam: str
    titel: str
    uitleg: str
    soort: str  # tekst, lang, ja-nee, datum, bedrag
    verplicht: bool
    voorwaarde: str | None = None
    """When an optional field must be filled after all, said beside its label."""
    maximum: int | None = None
    """The most characters a text takes (the input's `maxlength`, and said in the hint)."""

    @property
    def hint(self) -> str:
        """The description, with how to write a date or amount and the limit, before anyone types."""
        extra = {"datum": "Bijvoorbeeld 1 maart 2027.", "bedrag": "Bijvoorbeeld 75 of 75,50."}.get(self.soort, "")
        limiet = f"Hoogstens {self.maximum} tekens." if self.maximum else ""
        return " ".join(d for d in (self.uitleg, extra, limiet) if d)


def velden(register: str, *, eigenaar: bool = False) -> list[Veld]:
    """The fields of `register` a person fills (`eigenaar=True`: all of them, for the review)."""
    model = REGISTERS[register]
    verborgen = set() if eigenaar else alleen_eigenaar(model)
    return [
        Veld(
            naam, v.title or naam, v.description or "", _soort(v), v.is_required(), verplicht_als(model, naam), _max(v)
        )
        for naam, v in model.model_fields.items()
        if naam not in verborgen
    ]


def _max(veld) -> int | None:
    return next((m.max_length for m in veld.metadata if getattr(m, "max_length", None)), None)


def _soort(veld) -> str:
    soort = str(veld.annotation)
    if "bool" in soort:
        return "ja-nee"
    if "date" in soort:
        return "datum"
    if "Decimal" in soort:
        return "bedrag"
    return "lang" if (_max(veld) or 0) > 500 else "tekst"


def veld_id(index: int, veld: str) -> str:
    return f"regels-{index}-{veld}"


def lees_regels(gegevens: dict[str, Any], register: str) -> list[dict[str, str]]:
    """The posted entries, in index order: the text of every field (an unticked box is ''), and the hidden
    `regel` key of an existing entry."""
    indexen = sorted({int(k.split("-")[1]) for k in gegevens if k.startswith("regels-") and k.split("-")[1].isdigit()})
    namen = [v.naam for v in velden(register)] + ["regel"]
    return [{naam: een(gegevens.get(veld_id(i, naam), "")) for naam in namen} for i in indexen]


def een(waarde: Any) -> str:
    """One posted value as text (the last of several)."""
    if isinstance(waarde, list):
        waarde = waarde[-1] if waarde else ""
    return str(waarde)


def als_tekst(waarde: Any) -> str:
    """A stored value as the form shows it again: ja/nee, 1-3-2027, 75,50."""
    if waarde is None:
        return ""
    if isinstance(waarde, bool):
        return "ja" if waarde else ""
    if hasattr(waarde, "isoformat") and len(str(waarde)) == 10:
        return f"{waarde.day}-{waarde.month}-{waarde.year}"
    return str(waarde)
