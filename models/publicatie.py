"""What of the registers is public, in what form: `processen/publicatie.yaml`, readable without programming.

An allowlist: a register entry is published only when a rule under `openbaar` names its register and its
person's role and attributes, and no rule under `nooit` names that person. Whatever no rule names stays
inside. A rule `per: persoon` shows every person it names, with their role, fractie and entries, or that they
have none, or that they have not answered yet; `per: functie` shows only the function name (the plan's Bijlage 4
for staff from schaal 14), never a personal name.

A person's pages have an address of their own, their public slug (`Persoon.slug`): given once, when they are
first stored (`vrije_slug`), and never changed, so a namesake who joins later gets another.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.doelgroep import Doelgroep
from models.proces import ID_PATROON, Register
from models.registers import REGISTERS


class _Strikt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True)


class Openbaar(_Strikt):
    """One public register page: which entries of whom, by name or by function, with which fields."""

    id: str = Field(
        pattern=ID_PATROON,
        max_length=60,
        description="Name of the page and the open-data files (id.json, id.csv); permanent.",
        examples=["nevenfuncties-bestuur"],
    )
    titel: str = Field(min_length=1, description="Heading of the public page.", examples=["Nevenfuncties"])
    uitleg: str = Field("", description="A sentence for the reader: what this list is and why it is public.")
    bron: str = Field(min_length=1, description="Where the plan or the law asks for it.", examples=["Actie 5"])
    # `register` is also a method of pydantic's metaclass, so the attribute carries another name (as in Proces).
    register_naam: Register = Field(
        alias="register", description="The register whose entries are shown.", examples=["nevenfuncties"]
    )
    wie: Doelgroep = Field(description="Whose entries: roles, narrowed by conditions (e.g. 'schaal >= 14').")
    per: Literal["persoon", "functie"] = Field(
        description="persoon: one page per person, with the name; functie: one page per function name, "
        "never a personal name.",
        examples=["persoon"],
    )
    velden: list[str] = Field(
        min_length=1,
        description="The entry's fields that are shown, in this order (the register's field names).",
        examples=[["omschrijving", "organisatie", "bezoldigd", "qq"]],
    )
    geen: str = Field(
        "Geen opgaven",
        min_length=1,
        max_length=100,
        description="What the page of a person says who confirmed they have nothing to report here (per: persoon).",
        examples=["Geen nevenfuncties"],
    )
    alleen_boven: Decimal | None = Field(
        None,
        ge=0,
        description="Only entries whose geschatte_waarde is above this amount in euro (gifts: 50).",
        examples=[50],
    )

    @model_validator(mode="after")
    def _velden_bestaan(self) -> Openbaar:
        model = REGISTERS[self.register_naam]
        if onbekend := [v for v in self.velden if v not in model.model_fields]:
            raise ValueError(
                f"register {self.register_naam} heeft geen veld {', '.join(onbekend)} "
                f"(wel: {', '.join(model.model_fields)})"
            )
        if self.alleen_boven is not None and "geschatte_waarde" not in model.model_fields:
            raise ValueError(f"alleen_boven: register {self.register_naam} kent geen geschatte waarde")
        return self


class Nooit(_Strikt):
    """Persons whose entries are never public, whatever an `openbaar` rule says: a guard on the allowlist."""

    wie: Doelgroep = Field(description="Roles and conditions of the persons this rule protects.")
    register_naam: Register | None = Field(
        None, alias="register", description="Only for this register; all registers when left out."
    )
    reden: str = Field(min_length=1, description="Why, for the reader of this file.")


class Publicatieregels(_Strikt):
    """processen/publicatie.yaml."""

    openbaar: list[Openbaar] = Field(min_length=1, description="The public register pages, in the index's order.")
    nooit: list[Nooit] = Field(default_factory=list, description="Who is never published, whatever `openbaar` says.")
    rolnamen: dict[str, str] = Field(
        default_factory=dict,
        description="How a role is named beside a person's name on the public pages, in the order shown; a person "
        "without any of these roles is shown with the description of their role in rollen.yaml.",
        examples=[{"cvdk": "Commissaris van de Koning", "gs-lid": "Gedeputeerde", "statenlid": "Statenlid"}],
    )

    @model_validator(mode="after")
    def _unieke_ids(self) -> Publicatieregels:
        ids = [o.id for o in self.openbaar]
        if dubbel := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"openbaar: id {', '.join(dubbel)} komt vaker voor; elke pagina heeft een eigen id")
        return self


SLUG_LENGTE = 200
"""The longest slug made from a name; a suffix for a namesake comes on top."""


def slug(tekst: str) -> str:
    """`tekst` as part of a web address: lower-case ASCII letters and digits joined by hyphens."""
    kaal = unicodedata.normalize("NFKD", tekst).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", kaal)[:SLUG_LENGTE].strip("-") or "zonder-naam"


def vrije_slug(naam: str, bezet: set[str]) -> str:
    """The public slug for a new person called `naam`: the slug of the name, or for a namesake of someone stored
    before (active or not: an old address never passes to another person) the same with -2, -3, ...; added to
    `bezet`."""
    basis = slug(naam)
    kandidaat, volgnummer = basis, 1
    while kandidaat in bezet:
        volgnummer += 1
        kandidaat = f"{basis}-{volgnummer}"
    bezet.add(kandidaat)
    return kandidaat
