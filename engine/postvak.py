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
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, or_, select

from engine import gebeurtenissen, registers
from engine.antwoorden import registreer_antwoord
from engine.catalogus import Catalogus
from engine.database import instellingen_van, sessie
from engine.gebeurtenissen import registreer
from engine.onbestelbaar import markeer_onbestelbaar
from engine.rondes import spec
from engine.uitgaand import bevestigers_van, zet_bericht_klaar
from models.instellingen import Instellingen
from models.statussen import Map, Uitkomst
from models.tabellen import Bericht, Inkomend, Persoon, Ronde, Verzoek
from notifications.inkomend import Binnenkomst, datum_in_tekst, lees, stabiel_id
from notifications.opmaak import lange_datum

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


def lees_postvak(*, engine: Engine, catalogus: Catalogus, inst: Instellingen, nu: datetime) -> Postvakverslag:
    """Read the reply mailbox in blocks: each block handled in one unit of work, committed, then moved to its
    folders."""
    from notifications import imap  # imap_tools is imported only where the mailbox is read

    gebeurd: Counter = Counter()
    mappen = imap.lees_postvak(
        inst,
        MAPPEN,
        lambda ruwe: verwerk_blok(engine=engine, catalogus=catalogus, inst=inst, ruwe=ruwe, nu=nu, gebeurd=gebeurd),
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
    """Handle messages in order, in the caller's unit of work. What they refer to is looked up in one query per
    kind for all of them: the messages seen before (by Message-ID), the verzoeken, their persons and rondes."""
    binnen = [lees(ruw) for ruw in ruwe]
    bekend = _bekend(session, binnen)
    return [_verwerk(session, catalogus, b, ruw, nu, bekend) for b, ruw in zip(binnen, ruwe, strict=True)]


@dataclass
class _Bekend:
    """What a block of messages refers to, looked up at once; `eerder` grows as the block is recorded."""

    eerder: dict[str, Afhandeling]  # Message-ID -> how it was handled
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


def _verwerk(
    session: Session, catalogus: Catalogus, binnen: Binnenkomst, ruw: bytes, nu: datetime, bekend: _Bekend
) -> Afhandeling:
    if (eerder := bekend.eerder.get(binnen.message_id)) is not None:
        return eerder
    if binnen.soort == "bounce":
        afhandeling, verzoek, antwoord_id = _bounce(session, catalogus, binnen, ruw, nu), None, None
    else:
        verzoek = _verzoek(bekend, binnen)
        afhandeling, antwoord_id = _antwoord(session, catalogus, binnen, verzoek, nu)
    inkomend = Inkomend(
        message_id=binnen.message_id,
        ontvangen=nu,
        afzender=binnen.afzender[:300],
        onderwerp=binnen.onderwerp[:998],
        map=afhandeling.map,
        uitkomst=afhandeling.uitkomst,
        verzoek_id=verzoek.id if verzoek else None,
        antwoord_id=antwoord_id,
        tekst=binnen.tekst,
        ruw=ruw,
    )
    session.add(inkomend)
    session.flush()
    bekend.eerder[binnen.message_id] = Afhandeling(afhandeling.map, afhandeling.uitkomst, nieuw=False)
    ronde = session.get(Ronde, verzoek.ronde_id) if verzoek else None
    registreer(
        session,
        soort="bericht-ontvangen",
        nu=nu,
        ronde=ronde,
        verzoek=verzoek,
        inkomend_id=inkomend.id,
        uitkomst=afhandeling.uitkomst,
        herkend_via=binnen.route,
    )
    return afhandeling


def _verzoek(bekend: _Bekend, binnen: Binnenkomst) -> Verzoek | None:
    if binnen.sleutel:
        return bekend.per_token.get(binnen.sleutel)
    if binnen.verzoek_nummer is not None:
        return bekend.per_nummer.get(binnen.verzoek_nummer)
    return None


def _antwoord(session, catalogus, binnen: Binnenkomst, verzoek: Verzoek | None, nu) -> tuple[Afhandeling, int | None]:
    if binnen.soort == "afwezig":
        return Afhandeling(AUTOMATISCH, Uitkomst.AFWEZIG), None
    if verzoek is None:
        return Afhandeling(ONBEKEND, Uitkomst.ONBEKEND), None
    persoon = session.get(Persoon, verzoek.persoon_id)
    if binnen.soort == "doorgestuurd":
        return Afhandeling(BEOORDELEN, Uitkomst.DOORGESTUURD), None
    if binnen.route == "onderwerp":  # a subject tag is guessable: only the reply key identifies a verzoek
        return Afhandeling(BEOORDELEN, Uitkomst.ALLEEN_ONDERWERP), None
    if binnen.twijfel:  # afzender-onduidelijk or authenticatie-mislukt
        return Afhandeling(BEOORDELEN, Uitkomst(binnen.twijfel)), None
    ronde = session.get(Ronde, verzoek.ronde_id)
    proces, stap = spec(catalogus, ronde)
    # the mail went to the person, or, where a third party confirms per person, to that party
    afzender = _afzender(persoon, bevestigers_van(session, proces, stap), binnen.afzender)
    if afzender is None:
        return Afhandeling(BEOORDELEN, Uitkomst.AFZENDER_WIJKT_AF), None
    if not binnen.tekst:
        return Afhandeling(BEOORDELEN, Uitkomst.LEEG), None
    # an owner who confirms by email writes the date of the meeting or decision in the reply; without a full
    # date the confirmation cannot count, and the coordinator asks for it
    bevestiging = stap.vraagt_datum
    datum = datum_in_tekst(binnen.tekst) if bevestiging else None
    if bevestiging and datum is None:
        return Afhandeling(BEOORDELEN, Uitkomst.ZONDER_DATUM), None
    vastgelegd = registreer_antwoord(
        session=session,
        catalogus=catalogus,
        token=verzoek.token,
        nu=nu,
        kanaal="email",
        geen_wijzigingen=binnen.geen_wijzigingen,
        tekst=None if binnen.geen_wijzigingen else binnen.tekst,
        datum=datum,
    )
    # "geen wijzigingen" confirms the register as it stands; free text waits as a proposal for the eigenaar
    registers.na_antwoord(
        session,
        catalogus=catalogus,
        verzoek=verzoek,
        ronde=ronde,
        antwoord_id=vastgelegd.antwoord_id,
        geen_wijzigingen=binnen.geen_wijzigingen,
        tekst=binnen.tekst,
        te_laat=vastgelegd.te_laat,
        nu=nu,
        kanaal="email",
    )
    if vastgelegd.te_laat:
        return Afhandeling(VERWERKT, Uitkomst.TE_LAAT), vastgelegd.antwoord_id
    zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        soort="ontvangst",
        sjabloon="standaard/ontvangst",
        context={
            "persoon": afzender,
            "geen_wijzigingen": binnen.geen_wijzigingen,
            "datum": lange_datum(datum) if datum else None,
        },
        aan=[afzender],
        onderwerp=f"Ontvangen: {binnen.onderwerp}"[:300],
        sleutel=f"ontvangst:{binnen.message_id}"[:200],
        nu=nu,
        verzoek_id=verzoek.id,
    )
    uitkomst = Uitkomst.GEEN_WIJZIGINGEN if binnen.geen_wijzigingen else Uitkomst.ANTWOORD
    return Afhandeling(VERWERKT, uitkomst), vastgelegd.antwoord_id


def _afzender(persoon: Persoon, bevestigers: list[Persoon] | None, adres: str) -> Persoon | None:
    """The person among those the verzoek went to who sent this reply; None when nobody of them did."""
    for kandidaat in [persoon] if bevestigers is None else bevestigers:
        if adres == kandidaat.email.lower():
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
