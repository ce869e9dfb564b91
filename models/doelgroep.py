"""Who gets a verzoek: roles, narrowed by conditions on person attributes (`schaal >= 14`, `niet inhuur`)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
}
"""Person attributes a voorwaarde may test, with their type (the persons table carries the same)."""

_OPERATOREN: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_VERGELIJKING = re.compile(r"^(?P<kenmerk>[a-z_-]+)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<waarde>.+)$")
_VLAG = re.compile(r"^(?P<niet>niet\s+)?(?P<kenmerk>[a-z_-]+)$")


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


def parse_voorwaarde(waarde: Any) -> Voorwaarde:
    if isinstance(waarde, Voorwaarde):
        return waarde
    tekst = str(waarde).strip()
    if m := _VLAG.match(tekst):
        kenmerk = _bekend(m["kenmerk"], tekst)
        if KENMERKEN[kenmerk] is not bool:
            voorbeeld = f"{kenmerk} >= 14" if KENMERKEN[kenmerk] is int else f"{kenmerk} == X"
            raise ValueError(f"'{tekst}': {kenmerk} is geen ja/nee-kenmerk; vergelijk het, bijv. '{voorbeeld}'")
        return Voorwaarde(tekst, kenmerk, "==", not m["niet"])
    m = _VERGELIJKING.match(tekst)
    if not m:
        raise ValueError(
            f"'{tekst}' is geen voorwaarde; schrijf bijv. 'schaal >= 14', 'fractie == X', 'inhuur' of 'niet inhuur'"
        )
    kenmerk = _bekend(m["kenmerk"], tekst)
    soort, op, rauw = KENMERKEN[kenmerk], m["op"], m["waarde"].strip().strip("'\"")
    if soort is bool:
        raise ValueError(f"'{tekst}': {kenmerk} is ja of nee; schrijf '{kenmerk}' of 'niet {kenmerk}'")
    if soort is int:
        if not re.fullmatch(r"-?\d+", rauw):
            raise ValueError(
                f"'{tekst}': {kenmerk} is een getal; vergelijk het met een geheel getal, bijv. '{kenmerk} >= 14'"
            )
        return Voorwaarde(tekst, kenmerk, op, int(rauw))
    if op not in ("==", "!="):
        raise ValueError(f"'{tekst}': {kenmerk} is tekst; vergelijk het met == of !=, bijv. '{kenmerk} == {rauw}'")
    return Voorwaarde(tekst, kenmerk, op, rauw)


def _bekend(kenmerk: str, tekst: str) -> str:
    if kenmerk not in KENMERKEN:
        raise ValueError(f"'{tekst}': onbekend kenmerk '{kenmerk}' (bekend: {', '.join(KENMERKEN)})")
    return kenmerk


VoorwaardeVeld = Annotated[
    Voorwaarde,
    PlainValidator(parse_voorwaarde),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "A condition on a person attribute: 'schaal >= 14', 'inhuur', 'niet inhuur', "
            f"'fractie == X'. Attributes: {', '.join(KENMERKEN)}.",
            "examples": ["schaal >= 14", "niet inhuur"],
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
