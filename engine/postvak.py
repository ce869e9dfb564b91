"""What an incoming message means: an answer for its verzoek, a held reply, an auto-reply, or a bounce.

Every message is stored raw with its outcome and the folder it belongs in; a message read twice (same
Message-ID) is recognised and changes nothing. Only the reply key (plus-address, or our Message-ID quoted in
In-Reply-To/References) identifies a verzoek, and only a reply from the very address the verzoek went to,
with nothing doubtful about its sender, counts; anything else waits in `Beoordelen` for the coordinator.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Engine, insert
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, or_, select

from engine import gebeurtenissen
from engine.antwoorden import Invoer, Vastgelegd, Wie, leg_vast
from engine.catalogus import Catalogus
from engine.database import instellingen_van, sessie
from engine.gebeurtenissen import registreer, registreer_veel, rij
from engine.onbestelbaar import markeer_onbestelbaar
from engine.rondes import spec
from engine.uitgaand import bevestigers_van
from models.instellingen import Instellingen
from models.statussen import OPEN, Map, Uitkomst
from models.tabellen import Bericht, Inkomend, Persoon, Ronde, Verzoek
from notifications.inkomend import Binnenkomst, datum_in_tekst, kaal_adres, lees, stabiel_id

VERWERKT, ONBEKEND, AUTOMATISCH, BEOORDELEN = Map.VERWERKT, Map.ONBEKEND, Map.AUTOMATISCH, Map.BEOORDELEN
MAPPEN = tuple(Map)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Afhandeling:
    map: Map
    uitkomst: Uitkomst
    nieuw: bool = True


@dataclass(frozen=True)
class Postvakverslag:
    mappen: Counter  # folder -> how many messages went there
    gebeurd: Counter  # (ronde id, domain event) -> how often, over all messages


def lees_postvak(
    *,
    engine: Engine,
    catalogus: Catalogus,
    inst: Instellingen,
    nu: datetime,
    voortgang: Callable[[int, int], None] | None = None,
) -> Postvakverslag:
    """Read the reply mailbox in blocks: each block handled in one unit of work, committed, then moved to its
    folders; `voortgang` hears (messages done, messages in the inbox) after each block."""
    from notifications import imap  # imap_tools is imported only where the mailbox is read

    gebeurd: Counter = Counter()
    mappen = imap.lees_postvak(
        inst,
        MAPPEN,
        lambda ruwe: verwerk_blok(engine=engine, catalogus=catalogus, inst=inst, ruwe=ruwe, nu=nu, gebeurd=gebeurd),
        voortgang,
    )
    return Postvakverslag(mappen, gebeurd)


def verwerk_blok(
    *,
    engine: Engine,
    catalogus: Catalogus,
    ruwe: list[bytes],
    nu: datetime,
    inst: Instellingen | None = None,
    gebeurd: Counter | None = None,
) -> list[Map]:
    """Handle a block of messages in one unit of work and say the folder of each; `gebeurd` gathers the domain
    events. A message that fails spoils nothing: the block is then handled again message by message
    (`verwerk_veilig`), so only that message lands in Beoordelen. Savepoints would spare the second pass, but
    SQLite's driver commits at the release of a savepoint opened before the transaction's first write."""
    try:
        with sessie(engine, inst) as s:
            mappen = [afhandeling.map for afhandeling in verwerk_alle(session=s, catalogus=catalogus, ruwe=ruwe, nu=nu)]
    except (OperationalError, InterfaceError):
        raise  # the database itself is gone: stop, the messages stay in the inbox for the next poll
    except Exception:  # noqa: BLE001 - one of the messages: find which, one at a time
        log.warning("a block of %d incoming messages is handled again one by one", len(ruwe), exc_info=True)
        return [
            verwerk_veilig(engine=engine, catalogus=catalogus, inst=inst, ruw=ruw, nu=nu, gebeurd=gebeurd)
            for ruw in ruwe
        ]
    if gebeurd is not None:
        gebeurd.update(gebeurtenissen.gebeurd(s))
    return mappen


def verwerk_veilig(
    *,
    engine: Engine,
    catalogus: Catalogus,
    ruw: bytes,
    nu: datetime,
    inst: Instellingen | None = None,
    gebeurd: Counter | None = None,
) -> Map:
    """Handle one message and say its folder; `gebeurd` gathers the domain events. Nothing about one message
    (broken MIME, absurd headers, a value the database refuses, a removed spec) may stop the others: whatever
    fails lands in Beoordelen with the reason."""
    try:
        with sessie(engine, inst) as s:
            afhandeling = verwerk(session=s, catalogus=catalogus, ruw=ruw, nu=nu)
        if gebeurd is not None:
            gebeurd.update(gebeurtenissen.gebeurd(s))
        return afhandeling.map
    except (OperationalError, InterfaceError):
        raise  # the database itself is gone: stop, the message stays in the inbox for the next poll
    except Exception as fout:  # noqa: BLE001 - any other failure belongs to this message
        log.exception("incoming message could not be handled; it goes to %s", BEOORDELEN)
        with sessie(engine, inst) as s:
            _onleesbaar(s, ruw, nu, f"{type(fout).__name__}: {fout}")
        return BEOORDELEN


def _onleesbaar(session: Session, ruw: bytes, nu: datetime, reden: str) -> None:
    message_id = stabiel_id(ruw, "")  # derived from the bytes, so reading it again is recognised
    if session.exec(select(Inkomend.id).where(Inkomend.message_id == message_id)).first() is not None:
        return
    session.add(
        Inkomend(
            message_id=message_id,
            ontvangen=nu,
            map=BEOORDELEN,
            uitkomst=Uitkomst.ONLEESBAAR,
            tekst=reden.replace("\x00", "")[:2000],
            ruw=ruw,
        )
    )
    session.flush()
    registreer(session, soort="bericht-ontvangen", nu=nu, uitkomst=Uitkomst.ONLEESBAAR, reden=reden[:500])


def verwerk(*, session: Session, catalogus: Catalogus, ruw: bytes, nu: datetime) -> Afhandeling:
    """Handle one message (see `verwerk_alle`)."""
    return verwerk_alle(session=session, catalogus=catalogus, ruwe=[ruw], nu=nu)[0]


def verwerk_alle(*, session: Session, catalogus: Catalogus, ruwe: list[bytes], nu: datetime) -> list[Afhandeling]:
    """Handle messages in the caller's unit of work, with the outcome each would have had alone, in this order.

    The work is done per kind for all of them: what they refer to is looked up in one query per kind (messages
    seen before, verzoeken, persons, rondes), the answers are recorded together, and so are the messages."""
    binnen = [lees(ruw) for ruw in ruwe]
    bekend = _bekend(session, binnen)
    uitkomsten: list[_Nieuw | Afhandeling] = []
    for b, ruw in zip(binnen, ruwe, strict=True):
        eerder = bekend.eerder.get(b.message_id)
        if eerder is None:
            eerder = bekend.eerder[b.message_id] = _beoordeel(session, catalogus, b, ruw, nu, bekend)
            uitkomsten.append(eerder)
        else:  # seen before, maybe earlier in this block
            uitkomsten.append(eerder if isinstance(eerder, Afhandeling) else _Herhaald(eerder))
    nieuw = [u for u in uitkomsten if isinstance(u, _Nieuw)]
    _leg_antwoorden_vast(session, catalogus, [n for n in nieuw if n.antwoord], nu)
    _leg_berichten_vast(session, nieuw, nu)
    return [u if isinstance(u, Afhandeling) else u.afhandeling() for u in uitkomsten]


@dataclass
class _Antwoord:
    """An answer the message carries, to record for its verzoek."""

    ronde: Ronde
    afzender: Persoon
    datum: date | None


@dataclass
class _Nieuw:
    """A message not seen before, on its way to being recorded: its outcome is known once its answer, if any,
    has been recorded (a late answer is kept, but marked)."""

    binnen: Binnenkomst
    ruw: bytes
    verzoek: Verzoek | None
    uitkomst: Afhandeling | None = None
    antwoord: _Antwoord | None = None
    antwoord_id: int | None = None

    def afhandeling(self) -> Afhandeling:
        assert self.uitkomst is not None, "every answer is recorded before its message"
        return self.uitkomst


@dataclass
class _Herhaald:
    """The same message again, later in the block: it changes nothing."""

    eerste: _Nieuw

    def afhandeling(self) -> Afhandeling:
        return replace(self.eerste.afhandeling(), nieuw=False)


@dataclass
class _Bekend:
    """What a block of messages refers to, looked up at once; `eerder` grows as the block is handled."""

    eerder: dict[str, Afhandeling | _Nieuw]  # Message-ID -> how it was handled
    per_token: dict[str, Verzoek]
    per_nummer: dict[int, Verzoek]
    # held here because the unit of work only holds its objects weakly: `session.get` finds them without a query
    personen: list[Persoon]
    rondes: list[Ronde]


def _bekend(session: Session, binnen: list[Binnenkomst]) -> _Bekend:
    ids = {b.message_id for b in binnen}
    eerder = session.exec(
        select(Inkomend.message_id, Inkomend.map, Inkomend.uitkomst).where(Inkomend.message_id.in_(ids))
    ).all()
    tokens = {b.sleutel for b in binnen if b.sleutel}
    nummers = {b.verzoek_nummer for b in binnen if b.verzoek_nummer is not None and not b.sleutel}
    verzoeken = (
        session.exec(select(Verzoek).where(or_(Verzoek.token.in_(tokens), Verzoek.id.in_(nummers)))).all()
        if tokens or nummers
        else []
    )
    return _Bekend(
        eerder={m: Afhandeling(Map(k), Uitkomst(u), nieuw=False) for m, k, u in eerder},
        per_token={v.token: v for v in verzoeken},
        per_nummer={v.id: v for v in verzoeken},
        personen=session.exec(select(Persoon).where(Persoon.id.in_({v.persoon_id for v in verzoeken}))).all(),
        rondes=session.exec(select(Ronde).where(Ronde.id.in_({v.ronde_id for v in verzoeken}))).all(),
    )


def _beoordeel(
    session: Session, catalogus: Catalogus, binnen: Binnenkomst, ruw: bytes, nu: datetime, bekend: _Bekend
) -> _Nieuw:
    if binnen.soort == "bounce":
        return _Nieuw(binnen, ruw, None, uitkomst=_bounce(session, catalogus, binnen, ruw, nu))
    verzoek = _verzoek(bekend, binnen)
    uitkomst = _antwoord(session, catalogus, binnen, verzoek)
    if isinstance(uitkomst, _Antwoord):
        return _Nieuw(binnen, ruw, verzoek, antwoord=uitkomst)
    return _Nieuw(binnen, ruw, verzoek, uitkomst=uitkomst)


def _verzoek(bekend: _Bekend, binnen: Binnenkomst) -> Verzoek | None:
    if binnen.sleutel:
        return bekend.per_token.get(binnen.sleutel)
    if binnen.verzoek_nummer is not None:
        return bekend.per_nummer.get(binnen.verzoek_nummer)
    return None


def _antwoord(
    session: Session, catalogus: Catalogus, binnen: Binnenkomst, verzoek: Verzoek | None
) -> Afhandeling | _Antwoord:
    """What the message means when it is no bounce: an answer to record, or why not."""
    if binnen.soort == "afwezig":
        return Afhandeling(AUTOMATISCH, Uitkomst.AFWEZIG)
    if verzoek is None:
        return Afhandeling(ONBEKEND, Uitkomst.ONBEKEND)
    persoon = session.get(Persoon, verzoek.persoon_id)
    if binnen.soort == "doorgestuurd":
        return Afhandeling(BEOORDELEN, Uitkomst.DOORGESTUURD)
    if binnen.route == "onderwerp":  # a subject tag is guessable: only the reply key identifies a verzoek
        return Afhandeling(BEOORDELEN, Uitkomst.ALLEEN_ONDERWERP)
    if binnen.twijfel:  # afzender-onduidelijk or authenticatie-mislukt
        return Afhandeling(BEOORDELEN, Uitkomst(binnen.twijfel))
    ronde = session.get(Ronde, verzoek.ronde_id)
    proces, stap = spec(catalogus, ronde)
    # the mail went to the person, or, where a third party confirms per person, to that party
    afzender = _afzender(persoon, bevestigers_van(session, proces, stap), binnen.afzender)
    if afzender is None:
        return Afhandeling(BEOORDELEN, Uitkomst.AFZENDER_WIJKT_AF)
    if not binnen.tekst:
        return Afhandeling(BEOORDELEN, Uitkomst.LEEG)
    # an owner who confirms by email writes the date of the meeting or decision in the reply; without a full
    # date the confirmation cannot count, and the coordinator asks for it
    bevestiging = stap.vraagt_datum
    datum = datum_in_tekst(binnen.tekst) if bevestiging else None
    if bevestiging and datum is None:
        return Afhandeling(BEOORDELEN, Uitkomst.ZONDER_DATUM)
    return _Antwoord(ronde, afzender, datum)


def _leg_antwoorden_vast(session: Session, catalogus: Catalogus, nieuw: list[_Nieuw], nu: datetime) -> None:
    """Record the answers, as many at once as give the outcome each would have had alone (see `_partij`)."""
    while nieuw:
        partij, nieuw = _partij(catalogus, nieuw)
        vastgelegd = leg_vast(session, catalogus=catalogus, antwoorden=[_invoer(n) for n in partij], nu=nu)
        for n, v in zip(partij, vastgelegd, strict=True):
            n.antwoord_id = v.antwoord_id
            n.uitkomst = _uitkomst(n, v)


def _invoer(n: _Nieuw) -> Invoer:
    """A reply as an answer: "geen wijzigingen", or its text (and the date a confirmation needs)."""
    geen = n.binnen.geen_wijzigingen
    return Invoer(
        n.verzoek.token,
        kanaal="email",
        door=Wie(n.antwoord.afzender.id),
        geen_wijzigingen=geen,
        tekst=None if geen else n.binnen.tekst,
        datum=n.antwoord.datum,
    )


def _partij(catalogus: Catalogus, nieuw: list[_Nieuw]) -> tuple[list[_Nieuw], list[_Nieuw]]:
    """The longest run of answers that, recorded at once, each get the outcome they would have had one after
    the other, and the rest. An answer can change another's outcome only by closing their ronde: a second answer
    to the same verzoek, or to a ronde a confirmation closes, or an answer again to a verzoek answered before
    (it counts unless the ronde closed first), starts the next run."""
    tokens: set[str] = set()
    rondes: set[int] = set()
    for i, n in enumerate(nieuw):
        ronde = n.antwoord.ronde
        sluit_mogelijk = spec(catalogus, ronde)[1].voltooiing == "bevestiging" or n.verzoek.status not in OPEN
        if n.verzoek.token in tokens or (ronde.id in rondes and sluit_mogelijk):
            return nieuw[:i], nieuw[i:]
        tokens.add(n.verzoek.token)
        rondes.add(ronde.id)
    return nieuw, []


def _uitkomst(n: _Nieuw, vastgelegd: Vastgelegd) -> Afhandeling:
    if not vastgelegd.telt and not vastgelegd.al_beantwoord:
        return Afhandeling(VERWERKT, Uitkomst.TE_LAAT)
    return Afhandeling(VERWERKT, Uitkomst.GEEN_WIJZIGINGEN if n.binnen.geen_wijzigingen else Uitkomst.ANTWOORD)


def _leg_berichten_vast(session: Session, nieuw: list[_Nieuw], nu: datetime) -> None:
    """Store the new messages raw with their outcome, in one statement, and account for each in the audit trail."""
    if not nieuw:
        return
    tabel = Inkomend.__table__
    ids = session.execute(
        insert(tabel).returning(tabel.c.id, sort_by_parameter_order=True),
        [
            {
                "message_id": n.binnen.message_id,
                "ontvangen": nu,
                "afzender": n.binnen.afzender[:300],
                "onderwerp": n.binnen.onderwerp[:998],
                "map": n.afhandeling().map,
                "uitkomst": n.afhandeling().uitkomst,
                "verzoek_id": n.verzoek.id if n.verzoek else None,
                "antwoord_id": n.antwoord_id,
                "tekst": n.binnen.tekst,
                "ruw": n.ruw,
            }
            for n in nieuw
        ],
    ).scalars()
    registreer_veel(
        session,
        [
            rij(
                soort="bericht-ontvangen",
                nu=nu,
                ronde=session.get(Ronde, n.verzoek.ronde_id) if n.verzoek else None,
                verzoek_id=n.verzoek.id if n.verzoek else None,
                persoon_id=n.verzoek.persoon_id if n.verzoek else None,
                inkomend_id=inkomend_id,
                uitkomst=n.afhandeling().uitkomst,
                herkend_via=n.binnen.route,
            )
            for n, inkomend_id in zip(nieuw, ids, strict=True)
        ],
    )


def _afzender(persoon: Persoon, bevestigers: list[Persoon] | None, adres: str) -> Persoon | None:
    """The person among those the verzoek went to who sent this reply; None when nobody of them did."""
    afzender = kaal_adres(adres)
    for kandidaat in [persoon] if bevestigers is None else bevestigers:
        if afzender == kaal_adres(kandidaat.email):
            return kandidaat
    return None


def _bounce(session: Session, catalogus: Catalogus, binnen: Binnenkomst, ruw: bytes, nu: datetime) -> Afhandeling:
    """A bounce counts only for a message we sent, and only for the addresses that message went to: anyone can
    write "Undeliverable" and a list of addresses."""
    bericht = _ons_bericht(session, binnen, ruw)
    if bericht is None:
        return Afhandeling(AUTOMATISCH, Uitkomst.BOUNCE_ONBEKEND)
    ronde = session.get(Ronde, bericht.ronde_id)
    ontvangers = {a.strip().lower() for a in bericht.aan.split(",")}
    blijvend = [o for o in binnen.onbestelbaar if o.blijvend and o.adres in ontvangers]
    for o in blijvend:
        markeer_onbestelbaar(
            session, catalogus=catalogus, adres=o.adres, reden=f"bounce, status {o.status}", nu=nu, ronde=ronde
        )
    return Afhandeling(AUTOMATISCH, Uitkomst.BOUNCE if blijvend else Uitkomst.BOUNCE_TIJDELIJK)


def _ons_bericht(session: Session, binnen: Binnenkomst, ruw: bytes) -> Bericht | None:
    """The message of ours a bounce returns: by the Message-ID of the returned original, or else by any
    Message-ID of our domain quoted in its text (non-standard bounces)."""
    kandidaten = [binnen.origineel] if binnen.origineel else []
    domein = re.escape(instellingen_van(session).antwoorddomein.encode())
    kandidaten += [m.decode() for m in re.findall(rb"<[^<>\s@]{1,200}@" + domein + rb">", ruw, re.IGNORECASE)]
    if not kandidaten:
        return None
    return session.exec(select(Bericht).where(Bericht.message_id.in_(kandidaten[:20]))).first()
