"""The one road for an answer, whatever its channel (web form, one-click, email reply, CLI, simulator), and an
eigenaar's confirmation with date and reference.

A shell translates what came in into an `Invoer` and calls `leg_vast`; this module alone decides what the answer
means. One rule for when an answer counts, the same on every channel:

- on or before the ronde's deadline: it counts;
- after the deadline, within INTEGRITEIT_NAGRACE_DAGEN of it and while the ronde still runs: it counts, late;
- later, after the ronde closed, or for a verzoek that lapsed: it is kept (`Antwoord.te_laat`) and reaches the
  eigenaar as a proposal or text like any other, but does not count; the person's receipt says so.

For a register, "geen wijzigingen" confirms the entries as they stand; entries become proposals for the eigenaar,
with the answer's text beside them as its toelichting; text alone is a free-text proposal the eigenaar turns into
entries (`beoordeling.verwerk_tekst`). Every answer recorded gets a receipt.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, func, select

from engine import rondes
from engine.catalogus import Catalogus
from engine.database import instellingen_van
from engine.gebeurtenissen import registreer_veel, rij
from engine.levensloop import MELDING
from engine.personen import leden
from engine.registers.fouten import OnbekendVerzoek, OngeldigeInvoer
from engine.registers.invoer import antwoord_telt, bevestig_huidige, controleer
from engine.registers.versies import Controle, Versie, stel_voor
from engine.uitgaand import COORDINATOR, context_buiten_periode, zet_bericht_klaar
from models.doelgroep import Doelgroep
from models.gebruikersfouten import Gebruikersfout
from models.planning import GebeurtenisPlanning
from models.proces import Stap
from models.statussen import OPEN, Regelstatus, RondeStatus, VerzoekStatus, zet_status
from models.tabellen import Antwoord, Persoon, Registerregel, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from notifications.opmaak import lange_datum

__all__ = ["AlBevestigd", "Invoer", "OnbekendVerzoek", "Vastgelegd", "Wie", "bevestig", "bevestig_ronde", "leg_vast"]


@dataclass(frozen=True)
class Wie:
    """Who gave the answer: a person by id; None is the verzoek's own person (web, one-click, CLI, simulator).
    An email reply names its sender, who may be the third party that confirms per person (`bevestiging_door`).

    A confirmation also carries a `naam`: the logged-in eigenaar's, or the asked role's through a channel that says
    nothing about who ("statengriffie, via Prefect"; then no person is named, in the answer nor in the audit
    trail, and the answer belongs to the ronde alone)."""

    persoon_id: int | None = None
    naam: str | None = None


@dataclass(frozen=True)
class Invoer:
    """One answer as a shell received it: the verzoek's token, the channel, who answered and what was said."""

    token: str | None
    """None for a confirmation of the ronde itself (`ronde_id`): a role's, or an eigenaar's not asked in it."""
    kanaal: str
    """web, email, cli, simulatie, bevestiging: recorded, and otherwise without meaning."""
    door: Wie = Wie()
    geen_wijzigingen: bool = False
    regels: tuple[dict[str, Any], ...] = ()
    """Entries for the register of the verzoek's stap: with `regel` a new version of that entry (e.g. with `tot`
    to end it), without a new entry. Entries exactly as they stand are left out."""
    tekst: str | None = None
    """Free text. With entries, their toelichting for the eigenaar; alone, for a register, a free-text proposal the
    eigenaar turns into entries (a reply by email, the form's toelichting, `--tekst`)."""
    datum: date | None = None
    """The date of the meeting or decision, for a stap that asks one (a confirmation)."""
    kenmerk: str | None = None
    ronde_id: int | None = None
    """The ronde a confirmation without a verzoek belongs to; it answers no person's verzoek."""


class AlBevestigd(Gebruikersfout):
    """The stap was confirmed (or closed) another way first."""


