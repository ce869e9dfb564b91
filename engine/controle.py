"""Does the engine work? What reaches the coordinator on the alert channels when it does not.

Two sources. The engine's own check (`controleer`, scheduled on working days at 10:00 and available as
`integriteit controle` for a system cron beside Prefect): a working day on which the daily watch has not run by
10:00 is told once that day. And the shells, which see what the engine cannot: a run of the watch, the mailbox
poll or a ronde that failed or crashed (`meld_mislukte_run`, from the flows' state hooks). A storing of a mail
server (SMTP for sending, IMAP for reading the replies) is told by whoever met it (`meld_storing`), at most once
an hour while it lasts, and not again here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, func, select

from engine.catalogus import Catalogus
from engine.database import sessie
from engine.gebeurtenissen import registreer, registreer_veel, rij
from models.instellingen import Instellingen
from models.tabellen import Gebeurtenis, Vergrendeling
from models.werkdagen import TIJDZONE
from notifications import imap, meldingen

UITERLIJK = time(10, 0)
"""The daily watch runs at 08:00; by this time it has run, or something is wrong."""
GEMIST = "bewaking-gemist"
MISLUKT = "run-mislukt"
STILTE = timedelta(hours=1)
STORING = "SMTP-storing"
"""How a failed run caused by an SMTP storing begins its message (the sender already alerted)."""
STORINGEN = (STORING, imap.STORING)
"""What the message of a run that failed on a mail server's storing says (the engine already alerted)."""


@dataclass(frozen=True)
class Controle:
    laatste_bewaking: datetime | None
    gemist: bool  # a working day, past UITERLIJK, and no watch yet today
    gemeld: bool  # this check told the alert channels (once a day at most)


def controleer(session: Session, *, catalogus: Catalogus, nu: datetime, inst: Instellingen) -> Controle:
    """Whether today's watch ran; when it did not by 10:00 on a working day, alert once that day."""
    lokaal = nu.astimezone(TIJDZONE)
    laatste = laatste_bewaking(session)
    gemist = (
        catalogus.werkdagen.is_werkdag(lokaal.date())
        and lokaal.time() >= UITERLIJK
        and (laatste is None or laatste.astimezone(TIJDZONE).date() < lokaal.date())
    )
    if not gemist or _al_gemeld(session, lokaal):
        return Controle(laatste, gemist, False)
    registreer(session, soort=GEMIST, nu=nu, laatste_bewaking=laatste)
    sinds = (
        f"de laatste draaide op {laatste.astimezone(TIJDZONE):%Y-%m-%d %H:%M}" if laatste else "ze draaide nog nooit"
    )
    gemeld = meldingen.alarmeer(
        inst.meldingen,
        f"Integriteit: de bewaking heeft vandaag ({lokaal.date()}) niet gedraaid",
        f"Het is {lokaal:%H:%M} en de dagelijkse bewaking van {lokaal.date()} heeft nog niet gedraaid ({sinds}). "
        "Zonder bewaking gaan er geen herinneringen en escalaties uit en sluit geen ronde.\n\n"
        "Kijk in de Prefect UI bij het deployment 'bewaking' (draait `integriteit start` nog?), of draai haar met "
        "de hand: `integriteit bewaking`.",
    )
    return Controle(laatste, True, gemeld)


def laatste_bewaking(session: Session) -> datetime | None:
    """When the last watch that completed ran: every watch takes the lock `bewaking`, which keeps its moment."""
    return session.exec(select(Vergrendeling.moment).where(Vergrendeling.naam == "bewaking")).first()


def _al_gemeld(session: Session, lokaal: datetime) -> bool:
    begin = datetime.combine(lokaal.date(), time(0), tzinfo=TIJDZONE)
    return (
        session.exec(select(Gebeurtenis.id).where(Gebeurtenis.soort == GEMIST, Gebeurtenis.moment >= begin)).first()
        is not None
    )


def meld_mislukte_run(
    engine: Engine | None, inst: Instellingen, *, soort: str, run: str, toestand: str, reden: str, nu: datetime
) -> bool:
    """Tell the coordinator that a run of `soort` (bewaking, postvak, ronde) failed or crashed, with Prefect's
    reason; once an hour per soort while it keeps failing (the mailbox poll runs every five minutes). When the
    database is what failed (or `engine` is None), the alert goes out all the same."""
    if any(storing in reden for storing in STORINGEN):
        return False
    if _kort_geleden_gemeld(engine, inst, soort=soort, run=run, toestand=toestand, nu=nu):
        return False
    return meldingen.alarmeer(
        inst.meldingen,
        f"Integriteit: run '{run}' is {toestand.lower()}",
        f"De run '{run}' van de procesmotor eindigde als {toestand}.\n\nReden: {reden or 'onbekend'}\n\n"
        "Wat deze run moest doen, doet de volgende run alsnog: er gaat niets verloren. Kijk in de Prefect UI bij "
        "deze run voor de details, en los de oorzaak op. Zolang het zo blijft, hoort u dit eens per uur.",
    )


def meld_storing(
    session: Session, *, inst: Instellingen, soort: str, storing: str, titel: str, tekst: str, nu: datetime
) -> None:
    """Tell the alert channels that a mail server refuses (`soort`: smtp-storing, imap-storing; `storing`: what
    it said, kept in the audit trail), at most once an hour while it lasts."""
    laatste = session.exec(select(func.max(Gebeurtenis.moment)).where(Gebeurtenis.soort == soort)).one()
    if laatste is not None and nu - laatste < STILTE:
        return
    registreer(session, soort=soort, nu=nu, storing=storing)
    session.commit()
    meldingen.alarmeer(inst.meldingen, titel, tekst)


def _kort_geleden_gemeld(engine: Engine | None, inst: Instellingen, *, soort, run, toestand, nu: datetime) -> bool:
    """Whether a failure of `soort` was told less than STILTE ago; if not, this one is recorded as told."""
    if engine is None:
        return False
    try:
        with sessie(engine, inst) as s:
            vorige = s.exec(
                select(func.max(Gebeurtenis.moment)).where(Gebeurtenis.soort == MISLUKT, Gebeurtenis.proces == soort)
            ).one()
            if vorige is not None and nu - vorige < STILTE:
                return True
            registreer_veel(s, [rij(soort=MISLUKT, nu=nu, run=run, toestand=toestand) | {"proces": soort}])
    except SQLAlchemyError:
        return False  # no record of it, and no silence either
    return False
