"""From answer to register: a person's entries as versions, proposed by the person and reviewed by the eigenaar.

Nothing is overwritten. A person proposes (the web form, a reply by email, a gift reported when received); the
proposal waits as a `voorgesteld` version; the eigenaar accepts it (as is, or edited: then the edit is a version
of its own) or sends it back with a remark. Accepting makes the version the register's and the one before it
`vervangen`. What the register said on a day is, per entry, the latest version accepted on or before that day,
unless it had ended (`tot`) before it.

Plain functions over a session; `engine.diensten` wraps them in units of work for the shells.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import update
from sqlmodel import Session, func, select

from engine import gebeurtenissen
from engine.catalogus import Catalogus
from engine.database import instellingen_van
from engine.gebeurtenissen import registreer, registreer_veel
from engine.rondes import spec
from engine.uitgaand import COORDINATOR, zet_bericht_klaar
from models.gebruikersfouten import Gebruikersfout
from models.proces import Proces
from models.registers import REGISTERS, TITELS, alleen_eigenaar, fouten_nl
from models.statussen import OPEN, Regelstatus, RondeStatus, VerzoekStatus, overgang
from models.tabellen import Antwoord, Persoon, Registerregel, Ronde, Verzoek
from models.werkdagen import TIJDZONE

Paginastatus = Literal["open", "beantwoord", "te-laat", "gesloten"]


class OnbekendVerzoek(Gebruikersfout):
    """No verzoek has this token, or no lopende ronde waits for this confirmation."""


class OngeldigeInvoer(Gebruikersfout):
    """Entries that do not fit their register; `fouten` holds one Dutch message per (entry index, field), the
    field '' for the entry as a whole. Nothing was stored."""

    def __init__(self, fouten: dict[tuple[int, str], str], register: str | None = None) -> None:
        self.fouten = fouten
        model = REGISTERS.get(register or "")
        regels = []
        for (index, veld), bericht in sorted(fouten.items()):
            titel = model.model_fields[veld].title if model and veld in model.model_fields else veld
            regels.append(f"regel {index + 1}{', ' + titel if titel else ''}: {bericht}")
        super().__init__("Niet opgeslagen; dit klopt nog niet:\n" + "\n".join(regels))


class OnbekendVoorstel(Gebruikersfout):
    """No register version with this id."""


class AlBeoordeeld(Gebruikersfout):
    """The proposal was accepted, sent back or replaced already."""


class GeenBevoegdheid(Gebruikersfout):
    """The person is not the eigenaar of this proposal's proces (nor the integriteitscoordinator)."""


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


@dataclass(frozen=True)
class Voorstel:
    """A pending proposal for the eigenaar: the new version beside the accepted one it would replace."""

    nieuw: Versie
    oud: Versie | None
    """None for a new entry, or for free text (`nieuw.tekst`) that the eigenaar turns into entries."""
    naam: str
    register_titel: str
    proces_titel: str | None
    eerder: Versie | None = None
    """The version of this entry the eigenaar sent back before this one was submitted, with its remark: what
    changed since is `nieuw` beside it."""
    toelichting: str | None = None
    """What the person wrote with these entries (the form's toelichting); free text itself is `nieuw.tekst`."""
    te_laat: bool = False
    """The answer came after the ronde closed (or past INTEGRITEIT_NAGRACE_DAGEN): kept, it did not count."""


@dataclass(frozen=True)
class Teruggestuurd:
    versie: Versie
    bericht: bool
    """Whether a mail to the person was queued (there is no ronde to send it in for a person never asked)."""


# The personal page of a verzoek


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


def contactpersonen(session: Session, catalogus: Catalogus, proces: Proces) -> list[str]:
    """The active holders of the proces's eigenaar role, or the role's description when nobody holds it."""
    kandidaten = session.exec(
        select(Persoon).where(Persoon.actief, Persoon.rollen.contains(proces.eigenaar)).order_by(Persoon.naam)
    )
    namen = [p.naam for p in kandidaten if proces.eigenaar in p.rolset]
    return namen or [catalogus.rollen.rollen.get(proces.eigenaar, proces.eigenaar)]


# Answers and proposals


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


Controle = tuple[str | None, dict[str, Any] | None, Registerregel | None]
"""A checked entry: its regel (None: new), its fields as JSON values, and the version it follows."""


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
    per_regel = _versies_per_regel(session, persoon_id, register)
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


