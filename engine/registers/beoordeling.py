"""The eigenaar's review: the proposals waiting for a role, accepting one (as is or edited), turning free text
into entries, sending one back with a remark (and a mail to the person)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from engine.catalogus import Catalogus
from engine.database import instellingen_van
from engine.gebeurtenissen import registreer
from engine.registers.fouten import AlBeoordeeld, GeenBevoegdheid, OnbekendVoorstel, OngeldigeInvoer
from engine.registers.invoer import controleer
from engine.registers.versies import Versie, stel_voor, versie, vervang_eerdere, weergave
from engine.uitgaand import COORDINATOR, zet_bericht_klaar
from models.registers import TITELS
from models.statussen import Regelstatus, overgang
from models.tabellen import Antwoord, Persoon, Registerregel, Ronde, Verzoek


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
    vervang_eerdere(session, aanvaarde)
    _registreer_aanvaard(session, rij, nu, door_persoon_id, versie=aanvaarde.id, bewerkt=aanvaarde.id != rij.id)
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
    if rij.velden is not None:
        raise OngeldigeInvoer(
            {(0, ""): "Dit voorstel is een opgave, geen vrije tekst: aanvaard het of stuur het terug."}
        )
    gecontroleerd, _ = controleer(
        session, persoon_id=rij.persoon_id, register=rij.register_naam, wijzigingen=wijzigingen, eigenaar=True
    )
    _markeer(session, rij, Regelstatus.AANVAARD, beoordeeld=nu, beoordelaar_id=door_persoon_id)
    ids = _door_de_eigenaar(session, rij, gecontroleerd, nu, door_persoon_id)
    aanvaard_ = [session.get(Registerregel, i) for i in ids]
    for a in aanvaard_:
        vervang_eerdere(session, a)
    _registreer_aanvaard(session, rij, nu, door_persoon_id, versies=ids)
    return [versie(a) for a in aanvaard_]


def _registreer_aanvaard(session: Session, rij: Registerregel, nu: datetime, door_persoon_id: int, **wat) -> None:
    """The audit event of a proposal the eigenaar accepted (`wat`: the version(s) it became)."""
    registreer(
        session,
        soort="register-aanvaard",
        nu=nu,
        persoon_id=rij.persoon_id,
        verzoek_id=rij.verzoek_id,
        proces=rij.proces,
        register=rij.register_naam,
        voorstel=rij.id,
        **wat,
        door=door_persoon_id,
    )


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
