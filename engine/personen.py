"""Persons: importing the HR export (CSV) or a YAML list, and selecting a doelgroep.

An import is all or nothing: a bad row names its row number, column and reason, and nothing of that file
is stored. Persons are matched on `extern_id`; a person missing from a new import becomes inactive, with
their history kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session, func, or_, select

from engine.gebeurtenissen import registreer
from models.doelgroep import Doelgroep
from models.tabellen import Persoon

DEMO = Path(__file__).resolve().parents[1] / "demo" / "organisatie.csv"
_JA = {"ja", "j", "yes", "y", "true", "1", "waar"}
_NEE = {"nee", "n", "no", "false", "0", "onwaar", ""}


class PersoonInvoer(BaseModel):
    """One row of an import, as HR systems export it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    extern_id: str = Field(min_length=1, max_length=64)
    naam: str = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    rollen: list[str] = Field(min_length=1)
    fractie: str | None = None
    team: str | None = None
    afdeling: str | None = None
    functie: str | None = None
    leidinggevende: str | None = None
    schaal: int | None = Field(None, ge=1, le=20)
    inhuur: bool = False
    ambtseed: bool = False

    @field_validator("email")
    @classmethod
    def _kleine_letters(cls, waarde: str) -> str:
        return waarde.lower()

    @field_validator("rollen", mode="before")
    @classmethod
    def _rollen(cls, waarde: Any) -> Any:
        return [r.strip() for r in waarde.split(";") if r.strip()] if isinstance(waarde, str) else waarde

    @field_validator("inhuur", "ambtseed", mode="before")
    @classmethod
    def _janee(cls, waarde: Any) -> Any:
        if isinstance(waarde, str):
            if waarde.strip().lower() in _JA:
                return True
            if waarde.strip().lower() in _NEE:
                return False
            raise ValueError(f"'{waarde}' is not ja or nee")
        return waarde

    @field_validator("fractie", "team", "afdeling", "functie", "leidinggevende", "schaal", mode="before")
    @classmethod
    def _leeg_is_niets(cls, waarde: Any) -> Any:
        return None if waarde == "" else waarde


class OngeldigeImport(Exception):
    """The file was refused; `problemen` holds one line per bad field: `row 12, column email: reason`."""

    def __init__(self, bestand: str, problemen: list[str]) -> None:
        super().__init__("\n".join(f"{bestand}: {p}" for p in problemen))
        self.problemen = problemen


@dataclass(frozen=True)
class Importverslag:
    nieuw: int
    gewijzigd: int
    ongewijzigd: int
    inactief: int


def lees_bestand(pad: Path, bekende_rollen: set[str]) -> list[PersoonInvoer]:
    """Every row of a CSV or YAML file, validated; raises OngeldigeImport listing every bad row."""
    tekst = pad.read_text(encoding="utf-8-sig")
    rijen = _yaml_rijen(tekst) if pad.suffix.lower() in (".yaml", ".yml") else _csv_rijen(tekst)
    problemen, personen, gezien = [], [], {}
    for nummer, rij in rijen:
        try:
            persoon = PersoonInvoer.model_validate(rij)
        except ValidationError as fout:
            problemen += [f"row {nummer}, column {_kolom(e['loc'])}: {_reden(e)}" for e in fout.errors()]
            continue
        onbekend = [r for r in persoon.rollen if r not in bekende_rollen]
        if onbekend:
            problemen.append(f"row {nummer}, column rollen: unknown role '{onbekend[0]}' (see rollen.yaml)")
        if persoon.extern_id in gezien:
            problemen.append(
                f"row {nummer}, column extern_id: '{persoon.extern_id}' is also on row {gezien[persoon.extern_id]}"
            )
        gezien[persoon.extern_id] = nummer
        personen.append(persoon)
    if problemen:
        raise OngeldigeImport(str(pad), problemen)
    if not personen:
        raise OngeldigeImport(str(pad), ["the file has no persons"])
    return personen


def importeer(session: Session, personen: list[PersoonInvoer], nu: datetime) -> Importverslag:
    """Store `personen` (matched on extern_id); anyone active and not in the list becomes inactive."""
    bestaand = {p.extern_id: p for p in session.exec(select(Persoon))}
    nieuw = gewijzigd = 0
    for invoer in personen:
        velden = invoer.model_dump() | {"rollen": ";".join(invoer.rollen), "actief": True}
        persoon = bestaand.pop(invoer.extern_id, None)
        if persoon is None:
            persoon = Persoon(**velden, bijgewerkt=nu)
            session.add(persoon)
            session.flush()
            registreer(session, soort="persoon-toegevoegd", nu=nu, persoon_id=persoon.id)
            nieuw += 1
        elif any(getattr(persoon, k) != v for k, v in velden.items()):
            veranderd = sorted(k for k, v in velden.items() if getattr(persoon, k) != v)
            for k, v in velden.items():
                setattr(persoon, k, v)
            persoon.bijgewerkt = nu
            registreer(session, soort="persoon-gewijzigd", nu=nu, persoon_id=persoon.id, velden=veranderd)
            gewijzigd += 1
    inactief = 0
    for persoon in bestaand.values():
        if persoon.actief:
            persoon.actief, persoon.bijgewerkt = False, nu
            registreer(session, soort="persoon-inactief", nu=nu, persoon_id=persoon.id)
            inactief += 1
    return Importverslag(nieuw, gewijzigd, len(personen) - nieuw - gewijzigd, inactief)


def leden(session: Session, doelgroep: Doelgroep) -> list[Persoon]:
    """Active persons in `doelgroep`, in a stable order."""
    # LIKE narrows in the database; the exact role check follows in Python.
    rol_filter = or_(*(Persoon.rollen.like(f"%{rol}%") for rol in doelgroep.rollen))
    kandidaten = session.exec(select(Persoon).where(Persoon.actief, rol_filter).order_by(Persoon.id))
    return [p for p in kandidaten if doelgroep.omvat(p.rolset, p.kenmerken)]


def laatste_wijziging(session: Session) -> datetime | None:
    """When any person last changed: a doelgroep needs re-checking only after that."""
    return session.exec(select(func.max(Persoon.bijgewerkt))).one()


def _csv_rijen(tekst: str) -> list[tuple[int, dict[str, str]]]:
    scheiding = ";" if tekst.split("\n", 1)[0].count(";") > tekst.split("\n", 1)[0].count(",") else ","
    lezer = csv.DictReader(io.StringIO(tekst), delimiter=scheiding)
    return [(nummer, {k: (v or "") for k, v in rij.items()}) for nummer, rij in enumerate(lezer, start=2)]


def _yaml_rijen(tekst: str) -> list[tuple[int, dict[str, Any]]]:
    data = yaml.safe_load(tekst)
    lijst = data.get("personen") if isinstance(data, dict) else data
    if not isinstance(lijst, list):
        raise OngeldigeImport("yaml", ["expected a list of persons (or a mapping with 'personen:')"])
    return [(nummer, rij if isinstance(rij, dict) else {"": rij}) for nummer, rij in enumerate(lijst, start=1)]


def _kolom(loc: tuple) -> str:
    return str(loc[0]) if loc else "?"


def _reden(e: dict[str, Any]) -> str:
    if e["type"] == "missing":
        return "required, but empty or missing"
    if e["type"] == "extra_forbidden":
        return "unknown column"
    return f"{e.get('input')!r}: {e['msg'].removeprefix('Value error, ')}"