@dataclass(frozen=True)
class Vastgelegd:
    """What recording an answer did."""

    antwoord_id: int | None
    """None when nothing was recorded (`al_beantwoord`)."""
    te_laat: bool = False
    """Given after the ronde's deadline."""
    telt: bool = True
    """It counts for the ronde; when not (too late, or the ronde closed), it is kept and the eigenaar sees it."""
    al_beantwoord: bool = False
    """"Geen wijzigingen" on a verzoek answered before: nothing recorded, nothing changed."""
    voorstellen: tuple[int, ...] = ()
    """The ids of the new `voorgesteld` versions (entries, or the free text)."""
    ongewijzigd: int = 0
    """Entries sent exactly as they stood (not proposed again)."""


KANALEN = {"prefect": "Prefect", "cli": "de CLI"}
"""The channels that confirm without knowing who (the confirmer is then the role), as a sentence names them."""


@dataclass
class _Antwoord:
    """One answer on its way: what it refers to, and what it means."""

    invoer: Invoer
    verzoek: Verzoek | None
    """None: a confirmation of the ronde itself."""
    ronde: Ronde
    stap: Stap
    nieuw: list[Controle] = field(default_factory=list)
    ongewijzigd: int = 0
    te_laat: bool = False
    telt: bool = True
    al_beantwoord: bool = False
    antwoord_id: int | None = None
    voorstellen: tuple[int, ...] = ()

    @property
    def tekst(self) -> str | None:
        return (self.invoer.tekst or "").replace("\x00", "").strip() or None

    @property
    def over(self) -> int | None:
        """The person the answer is about: the verzoek's; for a confirmation made in a name or role of its own,
        the named confirmer (nobody for a role)."""
        door = self.invoer.door
        return door.persoon_id if door.naam or self.verzoek is None else self.verzoek.persoon_id

    @property
    def verzoek_id(self) -> int | None:
        return self.verzoek.id if self.verzoek else None

    @property
    def register(self) -> str | None:
        return self.stap.register_naam

    @property
    def geen_wijzigingen(self) -> bool:
        """Said so, or, for a register, nothing changed and nothing written; changed entries say otherwise."""
        leeg = self.register is not None and self.tekst is None and self.invoer.datum is None
        return not self.nieuw and (self.invoer.geen_wijzigingen or leeg)


def leg_vast(session: Session, *, catalogus: Catalogus, antwoorden: list[Invoer], nu: datetime) -> list[Vastgelegd]:
    """Record answers (one is a list of one), in a handful of statements however many there are: check them all,
    apply the rule for late and closed, record them, confirm the register or make the proposals, queue the
    receipts, and close the rondes they complete.

    Raises, before writing anything: OnbekendVerzoek when a token belongs to no verzoek; OngeldigeInvoer (every
    problem of the first answer that has any) when entries do not fit their register, a stap without a register
    gets entries, or a stap that asks a date gets none."""
    lijst = _lees(session, catalogus, antwoorden, nu)
    nieuw = [a for a in lijst if not a.al_beantwoord]
    _schrijf(session, nieuw, nu)
    buiten = _buiten_periode(session, catalogus, nieuw, nu)
    _naar_het_register(session, nieuw, nu)
    for a in nieuw:
        _ontvangst(session, catalogus, a, nu)
    _tel(session, catalogus, [a for a in nieuw if a.telt and a.antwoord_id not in buiten], nu)
    return [Vastgelegd(a.antwoord_id, a.te_laat, a.telt, a.al_beantwoord, a.voorstellen, a.ongewijzigd) for a in lijst]


