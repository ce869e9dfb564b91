"""The daily watch: start what was missed, keep doelgroepen current, remind, escalate, close.

Its cost follows what is due: it touches lopende rondes only, and a ronde's persons only after a change.
On a day that is not a working day it only closes rondes; reminders and escalations wait for the next
working day.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlmodel import Session, select

from engine import rondes
from engine.agenda import Rondeplan, stapplan
from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer
from engine.personen import laatste_wijziging, leden
from engine.uitgaand import zet_escalatie_klaar, zet_verzoeken_klaar
from engine.vergrendeling import vergrendel
from models.doelgroep import Doelgroep
from models.statussen import OPEN, RondeStatus, VerzoekStatus, zet_status
from models.tabellen import Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE


def bewaking(*, session: Session, catalogus: Catalogus, nu: datetime) -> Counter:
    """One pass of the watch at `nu`; returns what it did (gestart, herinneringen, escalaties, gesloten).

    Watches never overlap: a second one waits for the first to commit and then finds its work done."""
    vergrendel(session, "bewaking", nu)
    verslag: Counter = Counter()
    vandaag = nu.astimezone(TIJDZONE).date()
    werkdag = catalogus.werkdagen.is_werkdag(vandaag)
    if werkdag:
        gestart = rondes.gestarte_periodes(session, nu)
        for proces in filter(lambda p: p.actief, catalogus.processen):
            start = rondes.start_ronde(session=session, catalogus=catalogus, proces=proces, nu=nu, gestart=gestart)
            verslag["gestart"] += bool(start and start.nieuw)
    bekend = {p.id for p in catalogus.processen}
    personen_gewijzigd = laatste_wijziging(session)
    for ronde in session.exec(select(Ronde).where(Ronde.status == RondeStatus.LOPEND).order_by(Ronde.id)).all():
        if ronde.proces not in bekend:
            continue  # a removed spec: its rondes wait, untouched, until the spec returns
        if vandaag > ronde.deadline:
            rondes.sluit(session, catalogus=catalogus, ronde=ronde, nu=nu)
            verslag["gesloten"] += 1
            continue
        if not werkdag or ronde.start > nu:
            continue
        iemand_weg = rondes.synchroniseer_doelgroep(
            session, catalogus=catalogus, ronde=ronde, nu=nu, gewijzigd=personen_gewijzigd
        )
        plan = stapplan(catalogus, ronde.proces, ronde.stapnummer, ronde.start)
        verslag["herinneringen"] += _herinner(session, catalogus, ronde, plan, nu)
        verslag["escalaties"] += _escaleer(session, catalogus, ronde, plan, nu)
        # Answers close a ronde as they complete it; here only a leaver can have completed it.
        if iemand_weg and rondes.is_compleet(session, catalogus=catalogus, ronde=ronde):
            rondes.sluit(session, catalogus=catalogus, ronde=ronde, nu=nu)
            verslag["gesloten"] += 1
    return verslag


def _herinner(session: Session, catalogus: Catalogus, ronde: Ronde, plan: Rondeplan, nu: datetime) -> int:
    """Send the latest due reminder to every open verzoek; reminders missed during downtime collapse into one.
    An escalated verzoek that gets a later reminder stays geescaleerd."""
    vandaag = nu.astimezone(TIJDZONE).date()
    data = plan.herinneringen
    nummer = sum(d <= vandaag for d in data)
    if nummer <= ronde.herinnering_nr:
        return 0
    ronde.herinnering_nr = nummer
    # Whoever joined on or after this reminder's date had the verzoek itself as contact.
    ontvangers = [(v, p) for v, p in _open(session, ronde) if _dag(v.aangemaakt) < data[nummer - 1]]
    adressering = [(v.id, v.token, p) for v, p in ontvangers]
    zet_verzoeken_klaar(session, catalogus=catalogus, ronde=ronde, adressering=adressering, nu=nu, herinnering=nummer)
    for verzoek, _ in ontvangers:
        if verzoek.status != VerzoekStatus.GEESCALEERD:
            zet_status(verzoek, VerzoekStatus.HERINNERD)
        verzoek.herinneringen, verzoek.laatste_contact = verzoek.herinneringen + 1, nu
    return len(ontvangers)


def _escaleer(session: Session, catalogus: Catalogus, ronde: Ronde, plan: Rondeplan, nu: datetime) -> int:
    proces, stap = plan.proces, plan.stap
    if ronde.geescaleerd or stap.escalatie is None:
        return 0
    datum = plan.escalatie
    if datum is None or nu.astimezone(TIJDZONE).date() < datum:
        return 0
    ronde.geescaleerd = True
    open_verzoeken = _open(session, ronde)
    if not open_verzoeken:
        return 0
    ontvangers = leden(session, Doelgroep(rollen=[stap.escalatie.naar or proces.eigenaar]))
    meetellend = (Verzoek.ronde_id == ronde.id, Verzoek.status != VerzoekStatus.VERVALLEN)
    totaal = len(session.exec(select(Verzoek.id).where(*meetellend)).all())
    for verzoek, _ in open_verzoeken:
        zet_status(verzoek, VerzoekStatus.GEESCALEERD)
    if not ontvangers:
        registreer(
            session, soort="escalatie-zonder-ontvanger", nu=nu, ronde=ronde, rol=stap.escalatie.naar or proces.eigenaar
        )
        return 0
    zet_escalatie_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        ontbrekend=[p for _, p in open_verzoeken],
        totaal=totaal,
        ontvangers=ontvangers,
        nu=nu,
    )
    return 1


def _open(session: Session, ronde: Ronde) -> list[tuple[Verzoek, Persoon]]:
    return list(
        session.exec(
            select(Verzoek, Persoon)
            .join(Persoon, Persoon.id == Verzoek.persoon_id)
            .where(Verzoek.ronde_id == ronde.id, Verzoek.status.in_(OPEN))
            .order_by(Verzoek.id)
        )
    )


def _dag(moment: datetime):
    return moment.astimezone(TIJDZONE).date()
