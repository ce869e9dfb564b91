"""Versions and their rules: an entry is never overwritten; every change is a new version of its regel.

Reading a stored version (`versie`), the versions of a person's register per regel, storing checked entries as
new versions (`stel_voor`, which replaces a proposal still waiting), replacing what an accepted version overtook,
and the fields of an entry as people read them.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, select

from models.registers import REGISTERS
from models.statussen import Regelstatus, overgang
from models.tabellen import Registerregel


@dataclass(frozen=True)
class Versie:
    """One version of one register entry, its `velden` as Python values (date, Decimal, bool, str, None)."""

    id: int
    regel: str
    versie: int
    persoon_id: int
    register: str
    proces: str | None
    velden: dict[str, Any] | None
    tekst: str | None
    status: Regelstatus
    ingediend: datetime
    kanaal: str
    verzoek_id: int | None
    antwoord_id: int | None
    beoordeeld: datetime | None
    beoordelaar_id: int | None
    opmerking: str | None

    @property
    def tot(self) -> date | None:
        tot = (self.velden or {}).get("tot")
        return date.fromisoformat(tot) if isinstance(tot, str) else tot


Controle = tuple[str | None, dict[str, Any] | None, Registerregel | None]
"""A checked entry: its regel (None: new), its fields as JSON values, and the version it follows."""


def versie(rij: Registerregel) -> Versie:
    return Versie(
        id=rij.id,
        regel=rij.regel,
        versie=rij.versie,
        persoon_id=rij.persoon_id,
        register=rij.register_naam,
        proces=rij.proces,
        velden=_python(rij.register_naam, rij.velden),
        tekst=rij.tekst,
        status=Regelstatus(rij.status),
        ingediend=rij.ingediend,
        kanaal=rij.kanaal,
        verzoek_id=rij.verzoek_id,
        antwoord_id=rij.antwoord_id,
        beoordeeld=rij.beoordeeld,
        beoordelaar_id=rij.beoordelaar_id,
        opmerking=rij.opmerking,
    )


def _python(register: str, velden: str | None) -> dict[str, Any] | None:
    if velden is None:
        return None
    ruw = json.loads(velden)
    model = REGISTERS.get(register)
    if model is None:
        return ruw
    try:
        return model.model_validate(ruw).model_dump()
    except ValidationError:  # stored under an older model: shown as stored
        return ruw


def versies_per_regel(
    session: Session, persoon_id: int, register: str, met_tekst: bool = False
) -> dict[str, list[Registerregel]]:
    """Every version of the person's register, per regel, newest first; free text only `met_tekst`."""
    per_regel: dict[str, list[Registerregel]] = defaultdict(list)
    vraag = select(Registerregel).where(Registerregel.persoon_id == persoon_id, Registerregel.register_naam == register)
    if not met_tekst:
        vraag = vraag.where(Registerregel.velden.is_not(None))
    for rij in session.exec(vraag.order_by(Registerregel.regel, Registerregel.versie.desc())):
        per_regel[rij.regel].append(rij)
    return per_regel


def stel_voor(
    session: Session,
    gecontroleerd: list[Controle],
    *,
    persoon_id: int,
    register: str,
    proces: str | None,
    nu: datetime,
    kanaal: str,
    verzoek_id: int | None = None,
    antwoord_id: int | None = None,
    status: Regelstatus = Regelstatus.VOORGESTELD,
    beoordelaar_id: int | None = None,
    tekst: str | None = None,
) -> list[int]:
    """Store the checked entries as new versions; a proposal still waiting for the same regel is replaced. Free
    `tekst` without entries (a reply in words) is a version of its own, for the eigenaar to turn into entries."""
    rijen = []
    for regel, velden, laatste in gecontroleerd or ([(None, None, None)] if tekst else []):
        if laatste is not None and laatste.status == Regelstatus.VOORGESTELD:
            laatste.status = overgang(laatste.status, Regelstatus.VERVANGEN)
        rij = Registerregel(
            regel=regel or uuid.uuid4().hex,
            versie=laatste.versie + 1 if laatste else 1,
            persoon_id=persoon_id,
            register_naam=register,
            proces=proces,
            velden=None if velden is None else json.dumps(velden, ensure_ascii=False, sort_keys=True),
            tekst=tekst if velden is None else None,
            status=status,
            ingediend=nu,
            kanaal=kanaal,
            verzoek_id=verzoek_id,
            antwoord_id=antwoord_id,
            beoordeeld=nu if status == Regelstatus.AANVAARD else None,
            beoordelaar_id=beoordelaar_id,
        )
        session.add(rij)
        rijen.append(rij)
    session.flush()
    return [r.id for r in rijen]


def vervang_eerdere(session: Session, aanvaard_: Registerregel) -> None:
    """The version accepted before `aanvaard_` (same regel) is vervangen; so is a proposal it overtook."""
    for eerder in session.exec(
        select(Registerregel).where(
            Registerregel.regel == aanvaard_.regel,
            Registerregel.id != aanvaard_.id,
            Registerregel.status.in_((Regelstatus.AANVAARD, Regelstatus.VOORGESTELD)),
            Registerregel.versie < aanvaard_.versie,
        )
    ):
        eerder.status = overgang(eerder.status, Regelstatus.VERVANGEN)
    session.flush()


def weergave(register: str, velden: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields of an entry as (title, text) for a message: ja/nee, 1-3-2027, € 75,50; empty ones left out."""
    model = REGISTERS[register]
    return [
        (veld.title or naam, als_tekst(model, naam, velden.get(naam)))
        for naam, veld in model.model_fields.items()
        if velden.get(naam) not in (None, "")
    ]


def als_tekst(model: type[BaseModel], naam: str, waarde: Any) -> str:
    """Field `naam` of a `model` entry as people read it (its Python or its JSON value): ja/nee, 1-3-2027,
    € 75,50; nothing as ''."""
    if waarde is None:
        return ""
    soort = str(model.model_fields[naam].annotation)  # e.g. "<class 'bool'>", "datetime.date | None"
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    if "date" in soort:
        dag = waarde if isinstance(waarde, date) else date.fromisoformat(str(waarde))
        return f"{dag.day}-{dag.month}-{dag.year}"
    if "Decimal" in soort:
        return "€ " + f"{Decimal(str(waarde)):.2f}".replace(".", ",")
    return str(waarde)