def _lees(session: Session, catalogus: Catalogus, antwoorden: list[Invoer], nu: datetime) -> list[_Antwoord]:
    """Each answer with its verzoek (locked against a simultaneous answer), ronde and stap, checked and judged."""
    tokens = {a.token for a in antwoorden if a.ronde_id is None}
    verzoeken = {v.token: v for v in session.exec(select(Verzoek).where(Verzoek.token.in_(tokens)).with_for_update())}
    if onbekend := [t for t in tokens if t not in verzoeken]:
        raise OnbekendVerzoek(f"geen verzoek heeft het token '{onbekend[0]}'")
    ronde_ids = {v.ronde_id for v in verzoeken.values()} | {a.ronde_id for a in antwoorden if a.ronde_id is not None}
    rondes_per_id = {r.id: r for r in session.exec(select(Ronde).where(Ronde.id.in_(ronde_ids)))}
    if onbekend := ronde_ids - rondes_per_id.keys():
        raise OnbekendVerzoek(f"geen ronde met nummer {min(onbekend)}")
    eerder = set(
        session.exec(
            select(Antwoord.verzoek_id).where(Antwoord.verzoek_id.in_([v.id for v in verzoeken.values()]))
        ).all()
    )
    nagrace = instellingen_van(session).nagrace_dagen
    lijst = []
    for invoer in antwoorden:
        verzoek = verzoeken.get(invoer.token) if invoer.ronde_id is None else None
        ronde = rondes_per_id[verzoek.ronde_id if verzoek else invoer.ronde_id]
        a = _Antwoord(invoer, verzoek, ronde, rondes.spec(catalogus, ronde)[1])
        _controleer(session, a)
        a.te_laat = nu.astimezone(TIJDZONE).date() > ronde.deadline
        if verzoek is None:
            a.telt = _ronde_telt(ronde, nu, nagrace)
            lijst.append(a)
            continue
        a.telt = antwoord_telt(verzoek, ronde, nu, nagrace)
        a.al_beantwoord = a.geen_wijzigingen and (verzoek.status == VerzoekStatus.BEANTWOORD or verzoek.id in eerder)
        lijst.append(a)
    return lijst


def _ronde_telt(ronde: Ronde, nu: datetime, nagrace_dagen: int) -> bool:
    """The one rule (`invoer.antwoord_telt`) for a confirmation of the ronde itself: no verzoek could lapse."""
    return ronde.status == RondeStatus.LOPEND and nu.astimezone(TIJDZONE).date() <= ronde.deadline + timedelta(
        days=nagrace_dagen
    )


def _controleer(session: Session, a: _Antwoord) -> None:
    """What the answer says fits what its stap asks; its entries checked against the register."""
    if a.verzoek is None and (a.stap.voltooiing != "bevestiging" or a.invoer.regels or a.invoer.tekst):
        raise OngeldigeInvoer({(0, ""): "Zonder verzoek kan alleen een stap worden bevestigd, met datum en kenmerk."})
    if a.stap.vraagt_datum and a.invoer.datum is None:
        raise OngeldigeInvoer({(0, "datum"): "Deze taak vraagt de datum en het kenmerk van het besluit."})
    if a.invoer.regels and a.register is None:
        raise OngeldigeInvoer({(0, ""): "Dit verzoek vraagt niet om een register bij te werken."})
    if a.invoer.regels:
        a.nieuw, a.ongewijzigd = controleer(
            session, persoon_id=a.verzoek.persoon_id, register=a.register, wijzigingen=list(a.invoer.regels)
        )


