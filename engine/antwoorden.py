"""Recording an antwoord by its verzoek's token, and an eigenaar's confirmation with date and reference.

Every channel (email, form, CLI, simulator) ends here, so an answer counts the same whichever way it came.
An answer after the ronde closed is kept and marked late; it does not reopen anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from engine import rondes
from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer_veel, rij
from engine.personen import leden
from engine.uitgaand import COORDINATOR, context_buiten_periode, zet_bericht_klaar
from models.doelgroep import Doelgroep
from models.gebruikersfouten import Gebruikersfout
from models.statussen import OPEN, RondeStatus, VerzoekStatus, zet_status
from models.tabellen import Antwoord, Persoon, Ronde, Verzoek


class OnbekendVerzoek(Gebruikersfout):
    """No verzoek has this token, or no lopende ronde waits for this confirmation."""


class AlBevestigd(Gebruikersfout):
    """The stap was confirmed (or closed) another way first."""


@dataclass(frozen=True)
class Vastgelegd:
    """What recording an answer did."""

    antwoord_id: int
    te_laat: bool


@dataclass(frozen=True)
class Door:
    """Who made a confirmation: a logged-in person, by name, or the asked role through a channel that says
    nothing about who (the Prefect form, the CLI): then no person is named, in the answer nor in the audit trail."""

    naam: str
    persoon_id: int | None = None


KANALEN = {"prefect": "Prefect", "cli": "de CLI"}
"""The channels that confirm without knowing who (`Door` is then the role), as a sentence names them."""


@dataclass(frozen=True)
class Invoer:
    """One answer to record: the verzoek's token and what the person said (`door`: who, when not that person)."""

    token: str
    geen_wijzigingen: bool = False
    tekst: str | None = None
    datum: date | None = None
    kenmerk: str | None = None
    door: Door | None = None


def registreer_antwoord(
    *, session: Session, catalogus: Catalogus, token: str, nu: datetime, kanaal: str, **inhoud
) -> Vastgelegd:
    """Record one answer (see `registreer_antwoorden`)."""
    return registreer_antwoorden(
        session=session, catalogus=catalogus, nu=nu, kanaal=kanaal, antwoorden=[Invoer(token, **inhoud)]
    )[0]


def registreer_antwoorden(
    *, session: Session, catalogus: Catalogus, antwoorden: list[Invoer], nu: datetime, kanaal: str
) -> list[Vastgelegd]:
    """Record answers, in a handful of statements however many there are; a ronde they complete is closed.

    Raises OnbekendVerzoek, before writing anything, when a token belongs to no verzoek."""
    verzoeken = {
        v.token: v for v in session.exec(select(Verzoek).where(Verzoek.token.in_({a.token for a in antwoorden})))
    }
    if onbekend := [a.token for a in antwoorden if a.token not in verzoeken]:
        raise OnbekendVerzoek(f"geen verzoek heeft het token '{onbekend[0]}'")
    rondes_per_id = {
        r.id: r for r in session.exec(select(Ronde).where(Ronde.id.in_({v.ronde_id for v in verzoeken.values()})))
    }
    te_laat = {
        t: rondes_per_id[v.ronde_id].status != RondeStatus.LOPEND or v.status not in (*OPEN, VerzoekStatus.BEANTWOORD)
        for t, v in verzoeken.items()
    }
    tabel = Antwoord.__table__
    ids = (
        session.execute(
            insert(tabel).returning(tabel.c.id, sort_by_parameter_order=True),
            [
                {
                    "verzoek_id": verzoeken[a.token].id,
                    "ontvangen": nu,
                    "kanaal": kanaal,
                    "te_laat": te_laat[a.token],
                    "geen_wijzigingen": a.geen_wijzigingen,
                    "tekst": a.tekst,
                    "datum": a.datum,
                    "kenmerk": a.kenmerk,
                    "door": a.door.naam if a.door else None,
                }
                for a in antwoorden
            ],
        )
        .scalars()
        .all()
    )
    registreer_veel(
        session,
        [
            rij(
                soort="antwoord-te-laat" if te_laat[a.token] else "antwoord",
                nu=nu,
                ronde=rondes_per_id[verzoeken[a.token].ronde_id],
                verzoek_id=verzoeken[a.token].id,
                persoon_id=a.door.persoon_id if a.door else verzoeken[a.token].persoon_id,
                kanaal=kanaal,
                antwoord_id=antwoord_id,
                **({"door": a.door.naam} if a.door else {}),
            )
            for a, antwoord_id in zip(antwoorden, ids, strict=True)
        ],
    )
    buiten = _buiten_periode(session, catalogus, antwoorden, verzoeken, rondes_per_id, ids, nu)
    nu_beantwoord = [v for t, v in verzoeken.items() if not te_laat[t] and t not in buiten and v.status in OPEN]
    # Counted before the verzoeken change, so the count needs no flush first.
    compleet = rondes.worden_compleet(session, catalogus=catalogus, beantwoord=nu_beantwoord, rondes=rondes_per_id)
    for verzoek in nu_beantwoord:
        zet_status(verzoek, VerzoekStatus.BEANTWOORD)
        verzoek.beantwoord, verzoek.laatste_contact = nu, nu
    for ronde in compleet:
        rondes.sluit(session, catalogus=catalogus, ronde=ronde, nu=nu)
    return [Vastgelegd(antwoord_id, te_laat=te_laat[a.token]) for a, antwoord_id in zip(antwoorden, ids, strict=True)]


