"""The state of every ronde in counts, as `integriteit status --json` and the simulator print it, with the date
each confirmed verzoek was confirmed for (the eigenaar's decision, or a third party's confirmation per person)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlmodel import Session, func, select

from models.statussen import RondeStatus, VerzoekStatus
from models.tabellen import Antwoord, Bericht, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE


def rondes_status(session: Session) -> list[dict]:
    per_status: dict[int, Counter] = defaultdict(Counter)
    for ronde_id, status, aantal in session.exec(
        select(Verzoek.ronde_id, Verzoek.status, func.count()).group_by(Verzoek.ronde_id, Verzoek.status)
    ):
        per_status[ronde_id][status] = aantal
    per_soort: dict[int, Counter] = defaultdict(Counter)
    for ronde_id, soort, aantal in session.exec(
        select(Bericht.ronde_id, Bericht.soort, func.count()).group_by(Bericht.ronde_id, Bericht.soort)
    ):
        per_soort[ronde_id][soort] = aantal
    bevestigd = bevestigingen(session)
    rondes = session.exec(select(Ronde).order_by(Ronde.startdatum, Ronde.proces, Ronde.stapnummer, Ronde.id)).all()
    functies = betreft(session, rondes)
    return [_als_dict(r, per_status[r.id], per_soort[r.id], bevestigd[r.id], functies.get(r.id)) for r in rondes]


def bevestigingen(session: Session, ronde_ids: Iterable[int] | None = None) -> dict[int, list[dict]]:
    """Ronde id -> who confirmed, or was confirmed, on which date ({persoon, datum}); of these rondes, or of all.
    `persoon` is who made the confirmation when that was not the verzoek's own person (the eigenaar logged in on
    the web, or the role through Prefect or the CLI: "statengriffie, via Prefect"), else the verzoek's person.
    A confirmation of the ronde itself (no verzoek) counted when it completed its ronde, at the moment it came."""
    per_verzoek = (
        select(Verzoek.ronde_id, func.coalesce(func.min(Antwoord.door), Persoon.naam), func.min(Antwoord.datum))
        .join(Antwoord, Antwoord.verzoek_id == Verzoek.id)
        .join(Persoon, Persoon.id == Verzoek.persoon_id)
        .where(Verzoek.status == VerzoekStatus.BEANTWOORD, Antwoord.datum.is_not(None), Antwoord.te_laat.is_(False))
        .group_by(Verzoek.ronde_id, Verzoek.id, Persoon.naam)
    )
    op_de_ronde = (
        select(Antwoord.ronde_id, Antwoord.door, Antwoord.datum)
        .join(Ronde, Ronde.id == Antwoord.ronde_id)
        .where(
            Antwoord.verzoek_id.is_(None),
            Antwoord.datum.is_not(None),
            Ronde.status == RondeStatus.VOLTOOID,
            Antwoord.ontvangen == Ronde.gesloten,  # it closed the ronde: one dated outside its months did not
        )
    )
    if ronde_ids is not None:
        per_verzoek = per_verzoek.where(Verzoek.ronde_id.in_(list(ronde_ids)))
        op_de_ronde = op_de_ronde.where(Antwoord.ronde_id.in_(list(ronde_ids)))
    bevestigd: dict[int, list[dict]] = defaultdict(list)
    rijen = [*session.exec(per_verzoek), *session.exec(op_de_ronde)]
    for ronde_id, wie, datum in sorted(rijen, key=lambda rij: rij[1]):
        bevestigd[ronde_id].append({"persoon": wie, "datum": datum.isoformat()})
    return bevestigd


def betreft(session: Session, rondes: Iterable[Ronde]) -> dict[int, str]:
    """Ronde id -> whom a ronde for one person is about, by their function (or role): what the coordinator's views
    and Prefect may show of them, never their email."""
    per_persoon = {r.id: r.persoon_id for r in rondes if r.persoon_id is not None}
    if not per_persoon:
        return {}
    personen = {p.id: p for p in session.exec(select(Persoon).where(Persoon.id.in_(set(per_persoon.values()))))}
    return {ronde_id: functie(personen[persoon_id]) for ronde_id, persoon_id in per_persoon.items()}


def functie(persoon: Persoon) -> str:
    """Whom a ronde for one person is about, as the coordinator's views may show it: their function (or role)."""
    return persoon.functie or ", ".join(sorted(persoon.rolset)) or "persoon"


def _als_dict(ronde: Ronde, statussen: Counter, berichten: Counter, bevestigd: list[dict], betreft: str | None) -> dict:
    vervallen, beantwoord = statussen[VerzoekStatus.VERVALLEN], statussen[VerzoekStatus.BEANTWOORD]
    verzoeken = sum(statussen.values()) - vervallen
    return {
        "proces": ronde.proces,
        "stap": ronde.stap or None,
        "betreft": betreft,
        "start": ronde.start.astimezone(TIJDZONE).date().isoformat(),
        "deadline": ronde.deadline.isoformat(),
        "status": ronde.status,
        "verzoeken": verzoeken,
        "beantwoord": beantwoord,
        "open": verzoeken - beantwoord,
        "vervallen": vervallen,
        "herinneringen": berichten["herinnering"],
        "escalaties": berichten["escalatie"],
        "bevestigd": bevestigd,
    }