def _schrijf(session: Session, lijst: list[_Antwoord], nu: datetime) -> None:
    """The answers and their audit events, one statement each however many."""
    if not lijst:
        return
    tabel = Antwoord.__table__
    ids = session.execute(
        insert(tabel).returning(tabel.c.id, sort_by_parameter_order=True),
        [
            {
                "ronde_id": a.ronde.id,
                "verzoek_id": a.verzoek_id,
                "ontvangen": nu,
                "kanaal": a.invoer.kanaal,
                "te_laat": not a.telt,
                "geen_wijzigingen": a.geen_wijzigingen,
                "tekst": a.tekst,
                "datum": a.invoer.datum,
                "kenmerk": a.invoer.kenmerk,
                "door": a.invoer.door.naam,
            }
            for a in lijst
        ],
    ).scalars()
    for a, antwoord_id in zip(lijst, ids, strict=True):
        a.antwoord_id = antwoord_id
    registreer_veel(
        session,
        [
            rij(
                soort="antwoord" if a.telt else "antwoord-te-laat",
                nu=nu,
                ronde=a.ronde,
                verzoek_id=a.verzoek_id,
                persoon_id=a.over,
                kanaal=a.invoer.kanaal,
                antwoord_id=a.antwoord_id,
                door=a.invoer.door.naam or a.invoer.door.persoon_id or a.over,
                te_laat=a.te_laat,
            )
            for a in lijst
        ],
    )


def _naar_het_register(session: Session, lijst: list[_Antwoord], nu: datetime) -> None:
    """ "Geen wijzigingen" confirms the register as it stands; entries and free text wait as proposals for the
    eigenaar (late or not: an answer is never lost)."""
    lijst = [a for a in lijst if a.verzoek is not None]  # a confirmation of the ronde itself touches no register
    bevestigd: dict[tuple[str, str], list[tuple[Verzoek, Ronde]]] = defaultdict(list)
    for a in lijst:
        if a.register is not None and a.geen_wijzigingen:
            bevestigd[(a.register, a.invoer.kanaal)].append((a.verzoek, a.ronde))
    for (register, kanaal), verzoeken in bevestigd.items():
        bevestig_huidige(session, verzoeken, register=register, nu=nu, kanaal=kanaal)
    voorgesteld = [a for a in lijst if a.register is not None and not a.geen_wijzigingen and (a.nieuw or a.tekst)]
    for a in voorgesteld:
        a.voorstellen = tuple(
            stel_voor(
                session,
                a.nieuw,
                tekst=None if a.nieuw else a.tekst,
                persoon_id=a.verzoek.persoon_id,
                register=a.register,
                proces=a.ronde.proces,
                nu=nu,
                kanaal=a.invoer.kanaal,
                verzoek_id=a.verzoek.id,
                antwoord_id=a.antwoord_id,
            )
        )
    registreer_veel(
        session,
        [
            rij(
                soort="register-voorstel",
                nu=nu,
                ronde=a.ronde,
                verzoek_id=a.verzoek.id,
                persoon_id=a.verzoek.persoon_id,
                register=a.register,
                versies=list(a.voorstellen),
                kanaal=a.invoer.kanaal,
                te_laat=a.te_laat,
                telt=a.telt,
            )
            for a in voorgesteld
        ],
    )


def _ontvangst(session: Session, catalogus: Catalogus, a: _Antwoord, nu: datetime) -> None:
    """The receipt, to whoever answered: what was recorded, and whether it still counts."""
    door = a.invoer.door
    if door.naam and door.persoon_id is None:
        return  # a role through Prefect or the CLI: nobody to send it to
    persoon = session.get(Persoon, door.persoon_id or a.over)
    zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=a.ronde,
        soort="ontvangst",
        sjabloon="standaard/ontvangst",
        context={
            "persoon": persoon,
            "geen_wijzigingen": a.geen_wijzigingen,
            "datum": lange_datum(a.invoer.datum) if a.invoer.datum else None,
            "te_laat": a.te_laat,
            "telt": a.telt,
        },
        aan=[persoon],
        onderwerp=f"Ontvangen: uw antwoord op {catalogus.proces(a.ronde.proces).titel}"[:300],
        sleutel=f"ontvangst:{a.antwoord_id}",
        nu=nu,
        verzoek_id=a.verzoek_id,
    )


