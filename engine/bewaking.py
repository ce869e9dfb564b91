"""The daily watch: start what was missed, keep doelgroepen current, remind, escalate, close, and remove
personal data past its retention period.

Its cost follows what is due: it touches lopende rondes only, and a ronde's persons only after a change.
On a day that is not a working day it only closes rondes; reminders and escalations wait for the next
working day.

A watch that missed days does what they should have done, in order: a ronde whose deadline passed gets the
escalation its spec asks for and is then closed; it never closes without it. A reminder whose moment passed
along with the deadline is not sent late. Since escalations wait for a working day, such a ronde waits for one
with its closing too: the first watch on a working day escalates it and closes it.

One proces cannot stop the others: starting each proces, and the day's work on each ronde, runs in a
savepoint of its own. What fails there (a template that breaks at reminder time, a bug) is rolled back
alone, recorded in the audit trail (`bewaking-fout`, with the reason), counted as `fouten`, shown in the
`openstaand` overview and told to the coordinator on the alert channels; every other proces still runs, and
the failed one is tried again by the next watch.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import case, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, func, select

from engine import bewaartermijnen, levensloop, persoonsrondes, rondes
from engine.agenda import Rondeplan, stapplan
from engine.catalogus import Catalogus
from engine.database import instellingen_van
from engine.gebeurtenissen import gebeurd, registreer, registreer_veel, rij
from engine.personen import laatste_wijziging, leden
from engine.registers import stand
from engine.uitgaand import waarom, zet_escalatie_klaar, zet_herinneringen_klaar
from engine.vergrendeling import vergrendel
from models.doelgroep import Doelgroep
from models.statussen import OPEN, RondeStatus, VerzoekStatus, voorgangers
from models.tabellen import Gebeurtenis, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from notifications import meldingen

FOUT = "bewaking-fout"
"""The audit kind of a proces or ronde whose work failed in the watch (details: the reason)."""
_log = logging.getLogger(__name__)


def bewaking(*, session: Session, catalogus: Catalogus, nu: datetime) -> Counter:
    """One pass of the watch at `nu`; returns what it did (gestart, herinneringen, escalaties, gesloten,
    opgeruimd: rows of personal data past retention (engine.bewaartermijnen), and fouten: the processen and
    rondes whose work failed and was rolled back alone).

    Watches never overlap: a second one waits for the first to commit and then finds its work done."""
    vergrendel(session, "bewaking", nu)
    verslag: Counter = Counter()
    apart = _Apart(session, catalogus, nu, verslag)
    vandaag = nu.astimezone(TIJDZONE).date()
    werkdag = catalogus.werkdagen.is_werkdag(vandaag)
    verslag["vertrokken"] += _vertrek(session, vandaag, nu)
    if werkdag:
        _start(session, catalogus, nu, apart, verslag)
    bekend = {p.id for p in catalogus.processen}
    personen_gewijzigd = laatste_wijziging(session)
    for ronde in session.exec(select(Ronde).where(Ronde.status == RondeStatus.LOPEND).order_by(Ronde.id)).all():
        if ronde.proces not in bekend:
            continue  # a removed spec: its rondes wait, untouched, until the spec returns
        with apart(ronde.proces, ronde):
            _ronde(session, catalogus, ronde, nu, vandaag, werkdag, personen_gewijzigd, verslag)
    verslag["opgeruimd"] = sum(bewaartermijnen.ruim_op(session, inst=instellingen_van(session), nu=nu).values())
    apart.alarmeer()
    return verslag


def _start(session: Session, catalogus: Catalogus, nu: datetime, apart: _Apart, verslag: Counter) -> None:
    """Start what is due of every proces, if it still leaves at least half its termijn; count the missed rondes
    that would not (`gemist`: left to the coordinator, listed in the overview). Finding that out only reads, so a
    proces with nothing to start costs no savepoint."""
    gestart = rondes.gestarte_periodes(session, nu)
    levenslopen = persoonsrondes.Levenslopen(session, catalogus, nu)
    for proces in filter(lambda p: p.actief, catalogus.processen):
        te_doen = None
        with apart(proces.id, None, lezen=True):
            if proces.per_persoon:
                te_doen = levenslopen.te_starten(proces)
                verslag["gemist"] += len(levenslopen.gemist(proces))
            else:
                te_doen = rondes.nog_te_starten(catalogus, proces, nu, gestart)
                verslag["gemist"] += rondes.gemist(catalogus, proces, nu, gestart) is not None
        if not te_doen:
            continue
        with apart(proces.id, None):
            if proces.per_persoon:
                starts = persoonsrondes.start_persoonsrondes(
                    session, catalogus=catalogus, proces=proces, nu=nu, levenslopen=levenslopen
                )
                verslag["gestart"] += len(starts)
            else:
                start = rondes.start_ronde(session=session, catalogus=catalogus, proces=proces, nu=nu, gestart=gestart)
                verslag["gestart"] += bool(start and start.nieuw)


def _vertrek(session: Session, vandaag: date, nu: datetime) -> int:
    """Whoever left by today is asked nothing more (their open verzoeken lapse when their rondes look again) and
    their public register entries end on their leaving day. Returns how many left today."""
    vertrokken = 0
    for persoon in session.exec(
        select(Persoon).where(Persoon.actief, Persoon.uit_dienst.is_not(None), Persoon.uit_dienst <= vandaag)
    ):
        voor = levensloop.Stand.van(persoon)
        persoon.actief, persoon.bijgewerkt = False, nu
        levensloop.registreer_verschil(session, persoon, voor, vandaag, nu)
        vertrokken += 1
    sinds = nu - persoonsrondes.TERUGBLIK
    afgehandeld = {
        (persoon_id, json.loads(details)["tot"])
        for persoon_id, details in session.exec(
            select(Gebeurtenis.persoon_id, Gebeurtenis.details).where(
                Gebeurtenis.soort == stand.BEEINDIGD, Gebeurtenis.moment >= sinds, Gebeurtenis.details.is_not(None)
            )
        )
    }
    for vertrek in levensloop.sinds(session, {levensloop.UITDIENST}, sinds):
        if vertrek.datum <= vandaag and (vertrek.persoon_id, vertrek.datum.isoformat()) not in afgehandeld:
            stand.beeindig(session, persoon_id=vertrek.persoon_id, dag=vertrek.datum, nu=nu)
            afgehandeld.add((vertrek.persoon_id, vertrek.datum.isoformat()))
    return vertrokken


def _ronde(session, catalogus, ronde: Ronde, nu, vandaag, werkdag: bool, personen_gewijzigd, verslag: Counter) -> None:
    """The day's work on one lopende ronde: after its deadline, its escalation and closing; before, keep its
    doelgroep current, remind and escalate."""
    plan = stapplan(catalogus, ronde.proces, ronde.stapnummer, ronde.start)
    if vandaag > ronde.deadline:
        _na_deadline(session, catalogus, ronde, plan, nu, werkdag, personen_gewijzigd, verslag)
        return
    if not werkdag or ronde.start > nu:
        return
    iemand_weg = rondes.synchroniseer_doelgroep(
        session, catalogus=catalogus, ronde=ronde, nu=nu, gewijzigd=personen_gewijzigd
    )
    verslag["herinneringen"] += _herinner(session, catalogus, ronde, plan, nu)
    verslag["escalaties"] += _escaleer(session, catalogus, ronde, plan, nu)
    # Answers close a ronde as they complete it; here only a leaver can have completed it.
    if iemand_weg and rondes.is_compleet(session, catalogus=catalogus, ronde=ronde):
        rondes.sluit(session, catalogus=catalogus, ronde=ronde, nu=nu)
        verslag["gesloten"] += 1


def _na_deadline(session, catalogus, ronde: Ronde, plan: Rondeplan, nu, werkdag: bool, gewijzigd, verslag) -> None:
    """Close a ronde whose deadline passed, after the escalation it still owes (which waits for a working day, and
    the closing with it). Whoever left the doelgroep meanwhile is not missing; nobody new is asked any more."""
    if rondes.wacht_op_escalatie(ronde, plan) and not werkdag:
        return
    rondes.synchroniseer_doelgroep(session, catalogus=catalogus, ronde=ronde, nu=nu, gewijzigd=gewijzigd, vragen=False)
    verslag["escalaties"] += _escaleer(session, catalogus, ronde, plan, nu)
    rondes.sluit(session, catalogus=catalogus, ronde=ronde, nu=nu)
    verslag["gesloten"] += 1


@dataclass
class _Apart:
    """Runs one proces's or ronde's work in a savepoint; a failure is rolled back alone and recorded."""

    session: Session
    catalogus: Catalogus
    nu: datetime
    verslag: Counter
    fouten: list[tuple[str, str]] = field(default_factory=list)

    @contextmanager
    def __call__(self, proces: str, ronde: Ronde | None, *, lezen: bool = False) -> Iterator[None]:
        """`lezen`: the work only reads, so there is nothing to roll back and no savepoint is needed."""
        verslag, gebeurtenissen = Counter(self.verslag), Counter(gebeurd(self.session))
        ronde_id = ronde.id if ronde is not None else None
        try:
            with nullcontext() if lezen else self.session.begin_nested():
                yield
        except (OperationalError, InterfaceError):
            raise  # the database itself is gone or locked: not one proces's problem
        except Exception as fout:  # noqa: BLE001 - whatever one proces does wrong, the others still run
            _log.exception("bewaking: %s mislukt", proces)
            # what the rolled-back work counted did not happen
            self.verslag.clear()
            self.verslag.update(verslag)
            self.session.info["gebeurd"] = gebeurtenissen
            reden = waarom(self.catalogus, fout)
            self.fouten.append((proces, reden))
            self.verslag["fouten"] += 1
            regel = rij(soort=FOUT, nu=self.nu, reden=reden, fout=type(fout).__name__)
            registreer_veel(self.session, [regel | {"proces": proces, "ronde_id": ronde_id}])

    def alarmeer(self) -> None:
        """One alert to the coordinator listing every failure of this watch (nothing when all went well)."""
        if not self.fouten:
            return
        dag = self.nu.astimezone(TIJDZONE).date()
        tekst = "\n".join(
            [
                f"De bewaking van {dag} kon het werk van {len(self.fouten)} "
                f"{'proces' if len(self.fouten) == 1 else 'processen'} niet doen; dat werk is teruggedraaid en "
                "wordt bij de volgende bewaking opnieuw geprobeerd. Alle andere processen zijn gewoon doorgegaan.",
                "",
                *(f"- {proces}: {reden}" for proces, reden in self.fouten),
                "",
                "Los het op (meestal in het sjabloon of de specificatie; `integriteit valideer` helpt daarbij).",
            ]
        )
        titel = f"Integriteit: {len(self.fouten)} {'proces' if len(self.fouten) == 1 else 'processen'} met een fout"
        try:
            meldingen.alarmeer(instellingen_van(self.session).meldingen, titel, tekst)
        except Exception:  # noqa: BLE001 - an alert channel that fails must not undo the day's work
            _log.exception("bewaking: melding over fouten niet verstuurd")


def _herinner(session: Session, catalogus: Catalogus, ronde: Ronde, plan: Rondeplan, nu: datetime) -> int:
    """Send the latest due reminder to every open verzoek; reminders missed during downtime collapse into one.
    An escalated verzoek that gets a later reminder stays geescaleerd. Set-based: the cost follows the
    reminders sent, not the verzoeken stored."""
    vandaag = nu.astimezone(TIJDZONE).date()
    data = plan.herinneringen
    nummer = sum(d <= vandaag for d in data)
    if nummer <= ronde.herinnering_nr:
        return 0
    ronde.herinnering_nr = nummer
    # Whoever joined on or after this reminder's date had the verzoek itself as contact.
    ontvangend = (
        Verzoek.ronde_id == ronde.id,
        Verzoek.status.in_(OPEN),
        Verzoek.aangemaakt < datetime.combine(data[nummer - 1], time(0), tzinfo=TIJDZONE),
    )
    aantal = zet_herinneringen_klaar(session, catalogus=catalogus, ronde=ronde, nummer=nummer, waar=ontvangend, nu=nu)
    herinnerd = VerzoekStatus.HERINNERD
    session.execute(
        update(Verzoek)
        .where(*ontvangend)
        .values(
            herinneringen=Verzoek.herinneringen + 1,
            laatste_contact=nu,
            status=case((Verzoek.status.in_(voorgangers(herinnerd)), herinnerd), else_=Verzoek.status),
        )
    )
    return aantal


def _escaleer(session: Session, catalogus: Catalogus, ronde: Ronde, plan: Rondeplan, nu: datetime) -> int:
    proces, stap = plan.proces, plan.stap
    if not rondes.wacht_op_escalatie(ronde, plan) or nu.astimezone(TIJDZONE).date() < plan.escalatie:
        return 0
    ronde.geescaleerd = True
    ontbrekend = list(
        session.exec(
            select(Persoon)
            .join(Verzoek, Persoon.id == Verzoek.persoon_id)
            .where(Verzoek.ronde_id == ronde.id, Verzoek.status.in_(OPEN))
            .order_by(Verzoek.id)
        )
    )
    if not ontbrekend:
        return 0
    ontvangers = leden(session, Doelgroep(rollen=[stap.escalatie.naar or proces.eigenaar]))
    totaal = session.exec(
        select(func.count())
        .select_from(Verzoek)
        .where(Verzoek.ronde_id == ronde.id, Verzoek.status != VerzoekStatus.VERVALLEN)
    ).one()
    geescaleerd = VerzoekStatus.GEESCALEERD
    session.execute(
        update(Verzoek)
        .where(Verzoek.ronde_id == ronde.id, Verzoek.status.in_(voorgangers(geescaleerd)))
        .values(status=geescaleerd)
    )
    if not ontvangers:
        registreer(
            session, soort="escalatie-zonder-ontvanger", nu=nu, ronde=ronde, rol=stap.escalatie.naar or proces.eigenaar
        )
        return 0
    zet_escalatie_klaar(
        session, catalogus=catalogus, ronde=ronde, ontbrekend=ontbrekend, totaal=totaal, ontvangers=ontvangers, nu=nu
    )
    return 1
