"""Inzage (AVG art. 15): everything the engine holds about one person, as plain data ready for JSON.

Per person: the person as imported; their verzoeken with the ronde each belonged to; their answers; the messages
to them or about their verzoeken; the incoming mail from them or about their verzoeken (raw, as far as retention
left it); every version of every register entry; and the audit events about them or their verzoeken.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, SQLModel, select

from models.gebruikersfouten import Gebruikersfout
from models.tabellen import Antwoord, Bericht, Gebeurtenis, Inkomend, Persoon, Registerregel, Ronde, Verzoek


class OnbekendPersoon(Gebruikersfout):
    """No person with that email address, number or extern_id."""


def personen(session: Session, wie: str) -> list[Persoon]:
    """The persons `wie` names: an email address (any case; someone imported twice is everyone with it), the
    engine's number, or the extern_id from the HR export. Raises OnbekendPersoon."""
    wie = wie.strip()
    if "@" in wie:
        voorwaarde = func.lower(Persoon.email) == wie.lower()
    else:
        voorwaarde = or_(Persoon.extern_id == wie, Persoon.id == (int(wie) if wie.isdigit() else -1))
    gevonden = list(session.exec(select(Persoon).where(voorwaarde).order_by(Persoon.id)))
    if not gevonden:
        raise OnbekendPersoon(
            f"Geen persoon met e-mailadres, nummer of extern_id '{wie}'; de motor heeft niets over deze persoon."
        )
    return gevonden


def dossier(session: Session, persoon: Persoon) -> dict[str, Any]:
    """Everything held about `persoon`."""
    verzoeken = session.exec(
        select(Verzoek, Ronde).join(Ronde, Ronde.id == Verzoek.ronde_id).where(Verzoek.persoon_id == persoon.id)
    ).all()
    verzoek_ids = [v.id for v, _ in verzoeken]
    return {
        "persoon": _rij(persoon),
        "verzoeken": [
            _rij(v)
            | {"ronde": {"proces": r.proces, "stap": r.stap, "startdatum": r.startdatum, "deadline": r.deadline}}
            for v, r in verzoeken
        ],
        "antwoorden": _alle(session, Antwoord, Antwoord.verzoek_id.in_(verzoek_ids)),
        "berichten": _berichten(session, persoon, verzoek_ids),
        "inkomend": [
            _rij(i, uitgezonderd={"ruw"}) | {"ruw": i.ruw.decode("utf-8", "replace") or None}
            for i in session.exec(
                select(Inkomend)
                .where(
                    or_(Inkomend.verzoek_id.in_(verzoek_ids), func.lower(Inkomend.afzender) == persoon.email.lower())
                )
                .order_by(Inkomend.id)
            )
        ],
        "registers": _registers(session, persoon),
        "gebeurtenissen": _alle(
            session, Gebeurtenis, or_(Gebeurtenis.persoon_id == persoon.id, Gebeurtenis.verzoek_id.in_(verzoek_ids))
        ),
    }


def _berichten(session: Session, persoon: Persoon, verzoek_ids: list[int]) -> list[dict[str, Any]]:
    """The messages of their verzoeken, and every message addressed to them (escalations, notices, tasks)."""
    adres = persoon.email.lower()
    kandidaten = session.exec(
        select(Bericht)
        .where(or_(Bericht.verzoek_id.in_(verzoek_ids), func.lower(Bericht.aan).contains(adres)))
        .order_by(Bericht.id)
    )
    return [
        _rij(b)
        for b in kandidaten
        if b.verzoek_id in verzoek_ids or adres in {a.strip().lower() for a in b.aan.split(",")}
    ]


def _registers(session: Session, persoon: Persoon) -> list[dict[str, Any]]:
    """Per entry, every version oldest first."""
    regels: dict[str, dict[str, Any]] = {}
    for versie in session.exec(
        select(Registerregel)
        .where(Registerregel.persoon_id == persoon.id)
        .order_by(Registerregel.regel, Registerregel.versie)
    ):
        regel = regels.setdefault(
            versie.regel, {"regel": versie.regel, "register": versie.register_naam, "versies": []}
        )
        regel["versies"].append(_rij(versie))
    return list(regels.values())


def _alle(session: Session, tabel: type[SQLModel], voorwaarde) -> list[dict[str, Any]]:
    return [_rij(r) for r in session.exec(select(tabel).where(voorwaarde).order_by(tabel.id))]


def _rij(rij: SQLModel, uitgezonderd: set[str] | None = None) -> dict[str, Any]:
    return rij.model_dump(exclude=uitgezonderd)
