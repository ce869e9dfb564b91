"""Persons: importing the HR export (CSV or Excel) or a YAML list, and selecting a doelgroep.

An import is all or nothing: a bad row names its row number, column and reason, and nothing of that file
is stored. Reading the file is engine/personen_bestand.py; here each row is validated against the model.
Persons are matched on `extern_id`; a person missing from a new import leaves (becomes inactive), with their
history kept. Comparing an import with what was known yields the events of people's working lives
(engine.levensloop), which start what the plan asks at such a moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from sqlmodel import Session, func, or_, select

from engine import gebeurtenissen, levensloop
from engine.personen_bestand import OngeldigeImport, Rij, getal, kolomnaam, lees_rijen, toon
from models.doelgroep import Doelgroep
from models.publicatie import vrije_slug
from models.tabellen import Persoon
from models.werkdagen import TIJDZONE

DEMO = Path(__file__).resolve().parents[1] / "demo" / "organisatie.csv"
DEMO_REGISTERS = DEMO.with_name("registers.json")
"""The demo organisation's register entries (`python -m demo.genereer` writes both files)."""
_JA = {"ja", "j", "yes", "y", "true", "1", "waar"}
_NEE = {"nee", "n", "no", "false", "0", "onwaar", ""}
# pydantic's reasons, in Dutch; `{invoer}` is the value as written
_REDENEN = {
    "extra_forbidden": "onbekende kolom",
    "string_pattern_mismatch": "{invoer}: geen geldig e-mailadres",  # email is the only field with a pattern
    "string_too_long": "{lengte} tekens; hoogstens {max_length}",
    "int_parsing": "{invoer}: geen geheel getal",
    "int_from_float": "{invoer}: geen geheel getal",
    "greater_than_equal": "{invoer}: moet minstens {ge} zijn",
    "less_than_equal": "{invoer}: mag hoogstens {le} zijn",
    "string_type": "{invoer}: verwacht tekst",
    "int_type": "{invoer}: verwacht een geheel getal",
    "bool_type": "{invoer}: verwacht ja of nee",
    "bool_parsing": "{invoer}: verwacht ja of nee",
    "list_type": "{invoer}: verwacht een lijst",
    "date_from_datetime_parsing": "{invoer}: geen datum; schrijf bijv. 2025-06-01",
    "date_from_datetime_inexact": "{invoer}: een datum zonder tijd; schrijf bijv. 2025-06-01",
    "date_parsing": "{invoer}: geen datum; schrijf bijv. 2025-06-01",
    "date_type": "{invoer}: geen datum; schrijf bijv. 2025-06-01",
}


class PersoonInvoer(BaseModel):
    """One row of an import, as HR systems export it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    extern_id: str = Field(min_length=1, max_length=64)
    naam: str = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    rollen: list[str] = Field(min_length=1)
    fractie: str | None = Field(None, max_length=200)
    team: str | None = Field(None, max_length=200)
    afdeling: str | None = Field(None, max_length=200)
    functie: str | None = Field(None, max_length=200)
    leidinggevende: str | None = Field(None, max_length=64)
    schaal: int | None = Field(None, ge=1, le=20)
    inhuur: bool = False
    ambtseed: bool = False
    in_dienst: date | None = None
    uit_dienst: date | None = None
    benoemd: date | None = Field(None, description="appointed in the row's role(s), such as vertrouwenspersoon")

    @field_validator("email")
    @classmethod
    def _kleine_letters(cls, waarde: str) -> str:
        return waarde.lower()

    @field_validator("rollen", mode="before")
    @classmethod
    def _rollen(cls, waarde: Any) -> Any:
        if isinstance(waarde, str):
            waarde = waarde.split(";")
        if isinstance(waarde, list) and all(isinstance(r, str) for r in waarde):
            return list(dict.fromkeys(r.strip() for r in waarde if r.strip()))  # once each: the column is 500 long
        return waarde

    @field_validator("inhuur", "ambtseed", mode="before")
    @classmethod
    def _janee(cls, waarde: Any) -> Any:
        if isinstance(waarde, str):
            if waarde.strip().lower() in _JA:
                return True
            if waarde.strip().lower() in _NEE:
                return False
            raise ValueError(f"{toon(waarde)} is geen ja of nee")
        return waarde

    @field_validator("*", mode="before")
    @classmethod
    def _leeg_is_niets(cls, waarde: Any, info: ValidationInfo) -> Any:
        """An empty cell of an optional column (default None) is no value."""
        return None if waarde == "" and cls.model_fields[info.field_name].default is None else waarde


_KOLOMMEN = list(PersoonInvoer.model_fields)
_VERPLICHT = {naam for naam, veld in PersoonInvoer.model_fields.items() if veld.is_required()}


@dataclass(frozen=True)
class Importverslag:
    nieuw: int
    gewijzigd: int
    ongewijzigd: int
    inactief: int


def lees_bestand(pad: Path, bekende_rollen: set[str]) -> list[PersoonInvoer]:
    """Every row of a CSV, Excel or YAML file, validated; raises OngeldigeImport listing every problem."""
    problemen, personen, gezien = [], [], {}
    for rij in lees_rijen(pad, _KOLOMMEN, _VERPLICHT):
        persoon, fouten = _controleer(rij, bekende_rollen, gezien)
        problemen += fouten
        if persoon:
            personen.append(persoon)
    if problemen:
        raise OngeldigeImport(str(pad), problemen)
    if not personen:
        raise OngeldigeImport(str(pad), ["het bestand bevat geen personen"])
    return personen


def _controleer(rij: Rij, bekende_rollen: set[str], gezien: dict[str, int]) -> tuple[PersoonInvoer | None, list[str]]:
    """The row as a person, or what is wrong with it; `gezien` collects each extern_id's row."""
    if rij.problemen:
        return None, rij.problemen
    try:
        persoon = PersoonInvoer.model_validate(rij.velden)
    except ValidationError as fout:
        return None, [f"rij {rij.nummer}, kolom {_kolom(e['loc'])}: {_reden(e)}" for e in fout.errors()]
    problemen = []
    if onbekend := [rol for rol in persoon.rollen if rol not in bekende_rollen]:
        problemen.append(f"rij {rij.nummer}, kolom rollen: onbekende rol {toon(onbekend[0])} (zie rollen.yaml)")
    if persoon.extern_id in gezien:
        problemen.append(
            f"rij {rij.nummer}, kolom extern_id: {toon(persoon.extern_id)} staat ook op rij {gezien[persoon.extern_id]}"
        )
    gezien[persoon.extern_id] = rij.nummer
    return persoon, problemen


