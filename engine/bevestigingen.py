"""The stappen waiting for a logged-in person's confirmation (the web page `/bevestigen`), and that confirmation,
recorded with their name.

Who may confirm a stap: whoever it was asked of (a verzoek in its ronde), the proces's eigenaar role, and the
integriteitscoordinator. The same stap waits in the Prefect UI; whichever confirms first wins
(`antwoorden.AlBevestigd` for the other).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from engine import antwoorden, rondes
from engine.catalogus import Catalogus
from engine.registers.fouten import GeenBevoegdheid
from engine.uitgaand import COORDINATOR
from models.statussen import RondeStatus
from models.tabellen import Persoon, Ronde, Verzoek

PAD = "/bevestigen"
"""The web page of the confirmations; `PAD/<ronde id>` is one stap's form."""


def link(basis_url: str, ronde_id: int) -> str:
    """The web form that confirms this ronde's stap (the Prefect run's form links to it)."""
    return f"{basis_url.rstrip('/')}{PAD}/{ronde_id}"


@dataclass(frozen=True)
class Wachtend:
    """One stap waiting for confirmation, as the eigenaar's page shows it."""

    ronde_id: int
    proces: str
    titel: str
    stap: str | None
    betreft: str | None
    """For a ronde about one person (a gift melding): their name."""
    deadline: date


def wachtend(session: Session, *, catalogus: Catalogus, persoon: Persoon) -> list[Wachtend]:
    """The lopende stappen waiting for a confirmation that this person may give, earliest deadline first."""
    bekend = {p.id for p in catalogus.processen}
    lopend = session.exec(
        select(Ronde).where(Ronde.status == RondeStatus.LOPEND).order_by(Ronde.deadline, Ronde.id)
    ).all()
    gevraagd = _gevraagd(session, persoon, [r.id for r in lopend])
    uit = []
    for ronde in lopend:
        if ronde.proces not in bekend:
            continue
        proces, stap = rondes.spec(catalogus, ronde)
        if stap.voltooiing == "bevestiging" and _mag(persoon, proces.eigenaar, ronde.id in gevraagd):
            betreft = session.get(Persoon, ronde.persoon_id) if ronde.persoon_id else None
            uit.append(
                Wachtend(
                    ronde.id, proces.id, proces.titel, stap.titel, betreft.naam if betreft else None, ronde.deadline
                )
            )
    return uit


def bevestig(
    session: Session, *, catalogus: Catalogus, ronde_id: int, persoon: Persoon, nu: datetime, datum: date, kenmerk: str
) -> antwoorden.Vastgelegd:
    """Confirm this stap as this person, by name. Raises GeenBevoegdheid, AlBevestigd, OnbekendVerzoek."""
    ronde = session.get(Ronde, ronde_id)
    if ronde is None or ronde.proces not in {p.id for p in catalogus.processen}:
        raise antwoorden.OnbekendVerzoek("Deze stap bestaat niet (meer).")
    eigenaar = catalogus.proces(ronde.proces).eigenaar
    if not _mag(persoon, eigenaar, bool(_gevraagd(session, persoon, [ronde.id]))):
        raise GeenBevoegdheid("Deze stap bevestigt u niet.")
    return antwoorden.bevestig_ronde(
        session=session,
        catalogus=catalogus,
        ronde_id=ronde.id,
        nu=nu,
        datum=datum,
        kenmerk=kenmerk or None,
        kanaal="web",
        door=antwoorden.Wie(persoon.id, persoon.naam),
    )


def _gevraagd(session: Session, persoon: Persoon, ronde_ids: list[int]) -> set[int]:
    """Of these rondes, those in which this person has a verzoek."""
    if not ronde_ids:
        return set()
    return set(
        session.exec(select(Verzoek.ronde_id).where(Verzoek.persoon_id == persoon.id, Verzoek.ronde_id.in_(ronde_ids)))
    )


def _mag(persoon: Persoon, eigenaar: str, gevraagd: bool) -> bool:
    return gevraagd or eigenaar in persoon.rolset or COORDINATOR in persoon.rolset