def _tel(session: Session, catalogus: Catalogus, tellend: list[_Antwoord], nu: datetime) -> None:
    """Counting answers mark their verzoeken beantwoord; a ronde they complete is closed. A confirmation of the
    ronde itself marks no verzoek: it completes its stap as any confirmation does."""
    nu_beantwoord = list({a.verzoek.id: a.verzoek for a in tellend if a.verzoek and a.verzoek.status in OPEN}.values())
    # Counted before the verzoeken change, so the count needs no flush first.
    compleet = rondes.worden_compleet(
        session, catalogus=catalogus, beantwoord=nu_beantwoord, rondes={a.ronde.id: a.ronde for a in tellend}
    )
    compleet += [a.ronde for a in tellend if a.verzoek is None and a.ronde not in compleet]
    for verzoek in nu_beantwoord:
        zet_status(verzoek, VerzoekStatus.BEANTWOORD)
        verzoek.beantwoord, verzoek.laatste_contact = nu, nu
    for ronde in compleet:
        rondes.sluit(session, catalogus=catalogus, ronde=ronde, nu=nu)


def _buiten_periode(session: Session, catalogus: Catalogus, lijst: list[_Antwoord], nu: datetime) -> set[int]:
    """The answers whose confirmed date falls outside the months the stap asks (`datum_in_maanden`): kept, not
    counted, and the integriteitscoordinator is told, once per answer."""
    buiten = set()
    for a in lijst:
        datum = a.invoer.datum
        if datum is None or not a.stap.buiten_periode(datum, a.ronde.startdatum):
            continue
        buiten.add(a.antwoord_id)
        registreer_veel(
            session, [rij(soort="antwoord-buiten-periode", nu=nu, ronde=a.ronde, antwoord_id=a.antwoord_id)]
        )
        zet_bericht_klaar(
            session,
            catalogus=catalogus,
            ronde=a.ronde,
            soort="buiten-periode",
            sjabloon="standaard/buiten-periode",
            context=context_buiten_periode(a.stap, a.ronde, datum, _bevestiger(session, a)),
            aan=leden(session, Doelgroep(rollen=[COORDINATOR])),
            onderwerp=f"Bevestiging buiten de periode: {catalogus.proces(a.ronde.proces).titel}",
            sleutel=f"buiten-periode:{a.antwoord_id}",
            nu=nu,
        )
    return buiten


def _bevestiger(session: Session, a: _Antwoord) -> Persoon:
    """Whom a confirmation was from or for, as the coordinator's notice names them: the verzoek's person, the
    named eigenaar, or (not stored) the role through its channel."""
    persoon_id = a.verzoek.persoon_id if a.verzoek else a.invoer.door.persoon_id
    return session.get(Persoon, persoon_id) if persoon_id else Persoon(naam=a.invoer.door.naam)


def bevestig(
    *,
    session: Session,
    catalogus: Catalogus,
    proces: str,
    nu: datetime,
    datum: date,
    kanaal: str,
    door: Wie | None = None,
    kenmerk: str | None = None,
    stap: str | None = None,
) -> Vastgelegd:
    """Confirm the lopende stap of `proces` that waits for its eigenaar (e.g. the GS decision)."""
    spec = catalogus.proces(proces)
    wachtend = [
        s.id or "" for s in spec.alle_stappen if s.voltooiing == "bevestiging" and (stap is None or s.id == stap)
    ]
    lopend = session.exec(
        select(Ronde)
        .where(Ronde.proces == proces, Ronde.status == RondeStatus.LOPEND, Ronde.stap.in_(wachtend))
        .order_by(Ronde.start.desc())
    ).all()
    if sum(r.persoon_id is not None for r in lopend) > 1:
        raise OnbekendVerzoek(
            f"{len(lopend)} rondes van '{proces}' wachten op een bevestiging, elk voor één persoon: bevestig elk "
            "via de link in de mail of met `integriteit antwoord TOKEN --datum ...`"
        )
    if not lopend:
        raise OnbekendVerzoek(
            f"geen lopende ronde van '{proces}' wacht op een bevestiging" + (f" in stap '{stap}'" if stap else "")
        )
    return bevestig_ronde(
        session=session,
        catalogus=catalogus,
        ronde_id=lopend[0].id,
        nu=nu,
        datum=datum,
        door=door,
        kanaal=kanaal,
        kenmerk=kenmerk,
    )


