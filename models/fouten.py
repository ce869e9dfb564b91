"""Spec problems as a coordinator reads them: `processen/x.yaml:12: planning.rrule: message`.

Pydantic's errors are translated here, into Dutch: list items are named by their id, union tags are dropped
from the path, unknown keys get a "Bedoelt u ...?", and every message names the value that was wrong.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.functional_validators import PlainValidator

from models.yamlbron import Pad, YamlBron


@dataclass(frozen=True, order=True)
class Probleem:
    """One problem in one file, at one line and field."""

    bestand: str
    regel: int
    veld: str
    bericht: str

    def __str__(self) -> str:
        return f"{self.bestand}:{self.regel}: {self.veld}: {self.bericht}"


def probleem(bestand: str, bron: YamlBron, pad: Pad, bericht: str) -> Probleem:
    return Probleem(bestand, bron.regel(pad), bron.veldnaam(pad), bericht)


def vertaal(fout: ValidationError, model: type[BaseModel], bestand: str, bron: YamlBron) -> list[Probleem]:
    """Every pydantic error of one file as a Probleem, in file order."""
    problemen = []
    for e in fout.errors(include_url=False):
        pad, ouder = _volg(model, e["loc"])
        problemen.append(probleem(bestand, bron, pad, _bericht(e, ouder)))
    return sorted(set(problemen))


_PYDANTIC: dict[str, str] = {
    "string_type": "verwacht tekst",
    "string_too_long": "te lang (hoogstens {max_length} tekens)",
    "bool_type": "verwacht true of false",
    "bool_parsing": "verwacht true of false",
    "int_type": "verwacht een geheel getal",
    "int_parsing": "verwacht een geheel getal",
    "int_from_float": "verwacht een geheel getal",
    "float_type": "verwacht een getal",
    "float_parsing": "verwacht een getal",
    "greater_than": "moet groter zijn dan {gt}",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "less_than_equal": "mag hoogstens {le} zijn",
    "set_type": "verwacht een lijst, bijv. [a, b]",
    "tuple_type": "verwacht een lijst, bijv. [a, b]",
}
"""Pydantic's error types in Dutch; `{...}` are filled from the error's context."""


def _bericht(e: dict[str, Any], ouder: Any) -> str:
    soort, invoer, context = e["type"], e.get("input"), e.get("ctx") or {}
    if soort == "missing":
        return "verplicht, maar ontbreekt"
    if soort == "extra_forbidden":
        return _onbekende_sleutel(str(e["loc"][-1]), ouder)
    if soort in ("value_error", "assertion_error"):
        return e["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if soort.startswith("planning"):
        return e["msg"]
    if soort == "string_pattern_mismatch":
        return f"{invoer!r}: gebruik kleine letters, cijfers en streepjes, en begin met een letter"
    if soort in ("model_type", "model_attributes_type", "dict_type"):
        verwacht = _kern(_kind(ouder, e["loc"][-1])) if e["loc"] else None
        velden = f" ({', '.join(_sleutels(verwacht))})" if _is_model(verwacht) else ""
        return f"{invoer!r}: verwacht sleutels met een waarde{velden}"
    if soort == "list_type":
        return f"{invoer!r}: verwacht een lijst, bijv. [a, b]"
    if soort.startswith("date") or soort.startswith("time"):
        wat = "datum (JJJJ-MM-DD)" if soort.startswith("date") else "tijd (UU:MM, uur 0-23, minuut 0-59)"
        return f"{invoer!r}: geen geldige {wat}"
    if soort in ("literal_error", "enum"):
        keuzes = str(context.get("expected", ""))
        voor, _, laatste = keuzes.rpartition(" or ")
        return f"{invoer!r}: kies {f'{voor} of {laatste}' if voor else keuzes}"
    if soort == "string_too_short":
        minimum = context.get("min_length", 1)
        return "mag niet leeg zijn" if minimum == 1 else f"{invoer!r}: te kort (minstens {minimum} tekens)"
    if soort == "too_long":
        return f"te veel: hoogstens {context.get('max_length')}, nu {context.get('actual_length')}"
    if soort == "too_short":
        minimum = context.get("min_length", 1)
        if minimum == 1:
            return "de lijst is leeg; noem er minstens één"
        return f"noem er minstens {minimum} (nu {context.get('actual_length', 0)})"
    try:
        bericht = _PYDANTIC[soort].format(**context)
    except (KeyError, IndexError):
        return "ongeldige waarde" if invoer is None else f"{invoer!r} is hier geen geldige waarde"
    return bericht if invoer is None else f"{invoer!r}: {bericht}"


def _onbekende_sleutel(sleutel: str, model: Any) -> str:
    if not _is_model(model):
        return "onbekende sleutel"
    bekend = _sleutels(model)
    gelijkend = difflib.get_close_matches(sleutel, bekend, n=1, cutoff=0.6)
    if gelijkend:
        return f"onbekende sleutel. Bedoelt u '{gelijkend[0]}'?"
    return f"onbekende sleutel (hier kunnen staan: {', '.join(bekend)})"


def _volg(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Pad, Any]:
    """Walk `loc` through the types: the path as written in the YAML, and the type of the last parent."""
    pad: list[str | int] = []
    soort: Any = model
    ouder: Any = model
    for stuk in loc:
        soort = _kern(soort)
        leden = _getagde_leden(soort)
        if leden is not None:
            soort = leden.get(stuk)
            continue
        ouder = soort
        pad.append(stuk)
        soort = _kind(soort, stuk)
    return tuple(pad), ouder


def _kind(soort: Any, stuk: str | int) -> Any:
    if _is_model(soort):
        velden = {veld.alias or naam: veld for naam, veld in soort.model_fields.items()}
        return velden[stuk].annotation if stuk in velden else None
    argumenten = typing.get_args(soort)
    if typing.get_origin(soort) is list and argumenten:
        return argumenten[0]
    if typing.get_origin(soort) is dict and argumenten:
        return argumenten[1]
    return None


def _kern(soort: Any) -> Any:
    """Strip `X | None`, and Annotated wrappers that are not a discriminated union."""
    while True:
        if typing.get_origin(soort) in (typing.Union, types.UnionType):
            zonder_none = [a for a in typing.get_args(soort) if a is not type(None)]
            if len(zonder_none) == 1:
                soort = zonder_none[0]
                continue
        if typing.get_origin(soort) is typing.Annotated and _getagde_leden(soort) is None:
            basis, *extra = typing.get_args(soort)
            if any(isinstance(m, PlainValidator) for m in extra):
                return None
            soort = basis
            continue
        return soort


def _getagde_leden(soort: Any) -> dict[str, Any] | None:
    """For a discriminated union (pydantic strips its outer Annotated from field annotations), its
    members by tag; else None."""
    if typing.get_origin(soort) is typing.Annotated:
        soort = typing.get_args(soort)[0]
    if typing.get_origin(soort) not in (typing.Union, types.UnionType):
        return None
    leden = {}
    for lid in typing.get_args(soort):
        if typing.get_origin(lid) is typing.Annotated:
            model, *extra = typing.get_args(lid)
            leden.update({m.tag: model for m in extra if hasattr(m, "tag")})
    return leden or None


def _is_model(soort: Any) -> bool:
    return isinstance(soort, type) and issubclass(soort, BaseModel)


def _sleutels(model: type[BaseModel]) -> list[str]:
    """The keys a spec author writes: aliases where a field has one."""
    return [veld.alias or naam for naam, veld in model.model_fields.items()]