def _versies_per_regel(
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
        if _versies_per_regel(session, persoon_id, register, met_tekst=True):
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


# The eigenaar's review


def beoordeelt(catalogus: Catalogus, rollen: set[str]) -> set[str] | None:
    """The processen whose proposals these roles review; None: all (the coordinator)."""
    if COORDINATOR in rollen:
        return None
    return {p.id for p in catalogus.processen if p.eigenaar in rollen}


def mag_beoordelen(catalogus: Catalogus, persoon: Persoon) -> bool:
    """Whether the person reviews proposals at all: an eigenaar role of some proces, or the coordinator."""
    processen = beoordeelt(catalogus, persoon.rolset)
    return persoon.actief and (processen is None or bool(processen))


def voorstellen(session: Session, *, catalogus: Catalogus, rollen: set[str]) -> list[Voorstel]:
    """The pending proposals these roles review, oldest first, each beside the version it would replace."""
    processen = beoordeelt(catalogus, rollen)
    if processen is not None and not processen:
        return []
    vraag = select(Registerregel, Persoon).join(Persoon, Persoon.id == Registerregel.persoon_id)
    vraag = vraag.where(Registerregel.status == Regelstatus.VOORGESTELD)
    if processen is not None:
        vraag = vraag.where(Registerregel.proces.in_(processen))
    rijen = list(session.exec(vraag.order_by(Registerregel.ingediend, Registerregel.id)))
    antwoorden = {
        a.id: a
        for a in session.exec(
            select(Antwoord).where(Antwoord.id.in_({r.antwoord_id for r, _ in rijen if r.antwoord_id}))
        )
    }
    regels = {r.regel for r, _ in rijen}
    geldend = {
        r.regel: r
        for r in session.exec(
            select(Registerregel).where(Registerregel.regel.in_(regels), Registerregel.status == Regelstatus.AANVAARD)
        )
    }
    terug: dict[str, Registerregel] = {}
    for r in session.exec(
        select(Registerregel)
        .where(Registerregel.regel.in_(regels), Registerregel.status == Regelstatus.TERUGGESTUURD)
        .order_by(Registerregel.versie)
    ):
        terug[r.regel] = r  # the latest one sent back
    titels = {p.id: p.titel for p in catalogus.processen}
    return [
        Voorstel(
            nieuw=versie(r),
            oud=versie(geldend[r.regel]) if r.regel in geldend else None,
            naam=persoon.naam,
            register_titel=TITELS.get(r.register_naam, r.register_naam),
            proces_titel=titels.get(r.proces) if r.proces else None,
            eerder=versie(t) if (t := terug.get(r.regel)) and _na(t, geldend.get(r.regel)) else None,
            toelichting=antwoord.tekst if (antwoord := antwoorden.get(r.antwoord_id)) and r.velden else None,
            te_laat=bool(antwoord and antwoord.te_laat),
        )
        for r, persoon in rijen
    ]


def _na(teruggestuurd: Registerregel, geldend: Registerregel | None) -> bool:
    """Whether a version sent back came after the accepted one: a remark on what is settled is no longer news."""
    return geldend is None or teruggestuurd.versie > geldend.versie


def _te_beoordelen(session: Session, catalogus: Catalogus, versie_id: int, door_persoon_id: int) -> Registerregel:
    rij = session.exec(select(Registerregel).where(Registerregel.id == versie_id).with_for_update()).first()
    if rij is None:
        raise OnbekendVoorstel(f"Er is geen voorstel met nummer {versie_id}.")
    door = session.get(Persoon, door_persoon_id)
    processen = beoordeelt(catalogus, door.rolset) if door is not None and door.actief else set()
    if processen is not None and rij.proces not in processen:
        raise GeenBevoegdheid("U beoordeelt de voorstellen van dit register niet.")
    if rij.status != Regelstatus.VOORGESTELD:
        raise AlBeoordeeld(f"Dit voorstel is al beoordeeld (het is {rij.status}).")
    return rij


def _markeer(session: Session, rij: Registerregel, nieuw: Regelstatus, **waarden: Any) -> None:
    """Move a version from voorgesteld on, only when it still is (another eigenaar may have just done so)."""
    overgang(rij.status, nieuw)
    gelukt = session.execute(
        update(Registerregel)
        .where(Registerregel.id == rij.id, Registerregel.status == Regelstatus.VOORGESTELD)
        .values(status=nieuw, **waarden)
        .execution_options(synchronize_session=False)
    ).rowcount
    if gelukt != 1:
        raise AlBeoordeeld("Dit voorstel is zojuist door iemand anders beoordeeld.")
    session.refresh(rij)


def aanvaard(
    session: Session,
    *,
    catalogus: Catalogus,
    versie_id: int,
    door_persoon_id: int,
    nu: datetime,
    velden: dict[str, Any] | None = None,
) -> Versie:
    """Accept a proposal; with `velden` the eigenaar's edit (eigenaar-only fields included) is accepted as a
    version of its own and the person's proposal stays as it was, replaced. The version accepted before
    becomes vervangen. Free text (no fields) needs `velden`: it becomes a new entry."""
    rij = _te_beoordelen(session, catalogus, versie_id, door_persoon_id)
    if rij.velden is None and velden is None:
        raise OngeldigeInvoer({(0, ""): "Dit voorstel is vrije tekst: vul de velden in, of zet de tekst om in regels."})
    if velden is not None:
        wijziging = velden | ({"regel": rij.regel} if rij.velden is not None else {})
        gecontroleerd, _ = controleer(
            session, persoon_id=rij.persoon_id, register=rij.register_naam, wijzigingen=[wijziging], eigenaar=True
        )
        if not gecontroleerd:  # exactly the accepted version: accept the proposal as it stands below
            velden = None
        elif rij.velden is not None and json.loads(rij.velden) == gecontroleerd[0][1]:
            velden = None  # exactly what was proposed
    if velden is None:
        _markeer(session, rij, Regelstatus.AANVAARD, beoordeeld=nu, beoordelaar_id=door_persoon_id)
        aanvaarde = rij
    else:
        _markeer(
            session,
            rij,
            Regelstatus.AANVAARD if rij.velden is None else Regelstatus.VERVANGEN,
            beoordeeld=nu if rij.velden is None else None,
            beoordelaar_id=door_persoon_id,
        )
        (nieuw_id,) = _door_de_eigenaar(session, rij, gecontroleerd, nu, door_persoon_id)
        aanvaarde = session.get(Registerregel, nieuw_id)
    _vervang_eerdere(session, aanvaarde)
    registreer(
        session,
        soort="register-aanvaard",
        nu=nu,
        persoon_id=rij.persoon_id,
        verzoek_id=rij.verzoek_id,
        proces=rij.proces,
        register=rij.register_naam,
        voorstel=rij.id,
        versie=aanvaarde.id,
        bewerkt=aanvaarde.id != rij.id,
        door=door_persoon_id,
    )
    return versie(aanvaarde)


def verwerk_tekst(
    session: Session,
    *,
    catalogus: Catalogus,
    versie_id: int,
    door_persoon_id: int,
    wijzigingen: list[dict[str, Any]],
    nu: datetime,
) -> list[Versie]:
    """The eigenaar turns a free-text proposal (a reply by email) into entries: each new or changed entry is
    accepted at once (kanaal eigenaar), and the text is marked aanvaard. An empty list: nothing to change."""
    rij = _te_beoordelen(session, catalogus, versie_id, door_persoon_id)
    gecontroleerd, _ = controleer(
        session, persoon_id=rij.persoon_id, register=rij.register_naam, wijzigingen=wijzigingen, eigenaar=True
    )
    _markeer(session, rij, Regelstatus.AANVAARD, beoordeeld=nu, beoordelaar_id=door_persoon_id)
    ids = _door_de_eigenaar(session, rij, gecontroleerd, nu, door_persoon_id)
    aanvaard_ = [session.get(Registerregel, i) for i in ids]
    for a in aanvaard_:
        _vervang_eerdere(session, a)
    registreer(
        session,
        soort="register-aanvaard",
        nu=nu,
        persoon_id=rij.persoon_id,
        verzoek_id=rij.verzoek_id,
        proces=rij.proces,
        register=rij.register_naam,
        voorstel=rij.id,
        versies=ids,
        door=door_persoon_id,
    )
    return [versie(a) for a in aanvaard_]


def _door_de_eigenaar(
    session: Session, rij: Registerregel, gecontroleerd: list, nu: datetime, door_persoon_id: int
) -> list[int]:
    """Store entries the eigenaar wrote for the proposal `rij` (an edit, or a free text made into entries) as
    accepted versions of the same person, register, proces, verzoek and answer."""
    return stel_voor(
        session,
        gecontroleerd,
        persoon_id=rij.persoon_id,
        register=rij.register_naam,
        proces=rij.proces,
        nu=nu,
        kanaal="eigenaar",
        verzoek_id=rij.verzoek_id,
        antwoord_id=rij.antwoord_id,
        status=Regelstatus.AANVAARD,
        beoordelaar_id=door_persoon_id,
    )


def _vervang_eerdere(session: Session, aanvaard_: Registerregel) -> None:
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


def stuur_terug(
    session: Session,
    *,
    catalogus: Catalogus,
    versie_id: int,
    door_persoon_id: int,
    opmerking: str,
    nu: datetime,
    link: str | None = None,
) -> Teruggestuurd:
    """Send a proposal back with a remark: the person gets a mail with the remark and their link (`link`, e.g.
    the standing personal link; else the verzoek's answer link)."""
    opmerking = (opmerking or "").replace("\x00", "").strip()
    if not opmerking:
        raise OngeldigeInvoer({(0, "opmerking"): "Schrijf erbij wat er moet veranderen."})
    rij = _te_beoordelen(session, catalogus, versie_id, door_persoon_id)
    _markeer(
        session, rij, Regelstatus.TERUGGESTUURD, beoordeeld=nu, beoordelaar_id=door_persoon_id, opmerking=opmerking
    )
    persoon = session.get(Persoon, rij.persoon_id)
    door = session.get(Persoon, door_persoon_id)
    verzoek = session.get(Verzoek, rij.verzoek_id) if rij.verzoek_id else _laatste_verzoek(session, rij)
    ronde = session.get(Ronde, verzoek.ronde_id) if verzoek else _laatste_ronde(session, rij.proces)
    inst = instellingen_van(session)
    link = link or (f"{inst.basis_url.rstrip('/')}/antwoord/{verzoek.token}" if verzoek else None)
    titel = TITELS.get(rij.register_naam, rij.register_naam)
    bericht = ronde is not None and zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        soort="teruggestuurd",
        sjabloon="standaard/teruggestuurd",
        context={
            "persoon": persoon,
            "beoordelaar": door.naam if door else "De eigenaar",
            "register": titel,
            "opmerking": opmerking,
            "velden": weergave(rij.register_naam, json.loads(rij.velden)) if rij.velden else [],
            "tekst": rij.tekst,
            "link": link,
        },
        aan=[persoon],
        onderwerp=f"Teruggestuurd: uw opgave {titel.lower()}",
        sleutel=f"teruggestuurd:{rij.id}",
        nu=nu,
        verzoek_id=verzoek.id if verzoek else None,
    )
    registreer(
        session,
        soort="register-teruggestuurd",
        nu=nu,
        ronde=ronde,
        persoon_id=rij.persoon_id,
        verzoek_id=verzoek.id if verzoek else None,
        register=rij.register_naam,
        versie=rij.id,
        door=door_persoon_id,
        bericht=bool(bericht),
    )
    return Teruggestuurd(versie(rij), bool(bericht))


