"""The register as of a date: per entry the latest version accepted on or before that day, unless it had ended
(`tot`) before it; an entry's history; a leaver's entries ended."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, func, select

from engine.gebeurtenissen import registreer
from engine.registers.versies import Versie, stel_voor, versie, vervang_eerdere
from models.registers import REGISTERS
from models.statussen import Regelstatus
from models.tabellen import Registerregel
from models.werkdagen import TIJDZONE


def register_op(session: Session, *, persoon_id: int, register: str, peildatum: date | datetime) -> list[Versie]:
    """What the person's register said on `peildatum` (a day: at its end; a moment: then): per entry the latest
    version accepted by then, unless it had ended before that day. Oldest entry first."""
    return registers_op(session, register=register, peildatum=peildatum, persoon_ids=[persoon_id]).get(persoon_id, [])


def registers_op(
    session: Session, *, register: str, peildatum: date | datetime, persoon_ids: list[int] | None = None
) -> dict[int, list[Versie]]:
    """`register_op` for many persons in one query (None: everyone): person id -> their entries then."""
    grens, dag = peilmoment(peildatum)
    vraag = select(Registerregel).where(
        Registerregel.register_naam == register,
        Registerregel.status.in_((Regelstatus.AANVAARD, Regelstatus.VERVANGEN)),
        Registerregel.beoordeeld.is_not(None),
        Registerregel.beoordeeld < grens,
        Registerregel.velden.is_not(None),
    )
    if persoon_ids is not None:
        vraag = vraag.where(Registerregel.persoon_id.in_(persoon_ids))
    laatste: dict[str, Registerregel] = {}
    for rij in session.exec(vraag.order_by(Registerregel.regel, Registerregel.versie.desc())):
        laatste.setdefault(rij.regel, rij)
    per_persoon: dict[int, list[Versie]] = defaultdict(list)
    for v in sorted((versie(r) for r in laatste.values()), key=lambda v: (v.ingediend, v.id)):
        if v.tot is None or v.tot >= dag:
            per_persoon[v.persoon_id].append(v)
    return dict(per_persoon)


def laatst_aanvaard(
    session: Session, *, register: str, peildatum: date | datetime, persoon_ids: list[int]
) -> datetime | None:
    """When the eigenaar last accepted a version in these persons' register by `peildatum` (an end included)."""
    grens, _ = peilmoment(peildatum)
    return session.exec(
        select(func.max(Registerregel.beoordeeld)).where(
            Registerregel.register_naam == register,
            Registerregel.persoon_id.in_(persoon_ids),
            Registerregel.status.in_((Regelstatus.AANVAARD, Regelstatus.VERVANGEN)),
            Registerregel.beoordeeld < grens,
            Registerregel.velden.is_not(None),
        )
    ).one()


def peilmoment(peildatum: date | datetime) -> tuple[datetime, date]:
    """The moment before which a version counts for `peildatum`, and the day whose ended entries are gone."""
    if isinstance(peildatum, datetime):
        return peildatum, peildatum.astimezone(TIJDZONE).date()
    return datetime.combine(peildatum + timedelta(days=1), time(), TIJDZONE), peildatum


BEEINDIGD = "register-beeindigd"
"""The audit kind of a leaver's entries ended (details: the day, how many)."""


def beeindig(session: Session, *, persoon_id: int, dag: date, nu: datetime) -> int:
    """A leaver's public entries end on `dag` (not before they began): each accepted entry of a register with an
    end date that runs on gets a new accepted version with `tot`, the old kept in the history. Returns how many;
    ending what has ended already changes nothing."""
    rijen = session.exec(
        select(Registerregel)
        .where(
            Registerregel.persoon_id == persoon_id,
            Registerregel.status == Regelstatus.AANVAARD,
            Registerregel.velden.is_not(None),
            Registerregel.register_naam.in_([r for r, model in REGISTERS.items() if "tot" in model.model_fields]),
        )
        .order_by(Registerregel.id)
    ).all()
    geeindigd = 0
    for rij in rijen:
        velden = json.loads(rij.velden)
        if velden.get("tot") and date.fromisoformat(velden["tot"]) <= dag:
            continue
        sinds = date.fromisoformat(velden["sinds"]) if velden.get("sinds") else dag
        velden["tot"] = max(dag, sinds).isoformat()
        laatste = session.exec(
            select(Registerregel).where(Registerregel.regel == rij.regel).order_by(Registerregel.versie.desc())
        ).first()  # a proposal still waiting is overtaken by the end
        [nieuw] = stel_voor(
            session,
            [(rij.regel, velden, laatste)],
            persoon_id=persoon_id,
            register=rij.register_naam,
            proces=rij.proces,
            nu=nu,
            kanaal="vertrek",
            status=Regelstatus.AANVAARD,
        )
        vervang_eerdere(session, session.get(Registerregel, nieuw))
        geeindigd += 1
    # Recorded even when nothing ran on: the watch asks this only once per leaver.
    registreer(session, soort=BEEINDIGD, nu=nu, persoon_id=persoon_id, tot=dag, aantal=geeindigd)
    return geeindigd


def geschiedenis(session: Session, *, regel: str) -> list[Versie]:
    """Every version of one entry, oldest first."""
    return [
        versie(r)
        for r in session.exec(select(Registerregel).where(Registerregel.regel == regel).order_by(Registerregel.versie))
    ]
