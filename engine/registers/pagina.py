"""The personal page of a verzoek: who is asked what, by when, whether an answer still counts, and the
register's entries to pre-fill, with what waits for the eigenaar and what was sent back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlmodel import Session, func, select

from engine.catalogus import Catalogus
from engine.database import instellingen_van
from engine.registers.fouten import OnbekendVerzoek
from engine.registers.invoer import antwoord_telt
from engine.registers.stand import register_op
from engine.registers.versies import Versie, versie, versies_per_regel
from engine.rondes import spec
from models.proces import Proces
from models.registers import TITELS
from models.statussen import Regelstatus
from models.tabellen import Antwoord, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE

Paginastatus = Literal["open", "beantwoord", "te-laat", "gesloten"]


@dataclass(frozen=True)
class Persoonlijkepagina:
    """What a verzoek's personal page shows and may take."""

    token: str
    persoon_id: int
    naam: str
    proces: str
    titel: str
    omschrijving: str | None
    bron: str
    stap: str | None
    gevraagd: Literal["register", "bevestiging", "antwoord"]
    """register: update the register's entries; bevestiging: the eigenaar confirms a task with a date and
    reference; antwoord: a plain answer (free text, or "geen wijzigingen" / done)."""
    bevestiger: str | None
    """Where a third party confirms per person (`bevestiging_door`): that role's description; the page is theirs,
    about the person named."""
    register: str | None
    register_titel: str | None
    invullen: tuple[str, ...]
    """For a confirmation or a plain answer: the answer's fields to fill ('datum', 'kenmerk', 'tekst')."""
    deadline: date
    status: Paginastatus
    """open; beantwoord; te-laat (after the deadline: an answer still counts, marked late); gesloten (after
    INTEGRITEIT_NAGRACE_DAGEN past the deadline, the ronde closed, or the verzoek lapsed: an answer is still taken
    and the eigenaar sees it, but it no longer counts). See `antwoord_telt`."""
    beantwoord: datetime | None
    open_tot: date | None
    """After the deadline: the last day an answer counts (late) while the ronde runs; None before it."""
    eigenaar: str
    contact: list[str]
    """Names of the eigenaar role's persons: whom to contact, e.g. when the page is gesloten."""
    regels: list[Versie]
    """The accepted entries that have not ended before today (pre-fill)."""
    voorstellen: list[Versie]
    """Proposals that wait for the eigenaar (including free text from an email)."""
    teruggestuurd: list[Versie]
    """Versions the eigenaar sent back, with the remark, and not submitted again since."""


def verzoek_bij_token(session: Session, token: str, *, op_slot: bool = False) -> tuple[Verzoek, Ronde, Persoon]:
    vraag = select(Verzoek).where(Verzoek.token == token)
    verzoek = session.exec(vraag.with_for_update() if op_slot else vraag).first() if token else None
    if verzoek is None:
        raise OnbekendVerzoek("Deze link hoort bij geen verzoek. Controleer of u de hele link uit de e-mail gebruikt.")
    return verzoek, session.get(Ronde, verzoek.ronde_id), session.get(Persoon, verzoek.persoon_id)


def pagina(session: Session, *, catalogus: Catalogus, token: str, nu: datetime) -> Persoonlijkepagina:
    verzoek, ronde, persoon = verzoek_bij_token(session, token)
    proces, stap = spec(catalogus, ronde)
    register = stap.register_naam
    status, open_tot, beantwoord = _status(session, verzoek, ronde, nu)
    regels, voorstellen, teruggestuurd = _stand(session, persoon.id, register, nu.astimezone(TIJDZONE).date())
    gevraagd = "register" if register else ("bevestiging" if stap.vraagt_datum else "antwoord")
    return Persoonlijkepagina(
        token=token,
        persoon_id=persoon.id,
        naam=persoon.naam,
        proces=proces.id,
        titel=proces.titel,
        omschrijving=proces.omschrijving,
        bron=proces.bron,
        stap=stap.titel or stap.id,
        gevraagd=gevraagd,
        bevestiger=catalogus.rollen.rollen.get(stap.bevestiging_door) if stap.bevestiging_door else None,
        register=register,
        register_titel=TITELS.get(register) if register else None,
        invullen={"register": (), "bevestiging": ("datum", "kenmerk", "tekst"), "antwoord": ("tekst",)}[gevraagd],
        deadline=ronde.deadline,
        status=status,
        beantwoord=beantwoord,
        open_tot=open_tot,
        eigenaar=catalogus.rollen.rollen.get(proces.eigenaar, proces.eigenaar),
        contact=contactpersonen(session, catalogus, proces),
        regels=regels,
        voorstellen=voorstellen,
        teruggestuurd=teruggestuurd,
    )


def _status(
    session: Session, verzoek: Verzoek, ronde: Ronde, nu: datetime
) -> tuple[Paginastatus, date | None, datetime | None]:
    nagrace = instellingen_van(session).nagrace_dagen
    eerste = session.exec(select(func.min(Antwoord.ontvangen)).where(Antwoord.verzoek_id == verzoek.id)).one()
    beantwoord = verzoek.beantwoord or eerste
    vandaag = nu.astimezone(TIJDZONE).date()
    open_tot = ronde.deadline + timedelta(days=nagrace) if vandaag > ronde.deadline else None
    if beantwoord is not None:
        return "beantwoord", open_tot, beantwoord
    if not antwoord_telt(verzoek, ronde, nu, nagrace):
        return "gesloten", None, None
    return ("te-laat" if open_tot else "open"), open_tot, None


def contactpersonen(session: Session, catalogus: Catalogus, proces: Proces) -> list[str]:
    """The active holders of the proces's eigenaar role, or the role's description when nobody holds it."""
    kandidaten = session.exec(
        select(Persoon).where(Persoon.actief, Persoon.rollen.contains(proces.eigenaar)).order_by(Persoon.naam)
    )
    namen = [p.naam for p in kandidaten if proces.eigenaar in p.rolset]
    return namen or [catalogus.rollen.rollen.get(proces.eigenaar, proces.eigenaar)]


def _stand(
    session: Session, persoon_id: int, register: str | None, vandaag: date
) -> tuple[list[Versie], list[Versie], list[Versie]]:
    """The accepted entries on `vandaag`, the pending proposals, and what was sent back and not resubmitted."""
    if register is None:
        return [], [], []
    geldend = register_op(session, persoon_id=persoon_id, register=register, peildatum=vandaag)
    per_regel = versies_per_regel(session, persoon_id, register, met_tekst=True)
    voorstellen = [versie(v) for vs in per_regel.values() for v in vs if v.status == Regelstatus.VOORGESTELD]
    terug = [versie(vs[0]) for vs in per_regel.values() if vs[0].status == Regelstatus.TERUGGESTUURD]
    return geldend, sorted(voorstellen, key=lambda v: v.id), sorted(terug, key=lambda v: v.id)


def persoon_met_email(session: Session, email: str) -> Persoon | None:
    """The active person with this address (case does not matter); None when nobody, or more than one, has it:
    a login must not guess between persons."""
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        return None
    gevonden = list(session.exec(select(Persoon).where(Persoon.actief, func.lower(Persoon.email) == email).limit(2)))
    return gevonden[0] if len(gevonden) == 1 else None