def importeer(session: Session, personen: list[PersoonInvoer], nu: datetime) -> Importverslag:
    """Store `personen` (matched on extern_id); anyone active and not in the list leaves. What changed in each
    person's life is recorded once as its event (engine.levensloop); the first import is the starting point and
    records none."""
    bestaand = {p.extern_id: p for p in session.exec(select(Persoon))}
    bezet = {p.slug for p in bestaand.values() if p.slug}
    eerste = not bestaand
    importdag = nu.astimezone(TIJDZONE).date()
    nieuw = gewijzigd = 0
    veranderd: list[tuple[Persoon, levensloop.Stand]] = []
    for invoer in personen:
        velden = invoer.model_dump() | {"rollen": ";".join(invoer.rollen)}
        velden["actief"] = invoer.uit_dienst is None or invoer.uit_dienst > importdag
        persoon = bestaand.pop(invoer.extern_id, None)
        if persoon is None:
            voor = levensloop.Stand()
            persoon = Persoon(**velden, slug=vrije_slug(invoer.naam, bezet), bijgewerkt=nu)
            session.add(persoon)
            nieuw += 1
        elif any(getattr(persoon, k) != v for k, v in velden.items()):
            voor = levensloop.Stand.van(persoon)
            for k, v in velden.items():
                setattr(persoon, k, v)
            persoon.bijgewerkt = nu
            gewijzigd += 1
        else:
            continue
        veranderd.append((persoon, voor))
    inactief = 0
    for persoon in bestaand.values():
        if persoon.actief:
            voor = levensloop.Stand.van(persoon)
            persoon.actief, persoon.uit_dienst, persoon.bijgewerkt = False, importdag, nu
            veranderd.append((persoon, voor))
            inactief += 1
    session.flush()  # one flush gives every new person its id, in the file's order
    if eerste:
        rijen = [
            gebeurtenissen.rij(soort="persoon-toegevoegd", nu=nu, persoon_id=persoon.id) for persoon, _ in veranderd
        ]
    else:
        rijen = [r for persoon, voor in veranderd for r in levensloop.verschil(persoon, voor, importdag, nu)]
    gebeurtenissen.registreer_veel(session, rijen)
    return Importverslag(nieuw, gewijzigd, len(personen) - nieuw - gewijzigd, inactief)


def geef_slugs(session: Session, personen: list[Persoon]) -> None:
    """Give each of `personen` without a public slug theirs: a person stored by another road than the import."""
    if zonder := [p for p in personen if p.slug is None]:
        bezet = set(session.exec(select(Persoon.slug).where(Persoon.slug.is_not(None))))
        for persoon in zonder:
            persoon.slug = vrije_slug(persoon.naam, bezet)
        session.flush()


def leden(session: Session, doelgroep: Doelgroep) -> list[Persoon]:
    """Active persons in `doelgroep`, in a stable order."""
    # LIKE narrows in the database; the exact role check follows in Python.
    rol_filter = or_(*(Persoon.rollen.like(f"%{rol}%") for rol in doelgroep.rollen))
    kandidaten = session.exec(select(Persoon).where(Persoon.actief, rol_filter).order_by(Persoon.id))
    return [p for p in kandidaten if doelgroep.omvat(p.rolset, p.kenmerken)]


def laatste_wijziging(session: Session) -> datetime | None:
    """When any person last changed: a doelgroep needs re-checking only after that."""
    return session.exec(select(func.max(Persoon.bijgewerkt))).one()


def _kolom(loc: tuple) -> str:
    return kolomnaam(loc[0]) if loc else "?"


def _reden(e: dict[str, Any]) -> str:
    invoer = e.get("input")
    if e["type"] in ("missing", "string_too_short", "list_too_short") or invoer is None or invoer == "":
        return "verplicht, maar leeg of ontbreekt"
    if e["type"] == "value_error":
        return str(e["ctx"]["error"])
    lengte = getal(len(invoer)) if isinstance(invoer, str) else "?"
    sjabloon = _REDENEN.get(e["type"], "{invoer}: ongeldige waarde")
    return sjabloon.format(invoer=toon(invoer), lengte=lengte, **e.get("ctx", {}))
