"""Spec problems as a coordinator reads them: `processen/x.yaml:12: planning.rrule: message`.

Pydantic's errors are translated here: list items are named by their id, union tags are dropped from the
path, unknown keys get a "did you mean", and every message names the value that was wrong.
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


def _bericht(e: dict[str, Any], ouder: Any) -> str:
    soort, invoer = e["type"], e.get("input")
    if soort == "missing":
        return "required, but missing"
    if soort == "extra_forbidden":
        return _onbekende_sleutel(str(e["loc"][-1]), ouder)
    if soort == "value_error":
        return e["msg"].removeprefix("Value error, ")
    if soort == "string_pattern_mismatch":
        return f"{invoer!r}: use lowercase letters, digits and dashes, starting with a letter"
    if soort in ("model_type", "model_attributes_type", "dict_type"):
        velden = f" ({', '.join(_sleutels(ouder))})" if _is_model(ouder) else ""
        return f"{invoer!r}: expected a mapping of keys{velden}"
    if soort == "list_type":
        return f"{invoer!r}: expected a list, e.g. [a, b]"
    if soort.startswith("date") or soort.startswith("time"):
        return f"{invoer!r}: not a valid {'date (YYYY-MM-DD)' if soort.startswith('date') else 'time (HH:MM)'}"
    bericht = e["msg"][0].lower() + e["msg"][1:]
    return bericht if soort.startswith("planning") or invoer is None else f"{invoer!r}: {bericht}"


def _onbekende_sleutel(sleutel: str, model: Any) -> str:
    if not _is_model(model):
        return "unknown key"
    bekend = _sleutels(model)
    gelijkend = difflib.get_close_matches(sleutel, bekend, n=1, cutoff=0.6)
    if gelijkend:
        return f"unknown key. Did you mean '{gelijkend[0]}'?"
    return f"unknown key (known here: {', '.join(bekend)})"


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