def _laatste_verzoek(session: Session, rij: Registerregel) -> Verzoek | None:
    """The person's latest verzoek in the proces (a melding has none of its own): the ronde to send in."""
    if rij.proces is None:
        return None
    return session.exec(
        select(Verzoek)
        .join(Ronde, Ronde.id == Verzoek.ronde_id)
        .where(Verzoek.persoon_id == rij.persoon_id, Ronde.proces == rij.proces)
        .order_by(Ronde.start.desc())
    ).first()


def _laatste_ronde(session: Session, proces: str | None) -> Ronde | None:
    if proces is None:
        return None
    return session.exec(select(Ronde).where(Ronde.proces == proces).order_by(Ronde.start.desc())).first()


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


# Reading the register


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
        _vervang_eerdere(session, session.get(Registerregel, nieuw))
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


def _stand(
    session: Session, persoon_id: int, register: str | None, vandaag: date
) -> tuple[list[Versie], list[Versie], list[Versie]]:
    """The accepted entries on `vandaag`, the pending proposals, and what was sent back and not resubmitted."""
    if register is None:
        return [], [], []
    geldend = register_op(session, persoon_id=persoon_id, register=register, peildatum=vandaag)
    per_regel = _versies_per_regel(session, persoon_id, register, met_tekst=True)
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
