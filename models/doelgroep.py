"""Who gets a verzoek: roles, narrowed by conditions on person attributes (`schaal >= 14`, `niet inhuur`,
`functie in [Jurist, Adviseur]`, `in_dienst >= 2027-01-01`), alternatives joined by `of`."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema

KENMERKEN: dict[str, type] = {
    "schaal": int,
    "inhuur": bool,
    "ambtseed": bool,
    "fractie": str,
    "team": str,
    "afdeling": str,
    "functie": str,
    "in_dienst": date,
    "uit_dienst": date,
    "benoemd": date,
}
"""Person attributes a voorwaarde may test, with their type (the persons table carries the same)."""

_OPERATOREN: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    "in": lambda gegeven, lijst: gegeven in lijst,
}
_VERGELIJKING = re.compile(r"^(?P<kenmerk>[a-z_-]+)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<waarde>.+)$")
_VLAG = re.compile(r"^(?P<niet>niet\s+)?(?P<kenmerk>[a-z_-]+)$")
_LIJST = re.compile(r"^(?P<kenmerk>[a-z_-]+)\s+in\s+\[(?P<lijst>[^\]]*)\]$")
_OF = re.compile(r"\s+of\s+")


@dataclass(frozen=True)
class Voorwaarde:
    """One condition on a person's attributes; `geldt` is what the core calls when selecting persons."""

    tekst: str
    kenmerk: str
    op: str
    waarde: Any

    def geldt(self, kenmerken: Mapping[str, Any]) -> bool:
        gegeven = kenmerken.get(self.kenmerk)
        if gegeven is None:
            return False
        return _OPERATOREN[self.op](gegeven, self.waarde)

    def __str__(self) -> str:
        return self.tekst


@dataclass(frozen=True)
class Of:
    """Alternatives: holds when any of them holds (`schaal >= 14 of functie in [Jurist]`)."""

    tekst: str
    delen: tuple[Voorwaarde, ...]

    def geldt(self, kenmerken: Mapping[str, Any]) -> bool:
        return any(deel.geldt(kenmerken) for deel in self.delen)

    def __str__(self) -> str:
        return self.tekst


def parse_voorwaarde(waarde: Any) -> Voorwaarde | Of:
    if isinstance(waarde, Voorwaarde | Of):
        return waarde
    tekst = str(waarde).strip()
    if len(delen := _OF.split(tekst)) > 1:
        return Of(tekst, tuple(_enkel(deel) for deel in delen))
    return _enkel(tekst)


def _enkel(tekst: str) -> Voorwaarde:
    if m := _LIJST.match(tekst):
        kenmerk = _bekend(m["kenmerk"], tekst)
        items = [item.strip().strip("'\"") for item in m["lijst"].split(",") if item.strip()]
        if not items:
            raise ValueError(f"'{tekst}': de lijst is leeg; schrijf bijv. '{kenmerk} in [Jurist, Adviseur]'")
        return Voorwaarde(tekst, kenmerk, "in", tuple(_waarde(kenmerk, item, tekst) for item in items))
    if m := _VLAG.match(tekst):
        kenmerk = _bekend(m["kenmerk"], tekst)
        if KENMERKEN[kenmerk] is not bool:
            voorbeeld = {int: f"{kenmerk} >= 14", date: f"{kenmerk} >= 2027-01-01"}.get(
                KENMERKEN[kenmerk], f"{kenmerk} == X"
            )
            raise ValueError(f"'{tekst}': {kenmerk} is geen ja/nee-kenmerk; vergelijk het, bijv. '{voorbeeld}'")
        return Voorwaarde(tekst, kenmerk, "==", not m["niet"])
    m = _VERGELIJKING.match(tekst)
    if not m:
        raise ValueError(
            f"'{tekst}' is geen voorwaarde; schrijf bijv. 'schaal >= 14', 'fractie == X', 'functie in [X, Y]', "
            "'inhuur' of 'niet inhuur'"
        )
    kenmerk = _bekend(m["kenmerk"], tekst)
    soort, op, rauw = KENMERKEN[kenmerk], m["op"], m["waarde"].strip().strip("'\"")
    if soort is str and op not in ("==", "!="):
        raise ValueError(f"'{tekst}': {kenmerk} is tekst; vergelijk het met == of !=, bijv. '{kenmerk} == {rauw}'")
    return Voorwaarde(tekst, kenmerk, op, _waarde(kenmerk, rauw, tekst))


def _waarde(kenmerk: str, rauw: str, tekst: str) -> Any:
    """`rauw` as the attribute's type, or why it cannot be."""
    soort = KENMERKEN[kenmerk]
    if soort is bool:
        raise ValueError(f"'{tekst}': {kenmerk} is ja of nee; schrijf '{kenmerk}' of 'niet {kenmerk}'")
    if soort is int:
        if not re.fullmatch(r"-?\d+", rauw):
            raise ValueError(
                f"'{tekst}': {kenmerk} is een getal; vergelijk het met een geheel getal, bijv. '{kenmerk} >= 14'"
            )
        return int(rauw)
    if soort is date:
        try:
            return date.fromisoformat(rauw)
        except ValueError:
            raise ValueError(
                f"'{tekst}': {kenmerk} is een datum; schrijf die als JJJJ-MM-DD, bijv. '{kenmerk} >= 2027-01-01'"
            ) from None
    return rauw


def _bekend(kenmerk: str, tekst: str) -> str:
    if kenmerk not in KENMERKEN:
        raise ValueError(f"'{tekst}': onbekend kenmerk '{kenmerk}' (bekend: {', '.join(KENMERKEN)})")
    return kenmerk


VoorwaardeVeld = Annotated[
    Voorwaarde | Of,
    PlainValidator(parse_voorwaarde),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A condition on a person attribute: 'schaal >= 14', 'inhuur', 'niet inhuur', "
            "'fractie == X', 'functie in [Jurist, Adviseur]', 'in_dienst >= 2027-01-01' (a date); alternatives "
            f"joined by ' of '. Attributes: {', '.join(KENMERKEN)}.",
            "examples": ["schaal >= 14", "niet inhuur", "schaal >= 14 of functie in [Jurist, Adviseur]"],
        }
    ),
]


class Doelgroep(BaseModel):
    """Persons with any of `rollen` for whom every voorwaarde holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rollen: list[str] = Field(
        min_length=1,
        description="Roles from rollen.yaml; a person with any of them is included.",
        examples=[["statenlid"], ["gs-lid", "cvdk"]],
    )
    voorwaarden: list[VoorwaardeVeld] = Field(
        default_factory=list, description="Conditions that must all hold.", examples=[["schaal >= 14"]]
    )

    def omvat(self, rollen: set[str], kenmerken: Mapping[str, Any]) -> bool:
        return bool(rollen & set(self.rollen)) and all(v.geldt(kenmerken) for v in self.voorwaarden)