def _buiten_periode(session, catalogus, antwoorden, verzoeken, rondes_per_id, ids, nu) -> set[str]:
    """The tokens whose confirmed date falls outside the months the stap asks (`datum_in_maanden`): kept, not
    counted, and the integriteitscoordinator is told, once per answer."""
    buiten = set()
    for a, antwoord_id in zip(antwoorden, ids, strict=True):
        ronde = rondes_per_id[verzoeken[a.token].ronde_id]
        stap = rondes.spec(catalogus, ronde)[1]
        if a.datum is None or not stap.buiten_periode(a.datum, ronde.startdatum):
            continue
        buiten.add(a.token)
        registreer_veel(session, [rij(soort="antwoord-buiten-periode", nu=nu, ronde=ronde, antwoord_id=antwoord_id)])
        coordinatoren = leden(session, Doelgroep(rollen=[COORDINATOR]))
        zet_bericht_klaar(
            session,
            catalogus=catalogus,
            ronde=ronde,
            soort="buiten-periode",
            sjabloon="standaard/buiten-periode",
            context=context_buiten_periode(stap, ronde, a.datum, session.get(Persoon, verzoeken[a.token].persoon_id)),
            aan=coordinatoren,
            onderwerp=f"Bevestiging buiten de periode: {catalogus.proces(ronde.proces).titel}",
            sleutel=f"buiten-periode:{antwoord_id}",
            nu=nu,
        )
    return buiten


def bevestig(
    *,
    session: Session,
    catalogus: Catalogus,
    proces: str,
    nu: datetime,
    datum: date,
    kanaal: str,
    door: Door | None = None,
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
    door: Door | None = None,
    kenmerk: str | None = None,
) -> Vastgelegd:
    """Confirm this ronde's stap, made by `door` (None: the asked role, through `kanaal`). The answer is kept on
    the confirmer's own verzoek when they have one in the ronde, else on the ronde's first (an answer belongs to a
    verzoek; `door` says who made it). Raises AlBevestigd when the ronde is no longer lopend: whichever channel
    confirms first wins."""
    ronde = session.exec(select(Ronde).where(Ronde.id == ronde_id).with_for_update()).one_or_none()
    if ronde is None:
        raise OnbekendVerzoek(f"geen ronde met nummer {ronde_id}")
    if ronde.status != RondeStatus.LOPEND:
        raise AlBevestigd("Deze stap is al bevestigd of afgesloten; er is niets vastgelegd.")
    verzoeken = session.exec(select(Verzoek).where(Verzoek.ronde_id == ronde.id).order_by(Verzoek.id)).all()
    if not verzoeken:
        eigenaar = catalogus.proces(ronde.proces).eigenaar
        raise OnbekendVerzoek(f"de ronde van '{ronde.proces}' heeft niemand met de rol '{eigenaar}' om te bevestigen")
    door = door or _rol(catalogus, ronde, kanaal)
    verzoek = next((v for v in verzoeken if door.persoon_id is not None and v.persoon_id == door.persoon_id), None)
    invoer = Invoer((verzoek or verzoeken[0]).token, datum=datum, kenmerk=kenmerk, door=door)
    return registreer_antwoorden(session=session, catalogus=catalogus, nu=nu, kanaal=kanaal, antwoorden=[invoer])[0]


def _rol(catalogus: Catalogus, ronde: Ronde, kanaal: str) -> Door:
    """The role asked to confirm this ronde (the stap's doelgroep, or the eigenaar), through a channel that knows
    no person: "statengriffie, via Prefect"."""
    proces, stap = rondes.spec(catalogus, ronde)
    rollen = proces.aangeschreven(stap).rollen or [proces.eigenaar]
    return Door(f"{', '.join(rollen)}, via {KANALEN.get(kanaal, kanaal)}")