def bevestig_ronde(
    *,
    session: Session,
    catalogus: Catalogus,
    ronde_id: int,
    nu: datetime,
    datum: date,
    kanaal: str,
    door: Wie | None = None,
    kenmerk: str | None = None,
) -> Vastgelegd:
    """Confirm this ronde's stap, made by `door` (None: the asked role, through `kanaal`). The answer is kept on
    the confirmer's own verzoek when they have one in the ronde, else on the ronde alone (`door` says who made
    it): it answers no other person's verzoek. Raises AlBevestigd when the ronde is no longer lopend: whichever
    channel confirms first wins."""
    ronde = session.exec(select(Ronde).where(Ronde.id == ronde_id).with_for_update()).one_or_none()
    if ronde is None:
        raise OnbekendVerzoek(f"geen ronde met nummer {ronde_id}")
    if ronde.status != RondeStatus.LOPEND:
        raise AlBevestigd("Deze stap is al bevestigd of afgesloten; er is niets vastgelegd.")
    door = door or _rol(catalogus, ronde, kanaal)
    eigen = session.exec(
        select(Verzoek.token).where(Verzoek.ronde_id == ronde.id, Verzoek.persoon_id == door.persoon_id)
    ).first()
    invoer = Invoer(eigen, kanaal=kanaal, datum=datum, kenmerk=kenmerk, door=door, ronde_id=None if eigen else ronde.id)
    return leg_vast(session, catalogus=catalogus, antwoorden=[invoer], nu=nu)[0]


def _rol(catalogus: Catalogus, ronde: Ronde, kanaal: str) -> Wie:
    """The role asked to confirm this ronde (the stap's doelgroep, or the eigenaar), through a channel that knows
    no person: "statengriffie, via Prefect"."""
    proces, stap = rondes.spec(catalogus, ronde)
    rollen = proces.aangeschreven(stap).rollen or [proces.eigenaar]
    return Wie(naam=f"{', '.join(rollen)}, via {KANALEN.get(kanaal, kanaal)}")


def rond_melding_af(
    session: Session, *, catalogus: Catalogus, aanvaard: Versie, door_persoon_id: int, nu: datetime
) -> None:
    """A melding is one decision: accepting it completes the ronde(s) it started for the person, confirmed in the
    reviewer's name, once none of the person's other reported entries in this register waits for a decision. A
    melding sent back keeps its ronde open: the resubmission, when accepted, completes it."""
    wacht = session.exec(
        select(func.count())
        .select_from(Registerregel)
        .where(
            Registerregel.persoon_id == aanvaard.persoon_id,
            Registerregel.register_naam == aanvaard.register,
            Registerregel.verzoek_id.is_(None),
            Registerregel.status == Regelstatus.VOORGESTELD,
        )
    ).one()
    processen = [
        p.id
        for p in catalogus.processen
        if isinstance(p.planning, GebeurtenisPlanning)
        and p.planning.gebeurtenis == MELDING
        and p.planning.register_naam == aanvaard.register
    ]
    if wacht or not processen:
        return
    door = session.get(Persoon, door_persoon_id)
    for ronde in session.exec(
        select(Ronde).where(
            Ronde.persoon_id == aanvaard.persoon_id, Ronde.proces.in_(processen), Ronde.status == RondeStatus.LOPEND
        )
    ).all():
        bevestig_ronde(
            session=session,
            catalogus=catalogus,
            ronde_id=ronde.id,
            nu=nu,
            datum=nu.astimezone(TIJDZONE).date(),
            kanaal="eigenaar",
            door=Wie(door.id, door.naam),
        )
