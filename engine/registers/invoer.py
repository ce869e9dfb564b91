"""Input: a person's entries checked against their register, stored as proposals for the eigenaar, or confirmed
as they stand; a melding (a gift reported when received); the one rule on when an answer counts."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from engine import gebeurtenissen
from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer, registreer_veel
from engine.registers.fouten import OnbekendVerzoek, OngeldigeInvoer
from engine.registers.stand import registers_op
from engine.registers.versies import Controle, stel_voor, versies_per_regel
from models.registers import REGISTERS, alleen_eigenaar, fouten_nl
from models.statussen import OPEN, Regelstatus, RondeStatus, VerzoekStatus
from models.tabellen import Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE


@dataclass(frozen=True)
class Ingediend:
    """What an answer or a proposal did."""

    al_beantwoord: bool = False
    """"Geen wijzigingen" on a verzoek answered before: nothing changed."""
    te_laat: bool = False
    """After the deadline, or after the ronde closed (then recorded, not counted)."""
    antwoord_id: int | None = None
    voorstellen: tuple[int, ...] = ()
    """The ids of the new `voorgesteld` versions."""
    ongewijzigd: int = 0
    """Entries submitted exactly as they stood (not proposed again)."""


def antwoord_telt(verzoek: Verzoek, ronde: Ronde, nu: datetime, nagrace_dagen: int) -> bool:
    """The one rule, on every channel: an answer given at `nu` counts on or before the ronde's deadline, and after
    it within `nagrace_dagen` (INTEGRITEIT_NAGRACE_DAGEN) while the ronde runs; never once the ronde closed or the
    verzoek lapsed. A ronde closed because everyone answered still runs for those who did: what they add in that
    time (an entry the eigenaar sent back, sent again) is not late. One that does not count is kept, and reaches
    the eigenaar all the same."""
    vandaag = nu.astimezone(TIJDZONE).date()
    voltooid_en_beantwoord = ronde.status == RondeStatus.VOLTOOID and verzoek.status == VerzoekStatus.BEANTWOORD
    return (
        (ronde.status == RondeStatus.LOPEND or voltooid_en_beantwoord)
        and verzoek.status in (*OPEN, VerzoekStatus.BEANTWOORD)
        and vandaag <= ronde.deadline + timedelta(days=nagrace_dagen)
    )


def melding(
    session: Session,
    *,
    catalogus: Catalogus,
    persoon_id: int,
    register: str,
    invoer: list[dict[str, Any]],
    nu: datetime,
    kanaal: str,
) -> Ingediend:
    """A proposal without a verzoek (a gift reported when it is received): reviewed by the eigenaar of the
    proces whose doelgroep the person is in for this register, or by the coordinator when there is none."""
    persoon = session.get(Persoon, persoon_id)
    if persoon is None or not persoon.actief:
        raise OnbekendVerzoek("Deze persoon is niet (meer) bekend.")
    if register not in REGISTERS:
        raise OngeldigeInvoer({(0, ""): f"Onbekend register '{register}'; bekend: {', '.join(REGISTERS)}."})
    nieuw, ongewijzigd = controleer(session, persoon_id=persoon_id, register=register, wijzigingen=invoer)
    proces = proces_voor(catalogus, persoon, register)
    ids = stel_voor(session, nieuw, persoon_id=persoon_id, register=register, proces=proces, nu=nu, kanaal=kanaal)
    if ids:
        registreer(
            session,
            soort="register-voorstel",
            nu=nu,
            persoon_id=persoon_id,
            proces=proces,
            register=register,
            versies=ids,
            kanaal=kanaal,
        )
    return Ingediend(voorstellen=tuple(ids), ongewijzigd=ongewijzigd)


def bevestig_huidige(
    session: Session, verzoeken: list[tuple[Verzoek, Ronde]], *, register: str, nu: datetime, kanaal: str
) -> None:
    """The persons say their register is right as it stands: per verzoek an audit event naming the versions
    confirmed."""
    huidig = registers_op(session, register=register, peildatum=nu, persoon_ids=[v.persoon_id for v, _ in verzoeken])
    registreer_veel(
        session,
        [
            gebeurtenissen.rij(
                soort="register-bevestigd",
                nu=nu,
                ronde=ronde,
                verzoek_id=verzoek.id,
                persoon_id=verzoek.persoon_id,
                register=register,
                versies=[v.id for v in huidig.get(verzoek.persoon_id, [])],
                kanaal=kanaal,
            )
            for verzoek, ronde in verzoeken
        ],
    )


def controleer(
    session: Session,
    *,
    persoon_id: int,
    register: str,
    wijzigingen: list[dict[str, Any]],
    eigenaar: bool = False,
) -> tuple[list[Controle], int]:
    """Validate entries against the register's model and the person's existing entries; raises OngeldigeInvoer
    with every problem. The fields only the eigenaar fills are kept from the version before (a person cannot set
    them) unless `eigenaar`. Returns the entries that change something, and how many did not."""
    model = REGISTERS[register]
    van_eigenaar = alleen_eigenaar(model)
    per_regel = versies_per_regel(session, persoon_id, register)
    fouten: dict[tuple[int, str], str] = {}
    gecontroleerd: list[Controle] = []
    ongewijzigd = 0
    for index, wijziging in enumerate(wijzigingen):
        if not isinstance(wijziging, dict):
            fouten[(index, "")] = "Deze regel is leeg of onleesbaar."
            continue
        velden = dict(wijziging)
        regel = str(velden.pop("regel", "") or "").strip() or None
        if regel is not None and regel not in per_regel:
            fouten[(index, "regel")] = "Deze regel staat niet in uw register; vernieuw de pagina en probeer opnieuw."
            continue
        versies = per_regel.get(regel, [])
        geldend = next((v for v in versies if v.status == Regelstatus.AANVAARD), None)
        hangend = next((v for v in versies if v.status == Regelstatus.VOORGESTELD), None)
        if not eigenaar:
            bron = json.loads(geldend.velden) if geldend and geldend.velden else {}
            velden = {k: w for k, w in velden.items() if k not in van_eigenaar} | {k: bron.get(k) for k in van_eigenaar}
        try:
            json_velden = model.model_validate(velden).model_dump(mode="json")
        except ValidationError as fout:
            fouten |= {(index, veld): bericht for veld, bericht in fouten_nl(fout).items()}
            continue
        vorige = hangend or geldend
        if vorige is not None and json.loads(vorige.velden) == json_velden:
            ongewijzigd += 1
            continue
        gecontroleerd.append((regel, json_velden, versies[0] if versies else None))
    if fouten:
        raise OngeldigeInvoer(fouten, register)
    return gecontroleerd, ongewijzigd


def importeer_regels(session: Session, *, regels: list[dict[str, Any]], nu: datetime, kanaal: str) -> int:
    """Store entries as accepted versions (`{"persoon": extern_id, "register": ..., "velden": {...}}`, e.g. the
    demo organisation's), checked like the eigenaar's own; a person whose register holds anything already is left
    alone, so loading twice adds nothing. Returns how many were stored."""
    ids = dict(session.exec(select(Persoon.extern_id, Persoon.id)).all())
    per_register: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for regel in regels:
        if regel["persoon"] in ids:
            per_register[(ids[regel["persoon"]], regel["register"])].append(regel["velden"])
    opgeslagen = 0
    for (persoon_id, register), velden in per_register.items():
        if versies_per_regel(session, persoon_id, register, met_tekst=True):
            continue
        gecontroleerd, _ = controleer(
            session, persoon_id=persoon_id, register=register, wijzigingen=velden, eigenaar=True
        )
        opgeslagen += len(
            stel_voor(
                session,
                gecontroleerd,
                persoon_id=persoon_id,
                register=register,
                proces=None,
                nu=nu,
                kanaal=kanaal,
                status=Regelstatus.AANVAARD,
            )
        )
    return opgeslagen


def proces_voor(catalogus: Catalogus, persoon: Persoon, register: str) -> str | None:
    """The active proces that asks this person for this register (its eigenaar reviews a melding)."""
    for proces in catalogus.processen:
        if proces.actief and any(
            stap.register_naam == register and proces.ontvangers(stap).omvat(persoon.rolset, persoon.kenmerken)
            for stap in proces.alle_stappen
        ):
            return proces.id
    return None
