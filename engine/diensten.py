"""The use cases: one function for everything a person or a schedule can ask of the engine.

Every shell calls these and only translates what they report: the CLI into text, the Prefect flows into
artifacts and events, the web app into pages; the simulator drives the same functions on a simulated clock.
A use case opens its own unit of work (`Omgeving.werk`), commits it, and reports what happened: its outcome,
the domain events it caused (ronde gestart, herinnerd, beantwoord, geescaleerd, gesloten; with the ronde),
and what sending did when it sent. No shell opens a session of its own.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from engine import (
    agenda,
    antwoorden,
    auditketen,
    backup,
    bevestigingen,
    bewaking,
    controle,
    inzage,
    jaarverslag,
    overzicht,
    personen,
    persoonsrondes,
    postvak,
    publicatie,
    rondes,
    status,
    uitgaand,
    verzenden,
)
from engine.catalogus import Catalogus, laad_catalogus
from engine.database import database, sessie
from engine.gebeurtenissen import gebeurd, registreer
from engine.registers import beoordeling, stand, versies
from engine.registers import invoer as registerinvoer
from engine.registers import pagina as registerpagina
from models.gebruikersfouten import Gebruikersfout
from models.instellingen import Instellingen, instellingen
from models.jaarcijfers import CATEGORIEEN, OMSCHRIJVING_MAX
from models.planning import STANDAARD_TIJD
from models.statussen import RondeStatus
from models.tabellen import Gebeurtenis, Jaarcijfer, Persoon, Ronde
from models.werkdagen import TIJDZONE
from notifications.imap import Postvakstoring

T = TypeVar("T")


@dataclass(frozen=True)
class Domeingebeurtenis:
    """Something that happened to a ronde, with how often (e.g. 49 reminders queued in one ronde)."""

    soort: str  # gestart, herinnerd, beantwoord, geescaleerd, gesloten
    ronde_id: int
    proces: str
    stap: str
    startdatum: date
    aantal: int
    betreft: str | None = None  # a ronde for one person: their function (engine.status.betreft)


@dataclass
class Verslag(Generic[T]):
    """What a use case did: its outcome, the domain events it caused, and what sending did (if it sent)."""

    uitkomst: T
    gebeurtenissen: list[Domeingebeurtenis] = field(default_factory=list)
    verzending: verzenden.Verzendverslag | None = None


@dataclass(frozen=True)
class Omgeving:
    """What every use case works with: the engine's database, the catalogue of specs, the settings."""

    engine: Engine
    catalogus: Catalogus
    inst: Instellingen

    @classmethod
    def uit_instellingen(cls, inst: Instellingen | None = None, processen: Path | None = None) -> Omgeving:
        """The configured environment: the database migrated once per process, the catalogue loaded once and
        again only when its files changed. Raises OngeldigeCatalogus on an invalid folder."""
        inst = inst or instellingen()
        return cls(database(inst.database_url), catalogus(processen or inst.processen), inst)

    @contextmanager
    def werk(self) -> Iterator[Session]:
        with sessie(self.engine, self.inst) as s:
            yield s


def catalogus(map: Path) -> Catalogus:
    """The catalogue of `map`, loaded again only when a file in it changed (a long-running server, a web app)."""
    sleutel = (map.resolve(), _vingerafdruk(map))
    if _catalogi.get(sleutel[0], (None, None))[0] != sleutel[1]:
        _catalogi[sleutel[0]] = (sleutel[1], laad_catalogus(map))
    return _catalogi[sleutel[0]][1]


_catalogi: dict[Path, tuple[tuple, Catalogus]] = {}


def _vingerafdruk(map: Path) -> tuple:
    """Name, size and modification time of every file below `map` (specs, kalender, rollen, templates)."""
    if not map.is_dir():
        return ()
    return tuple(
        sorted(
            (os.path.join(pad, naam), (s := os.stat(os.path.join(pad, naam))).st_size, s.st_mtime_ns)
            for pad, _, namen in os.walk(map)
            for naam in namen
        )
    )


def start_ronde(
    omg: Omgeving, *, proces: str, nu: datetime, verzenden: bool = True, alsnog: bool = False
) -> Verslag[rondes.Start | rondes.Gemist | None]:
    """Start the ronde of `proces`'s current period at `nu`; a second start finds it and changes nothing. A missed
    ronde that would leave less than half its termijn is only reported (`Gemist`), unless `alsnog`: then it starts
    now with a full termijn. Raises OnbekendProces."""
    spec = omg.catalogus.proces(proces)
    with omg.werk() as s:
        start = rondes.start_ronde(session=s, catalogus=omg.catalogus, proces=spec, nu=nu, alsnog=alsnog)
    return _verslag(omg, s, start, nu, verzenden)


def start_persoonsrondes(
    omg: Omgeving, *, proces: str, nu: datetime, verzenden: bool = True, alsnog: bool = False
) -> Verslag[list[rondes.Start]]:
    """Start the rondes of a proces that starts with a person (an event, a date of theirs) that are due at `nu`;
    with `alsnog` also the missed ones the watch left to the coordinator, each now with a full termijn. Raises
    OnbekendProces."""
    spec = omg.catalogus.proces(proces)
    with omg.werk() as s:
        starts = persoonsrondes.start_persoonsrondes(s, catalogus=omg.catalogus, proces=spec, nu=nu, alsnog=alsnog)
    return _verslag(omg, s, starts, nu, verzenden)


def bewaak(omg: Omgeving, *, nu: datetime, verzenden: bool = True) -> Verslag[Counter]:
    """The daily watch: start what was missed, keep doelgroepen current, remind, escalate, close."""
    with omg.werk() as s:
        telling = bewaking.bewaking(session=s, catalogus=omg.catalogus, nu=nu)
    return _verslag(omg, s, telling, nu, verzenden)


def controleer(omg: Omgeving, *, nu: datetime) -> controle.Controle:
    """The engine's own check: whether today's watch ran by 10:00; the alert channels hear once a day when not."""
    with omg.werk() as s:
        return controle.controleer(s, catalogus=omg.catalogus, nu=nu, inst=omg.inst)


def meld_mislukte_run(inst: Instellingen, *, soort: str, run: str, toestand: str, reden: str, nu: datetime) -> bool:
    """Tell the alert channels that a run failed or crashed, once an hour per soort. Needs no catalogue, and
    alerts even when the database is what failed."""
    try:
        engine = database(inst.database_url)
    except Exception:  # noqa: BLE001 - a database that cannot even be opened: alert without a record
        engine = None
    return controle.meld_mislukte_run(engine, inst, soort=soort, run=run, toestand=toestand, reden=reden, nu=nu)


def beantwoord(
    omg: Omgeving, *, invoer: list[antwoorden.Invoer], nu: datetime, verzenden: bool = True
) -> Verslag[list[antwoorden.Vastgelegd]]:
    """Record answers (one is a list of one), whatever channel they came through: the one road
    (`antwoorden.leg_vast`). Raises OnbekendVerzoek, OngeldigeInvoer (per (index, field) a Dutch message; nothing
    stored)."""
    with omg.werk() as s:
        vastgelegd = antwoorden.leg_vast(s, catalogus=omg.catalogus, antwoorden=invoer, nu=nu)
    return _verslag(omg, s, vastgelegd, nu, verzenden)


def bevestig(
    omg: Omgeving,
    *,
    nu: datetime,
    datum: date,
    kanaal: str,
    proces: str | None = None,
    ronde_id: int | None = None,
    kenmerk: str | None = None,
    stap: str | None = None,
    verzenden: bool = True,
) -> Verslag[antwoorden.Vastgelegd]:
    """The stap of `proces` (or the ronde `ronde_id`) that waits for its eigenaar is confirmed, with the date and
    reference of the decision, by the asked role through `kanaal` (prefect, cli: channels that do not say who).
    Raises OnbekendVerzoek, AlBevestigd (confirmed another way first)."""
    bevestiging = {"catalogus": omg.catalogus, "nu": nu, "datum": datum, "kenmerk": kenmerk, "kanaal": kanaal}
    if ronde_id is None:
        omg.catalogus.proces(proces)
    with omg.werk() as s:
        if ronde_id is None:
            vastgelegd = antwoorden.bevestig(session=s, proces=proces, stap=stap, **bevestiging)
        else:
            vastgelegd = antwoorden.bevestig_ronde(session=s, ronde_id=ronde_id, **bevestiging)
    return _verslag(omg, s, vastgelegd, nu, verzenden)


def verzend(omg: Omgeving, *, nu: datetime) -> verzenden.Verzendverslag:
    """Send the outbox over SMTP (nothing without a server: the messages wait)."""
    with omg.werk() as s:
        return verzenden.verzend(session=s, catalogus=omg.catalogus, nu=nu, inst=omg.inst)


def lees_postvak(
    omg: Omgeving, *, nu: datetime, verzenden: bool = True, voortgang: Callable[[int, int], None] | None = None
) -> Verslag[Counter]:
    """Read the reply mailbox: each message matched and recorded, then moved to its folder; the count per
    folder. `voortgang` hears (messages done, messages in the inbox) as it goes. Raises Postvakstoring when the
    server refuses (the login, say), after telling the alert channels (once an hour while it lasts)."""
    try:
        gelezen = postvak.lees_postvak(
            engine=omg.engine, catalogus=omg.catalogus, inst=omg.inst, nu=nu, voortgang=voortgang
        )
    except Postvakstoring as fout:
        with omg.werk() as s:
            controle.meld_storing(
                s,
                inst=omg.inst,
                soort="imap-storing",
                storing=fout.antwoord,
                titel="IMAP-storing: het postvak wordt niet gelezen",
                tekst=f"De IMAP-server {omg.inst.imap_host} weigert: {fout.antwoord}\n"
                "Antwoorden blijven in het postvak staan en worden gelezen zodra de server weer meewerkt; "
                "klopt het wachtwoord (INTEGRITEIT_IMAP_PASSWORD) nog?",
                nu=nu,
            )
        raise
    verslag = Verslag(gelezen.mappen, _gebeurtenissen(omg, gelezen.gebeurd))
    if verzenden and omg.inst.smtp_host:
        verslag.verzending = verzend(omg, nu=nu)
    return verslag


def importeer_personen(omg: Omgeving, *, bestand: Path | None, nu: datetime) -> Verslag[personen.Importverslag]:
    """Import persons from a file (None: the synthetic demo organisation); all or nothing. Raises
    OngeldigeImport, naming every bad row and column."""
    rijen = personen.lees_bestand(bestand or personen.DEMO, set(omg.catalogus.rollen.rollen))
    with omg.werk() as s:
        return Verslag(personen.importeer(s, rijen, nu))


def laad_demoregisters(omg: Omgeving, *, nu: datetime) -> int:
    """The demo organisation's register entries (demo/registers.json: every case the publication rules
    distinguish), accepted as of `nu`; a person whose register holds anything is left alone. How many stored."""
    demo = json.loads(personen.DEMO_REGISTERS.read_text(encoding="utf-8"))
    with omg.werk() as s:
        return registerinvoer.importeer_regels(s, regels=demo, nu=nu, kanaal="demo")


def is_leeg(omg: Omgeving) -> bool:
    """No persons at all: a fresh database."""
    with omg.werk() as s:
        return s.exec(select(func.count()).select_from(Persoon)).one() == 0


def rondes_status(omg: Omgeving) -> list[dict]:
    """Every ronde with its counts: verzoeken, beantwoord, open, herinneringen, escalaties."""
    with omg.werk() as s:
        return status.rondes_status(s)


def ronde_overzicht(omg: Omgeving, ronde_id: int) -> tuple[Ronde, list[dict], int, int]:
    """A ronde with its rows (who, role, status, last contact, reminders) and (answered, total)."""
    with omg.werk() as s:
        ronde = s.get(Ronde, ronde_id)
        return ronde, overzicht.ronde_tabel(s, ronde), *overzicht.voortgang(s, ronde)


def ronde_voortgang(omg: Omgeving, ronde_id: int) -> tuple[int, int]:
    """A ronde's (answered, total), without its rows."""
    with omg.werk() as s:
        return overzicht.voortgang(s, s.get(Ronde, ronde_id))


def openstaand(omg: Omgeving, nu: datetime) -> overzicht.Openstaand:
    """The coordinator's overview of what runs and what needs them: late rondes first, confirmations that wait,
    rondes closed with people who never answered, missed rondes, proposals per eigenaar."""
    with omg.werk() as s:
        return overzicht.openstaand(s, catalogus=omg.catalogus, nu=nu)


def inhaalrondes(omg: Omgeving, nu: datetime) -> tuple[list[overzicht.Inhaalronde], list[overzicht.Inhaalronde]]:
    """The rondes whose planned start passed without them: (those the next watch starts, with at least half their
    termijn; the missed ones it leaves to the coordinator)."""
    with omg.werk() as s:
        return overzicht.inhaalrondes(s, catalogus=omg.catalogus, nu=nu)


def niet_geantwoord(omg: Omgeving, *, ronde_id: int) -> overzicht.NietGeantwoord | None:
    """Who never answered a closed ronde; None when there is no such ronde."""
    with omg.werk() as s:
        return overzicht.niet_geantwoord(s, catalogus=omg.catalogus, ronde_id=ronde_id)


def lopende_rondes(omg: Omgeving) -> list[Ronde]:
    with omg.werk() as s:
        return list(s.exec(select(Ronde).where(Ronde.status == RondeStatus.LOPEND).order_by(Ronde.id)))


def wachtende_bevestigingen(omg: Omgeving) -> list[Ronde]:
    """Lopende rondes whose stap waits for its eigenaar's confirmation."""
    bekend = {p.id for p in omg.catalogus.processen}
    return [
        r
        for r in lopende_rondes(omg)
        if r.proces in bekend and rondes.spec(omg.catalogus, r)[1].voltooiing == "bevestiging"
    ]


def is_lopend(omg: Omgeving, ronde_id: int) -> bool:
    with omg.werk() as s:
        ronde = s.get(Ronde, ronde_id)
        return ronde is not None and ronde.status == RondeStatus.LOPEND


def _verslag(omg: Omgeving, s: Session, uitkomst: T, nu: datetime, verzenden: bool) -> Verslag[T]:
    verslag = Verslag(uitkomst, _gebeurtenissen(omg, gebeurd(s)))
    if verzenden and omg.inst.smtp_host:
        verslag.verzending = verzend(omg, nu=nu)
    return verslag


def _gebeurtenissen(omg: Omgeving, telling: Counter) -> list[Domeingebeurtenis]:
    """The counted events with their rondes; an event of a ronde that was rolled back (another worker started
    the same ronde a moment earlier) has no ronde and is dropped."""
    if not telling:
        return []
    with omg.werk() as s:
        rondes_per_id = {r.id: r for r in s.exec(select(Ronde).where(Ronde.id.in_({i for i, _ in telling})))}
        functies = status.betreft(s, rondes_per_id.values())
    return [
        Domeingebeurtenis(soort, r.id, r.proces, r.stap, r.startdatum, aantal, functies.get(r.id))
        for (ronde_id, soort), aantal in sorted(telling.items())
        if (r := rondes_per_id.get(ronde_id)) is not None
    ]


def voorbeeld(
    catalogus: Catalogus, *, proces: str, stap: str | None = None, soort: str = "verzoek", nu: datetime
) -> uitgaand.Voorbeeldbericht:
    """The message of `soort` that a stap of `proces` sends, rendered as the outbox renders it, for a sample
    recipient, with the dates of the proces's next ronde after `nu`; for a proces that starts with a person or
    never again, the dates of a ronde started on the next working day, as the watch starts one the day after an event.
    Raises OnbekendProces (also for an unknown stap, naming the stappen) and GeenVoorbeeld."""
    spec = catalogus.proces(proces)
    nummer, gekozen = catalogus.stap(spec, stap)
    return uitgaand.voorbeeldbericht(catalogus, spec, gekozen, soort, _volgende_ronde(catalogus, spec, nummer, nu))


def _volgende_ronde(catalogus: Catalogus, spec, nummer: int, nu: datetime) -> Ronde:
    starts = agenda.rondestarts(spec, catalogus, nu, nu + timedelta(days=6 * 366)) or [
        datetime.combine(catalogus.werkdagen.eerstvolgende(nu.date() + timedelta(days=1)), STANDAARD_TIJD, TIJDZONE)
    ]
    plan = agenda.plan_ronde(spec, starts[0], catalogus.werkdagen)[nummer]
    return Ronde(
        proces=spec.id,
        stap=plan.stap.id or "",
        stapnummer=nummer,
        startdatum=starts[0].date(),
        start=plan.start,
        deadline=plan.deadline,
    )


# The web app's small use cases: single-use login links, and a mail that cannot wait for the outbox.


def gebruik_aanmeldlink(omg: Omgeving, *, link: str, persoon_id: int, nu: datetime) -> bool:
    """Spend a single-use login link: True the first time (recorded as `aanmelding` in the audit trail), False
    ever after. The link's signature and age are the web app's to check."""
    from engine.gebeurtenissen import registreer_veel, rij
    from engine.vergrendeling import vergrendel
    from models.tabellen import Gebeurtenis

    details = rij(soort="aanmelding", nu=nu, persoon_id=persoon_id, link=link)["details"]
    with omg.werk() as s:
        vergrendel(s, "aanmelding", nu)
        gebruikt = s.exec(
            select(Gebeurtenis.id).where(Gebeurtenis.soort == "aanmelding", Gebeurtenis.details == details)
        ).first()
        if gebruikt is not None:
            return False
        registreer_veel(s, [rij(soort="aanmelding", nu=nu, persoon_id=persoon_id, link=link)])
    return True


@dataclass(frozen=True)
class Persoonlijkemail:
    """A mail to one person that cannot wait for the outbox (a login link lives 15 minutes)."""

    persoon_id: int | None
    """Whom it went to; None when no active person has the address or the condition did not hold."""
    verzonden: bool
    tekst: str | None = None
    """The text, only when it could not be sent because no SMTP server is set (a development machine)."""


def mail_persoon(
    omg: Omgeving,
    *,
    email: str,
    soort: str,
    opstellen: Callable[[Persoon], tuple[str, str]],
    nu: datetime,
    voorwaarde: Callable[[Persoon], bool] = lambda _p: True,
) -> Persoonlijkemail:
    """Mail the one active person with this address (in any case) the (subject, text) that `opstellen` makes, when
    `voorwaarde` holds for them; at once over SMTP, recorded as `<soort>-verstuurd`. Nothing happens for an
    unknown address, and the caller answers the same either way. A failing server is logged, not raised."""
    import logging
    from email.message import EmailMessage
    from email.utils import format_datetime, formataddr, make_msgid

    from engine.gebeurtenissen import registreer_veel, rij
    from notifications import smtp

    with omg.werk() as s:
        persoon = registerpagina.persoon_met_email(s, email)
        if persoon is None or not voorwaarde(persoon):
            return Persoonlijkemail(None, False)
        onderwerp, tekst = opstellen(persoon)
        registreer_veel(s, [rij(soort=f"{soort}-verstuurd", nu=nu, persoon_id=persoon.id)])
    if not omg.inst.smtp_host:
        return Persoonlijkemail(persoon.id, False, tekst)
    bericht = EmailMessage()
    bericht["From"] = formataddr((omg.inst.afzender_naam, omg.inst.afzender))
    bericht["To"] = persoon.email
    bericht["Subject"] = onderwerp
    bericht["Date"] = format_datetime(nu)
    bericht["Message-ID"] = make_msgid(domain=omg.inst.antwoorddomein)
    bericht["Auto-Submitted"] = "auto-generated"
    bericht.set_content(tekst)
    try:
        with smtp.verbinding(omg.inst) as verbinding:
            aanvaard = smtp.bezorg(verbinding, bericht, [persoon.email]).aanvaard
    except (smtp.Serverstoring, smtp.BerichtGeweigerd) as fout:
        logging.getLogger("integriteit").error("Persoonlijke mail (%s) niet verstuurd: %s", soort, fout)
        return Persoonlijkemail(persoon.id, False)
    return Persoonlijkemail(persoon.id, bool(aanvaard))


# From answer to register (issue 10): the personal page of a verzoek, answers and proposals, the eigenaar's
# review, and the register as it stood on a day. The core is the package engine/registers/.


def pagina(omg: Omgeving, *, token: str, nu: datetime) -> registerpagina.Persoonlijkepagina:
    """The personal page of the verzoek with this token: who, what is asked, by when, whether it still takes
    answers, and the register's entries for pre-filling. Raises OnbekendVerzoek."""
    with omg.werk() as s:
        return registerpagina.pagina(s, catalogus=omg.catalogus, token=token, nu=nu)


def melding(
    omg: Omgeving, *, persoon_id: int, register: str, invoer: list[dict], nu: datetime, kanaal: str
) -> Verslag[registerinvoer.Ingediend]:
    """Entries reported without a verzoek (a gift when it is received), as proposals; a melding starts at once
    the proces that reviews it (`planning: {gebeurtenis: melding}`). Raises OngeldigeInvoer."""
    with omg.werk() as s:
        uitkomst = registerinvoer.melding(
            s, catalogus=omg.catalogus, persoon_id=persoon_id, register=register, invoer=invoer, nu=nu, kanaal=kanaal
        )
        if uitkomst.voorstellen:
            persoonsrondes.start_melding(s, catalogus=omg.catalogus, persoon_id=persoon_id, register=register, nu=nu)
    return _verslag(omg, s, uitkomst, nu, False)


def voorstellen(omg: Omgeving, *, rollen: set[str]) -> list[beoordeling.Voorstel]:
    """The proposals waiting for these roles (eigenaar roles; the integriteitscoordinator sees all)."""
    with omg.werk() as s:
        return beoordeling.voorstellen(s, catalogus=omg.catalogus, rollen=rollen)


def aanvaard(
    omg: Omgeving, *, versie_id: int, door_persoon_id: int, nu: datetime, velden: dict | None = None
) -> Verslag[versies.Versie]:
    """The eigenaar accepts a proposal, as is or edited (`velden`). Raises OnbekendVoorstel, AlBeoordeeld,
    GeenBevoegdheid, OngeldigeInvoer."""
    with omg.werk() as s:
        uitkomst = beoordeling.aanvaard(
            s, catalogus=omg.catalogus, versie_id=versie_id, door_persoon_id=door_persoon_id, nu=nu, velden=velden
        )
        if uitkomst.verzoek_id is None:  # a melding: accepting it is the one decision its ronde waits for
            antwoorden.rond_melding_af(
                s, catalogus=omg.catalogus, aanvaard=uitkomst, door_persoon_id=door_persoon_id, nu=nu
            )
    return Verslag(uitkomst)


def verwerk_tekst(
    omg: Omgeving, *, versie_id: int, door_persoon_id: int, wijzigingen: list[dict], nu: datetime
) -> Verslag[list[versies.Versie]]:
    """The eigenaar turns a free-text proposal (a reply by email) into accepted entries."""
    with omg.werk() as s:
        uitkomst = beoordeling.verwerk_tekst(
            s,
            catalogus=omg.catalogus,
            versie_id=versie_id,
            door_persoon_id=door_persoon_id,
            wijzigingen=wijzigingen,
            nu=nu,
        )
    return Verslag(uitkomst)


def stuur_terug(
    omg: Omgeving,
    *,
    versie_id: int,
    door_persoon_id: int,
    opmerking: str,
    nu: datetime,
    link: str | None = None,
    verzenden: bool = True,
) -> Verslag[beoordeling.Teruggestuurd]:
    """The eigenaar sends a proposal back with a remark; the person gets a mail with it and their link."""
    with omg.werk() as s:
        uitkomst = beoordeling.stuur_terug(
            s,
            catalogus=omg.catalogus,
            versie_id=versie_id,
            door_persoon_id=door_persoon_id,
            opmerking=opmerking,
            nu=nu,
            link=link,
        )
    return _verslag(omg, s, uitkomst, nu, verzenden)


def register_op(omg: Omgeving, *, persoon_id: int, register: str, peildatum: date | datetime) -> list[versies.Versie]:
    """What the person's register said on that day: per entry the latest version accepted by then."""
    with omg.werk() as s:
        return stand.register_op(s, persoon_id=persoon_id, register=register, peildatum=peildatum)


def geschiedenis(omg: Omgeving, *, regel: str) -> list[versies.Versie]:
    """Every version of one entry, oldest first."""
    with omg.werk() as s:
        return stand.geschiedenis(s, regel=regel)


def mag_beoordelen(omg: Omgeving, persoon: Persoon) -> bool:
    """Whether the person reviews proposals: an eigenaar role of some proces, or the integriteitscoordinator."""
    return beoordeling.mag_beoordelen(omg.catalogus, persoon)


def persoon_met_email(omg: Omgeving, *, email: str) -> Persoon | None:
    """The one active person with this address (any case), or None."""
    with omg.werk() as s:
        return registerpagina.persoon_met_email(s, email)


# Publication (issue 14): the public registers as a static site and open data, and what changed since the
# previous publication. The core is engine/publicatie.py.

PUBLICATIE = "publicatie"
"""The audit kind of a publication: its folder, its peildatum, a sha256 per file and the entries it held."""


@dataclass(frozen=True)
class Publicatie:
    """What one publication wrote: per file its sha256, and the entries added, changed and ended since the
    previous publication (None: this is the first)."""

    map: Path
    peildatum: date
    bestanden: dict[str, str]
    wijzigingen: list[publicatie.Wijziging]
    vorige: datetime | None
    personen: dict[str, dict[str, int]]
    """Per register shown per person: how many persons with entries and with each text instead of them."""


def openbare_registers(omg: Omgeving, *, peildatum: date) -> dict[str, bytes]:
    """The public registers on `peildatum` as files ({relative path: content}), as the web app serves them."""
    with omg.werk() as s:
        return publicatie.export(publicatie.openbaar_op(s, catalogus=omg.catalogus, peildatum=peildatum), peildatum)


def registerstand(omg: Omgeving) -> tuple:
    """Changes whenever the public registers of a day may have changed (`publicatie.stand`): a shell that keeps
    `openbare_registers` makes it again only then."""
    with omg.werk() as s:
        return publicatie.stand(s)


def publiceer(omg: Omgeving, *, map: Path, nu: datetime, peildatum: date | None = None) -> Publicatie:
    """Write the public registers on `peildatum` (default: today) to `map`, ready to copy to the website; files
    the previous publication wrote to the same folder and this one does not (a page no longer public) are
    removed. Recorded in the audit trail with a sha256 per file and the entries published."""
    peildatum = peildatum or nu.astimezone(TIJDZONE).date()
    with omg.werk() as s:
        openbaar = publicatie.openbaar_op(s, catalogus=omg.catalogus, peildatum=peildatum)
        bestanden = publicatie.export(openbaar, peildatum)
        vorige = s.exec(
            select(Gebeurtenis).where(Gebeurtenis.soort == PUBLICATIE).order_by(Gebeurtenis.id.desc())
        ).first()
        eerder = json.loads(vorige.details) if vorige else {}
        inhoud = publicatie.inhoud(openbaar)
        hashes = publicatie.sha256(bestanden)
        wijzigingen = publicatie.wijzigingen(eerder.get("inhoud", {}), inhoud)
        registreer(
            s,
            soort=PUBLICATIE,
            nu=nu,
            map=str(map.resolve()),
            peildatum=peildatum.isoformat(),
            bestanden=hashes,
            inhoud=inhoud,
            wijzigingen=dict(Counter(w.soort for w in wijzigingen)),
        )
        oud = set(eerder.get("bestanden", {})) if eerder.get("map") == str(map.resolve()) else set()
        publicatie.schrijf(map, bestanden, weg=oud - set(bestanden))
    personen = {r.regel.id: publicatie.per_stand(r) for r in openbaar if r.per_persoon}
    return Publicatie(map, peildatum, hashes, wijzigingen, vorige.moment if vorige else None, personen)


# The yearly integrity report (Bijlage 2). The core is engine/jaarverslag.py.


class OngeldigJaarcijfer(Gebruikersfout):
    """A coordinator's figure that cannot be recorded: an unknown category, a negative count, a long or
    personal description. Nothing was stored."""


def leg_jaarcijfer_vast(
    omg: Omgeving, *, jaar: int, categorie: str, aantal: int, omschrijving: str, nu: datetime, door: int | None
) -> Jaarcijfer:
    """Record an anonymous figure for the jaarverslag; a description naming a known person is refused."""
    omschrijving = (omschrijving or "").replace("\x00", "").strip()
    if categorie not in CATEGORIEEN:
        raise OngeldigJaarcijfer(f"onbekende categorie '{categorie}'; kies uit: {', '.join(CATEGORIEEN)}")
    if aantal < 0:
        raise OngeldigJaarcijfer(f"aantal {aantal}: een aantal kan niet negatief zijn")
    if len(omschrijving) > OMSCHRIJVING_MAX:
        raise OngeldigJaarcijfer(f"de omschrijving is {len(omschrijving)} tekens; hoogstens {OMSCHRIJVING_MAX}")
    with omg.werk() as s:
        laag = omschrijving.lower()
        if genoemd := next((n for n in s.exec(select(Persoon.naam)) if n.lower() in laag), None):
            raise OngeldigJaarcijfer(f"de omschrijving noemt een persoon ({genoemd}); jaarcijfers zijn anoniem")
        cijfer = Jaarcijfer(
            jaar=jaar,
            categorie=categorie,
            aantal=aantal,
            omschrijving=omschrijving,
            vastgelegd=nu,
            door_persoon_id=door,
        )
        s.add(cijfer)
        s.flush()
        registreer(s, soort="jaarcijfer", nu=nu, persoon_id=door, jaarcijfer=cijfer.id, categorie=categorie)
        s.refresh(cijfer)
        s.expunge(cijfer)
    return cijfer


def jaarcijfers(omg: Omgeving, *, jaar: int) -> list[Jaarcijfer]:
    with omg.werk() as s:
        rijen = list(s.exec(select(Jaarcijfer).where(Jaarcijfer.jaar == jaar).order_by(Jaarcijfer.id)))
        for r in rijen:
            s.expunge(r)
    return rijen


def jaarverslag_bestanden(omg: Omgeving, *, jaar: int, nu: datetime) -> dict[str, bytes]:
    """The draft jaarverslag of `jaar` as files: HTML (with its stylesheet) and Markdown to edit."""
    with omg.werk() as s:
        return jaarverslag.bestanden(jaarverslag.verslag(s, catalogus=omg.catalogus, jaar=jaar, nu=nu))


def schrijf_jaarverslag(omg: Omgeving, *, jaar: int, map: Path, nu: datetime) -> list[Path]:
    """Write the draft jaarverslag of `jaar` into `map`; the files written."""
    map.mkdir(parents=True, exist_ok=True)
    geschreven = []
    for naam, inhoud in jaarverslag_bestanden(omg, jaar=jaar, nu=nu).items():
        (map / naam).write_bytes(inhoud)
        geschreven.append(map / naam)
    return geschreven


def concept_bij_ronde(omg: Omgeving, *, ronde_id: int, nu: datetime) -> tuple[int, str] | None:
    """For a ronde of the jaarverslag proces: (the year reported on, the draft as Markdown), to show beside the
    eigenaar's task; None for any other ronde."""
    with omg.werk() as s:
        ronde = s.get(Ronde, ronde_id)
        if ronde is None or ronde.proces != jaarverslag.PROCES:
            return None
        jaar = ronde.startdatum.year - 1
        bestanden = jaarverslag.bestanden(jaarverslag.verslag(s, catalogus=omg.catalogus, jaar=jaar, nu=nu))
    return jaar, bestanden[f"jaarverslag-{jaar}.md"].decode("utf-8")


# Personal data and the audit trail (issue 16): inzage, the chain's check, a backup.


def geef_inzage(omg: Omgeving, *, wie: str) -> list[dict]:
    """Everything the engine holds about the person(s) `wie` names (email, number or extern_id), AVG art. 15.
    Raises OnbekendPersoon."""
    with omg.werk() as s:
        return [inzage.dossier(s, p) for p in inzage.personen(s, wie)]


def controleer_audit(omg: Omgeving) -> auditketen.Ketencontrole:
    """Verify the audit trail's hash chain; the first gebeurtenis where it breaks, if any."""
    with omg.werk() as s:
        return auditketen.controleer(s)


def maak_backup(omg: Omgeving, *, doel: Path) -> Path:
    """A consistent copy of the SQLite database at `doel`, while the engine runs. Raises GeenBackup."""
    return backup.maak_backup(omg.engine, doel)


def wachtende_bevestigingen_voor(omg: Omgeving, *, persoon_id: int) -> list[bevestigingen.Wachtend]:
    """The stappen waiting for a confirmation this person may give (the eigenaar's web page)."""
    with omg.werk() as s:
        return bevestigingen.wachtend(s, catalogus=omg.catalogus, persoon=s.get(Persoon, persoon_id))


def bevestig_als(
    omg: Omgeving, *, ronde_id: int, persoon_id: int, nu: datetime, datum: date, kenmerk: str = ""
) -> Verslag[antwoorden.Vastgelegd]:
    """The logged-in person confirms a stap, recorded with their name. Raises GeenBevoegdheid, AlBevestigd
    (confirmed another way first), OnbekendVerzoek."""
    with omg.werk() as s:
        vastgelegd = bevestigingen.bevestig(
            s,
            catalogus=omg.catalogus,
            ronde_id=ronde_id,
            persoon=s.get(Persoon, persoon_id),
            nu=nu,
            datum=datum,
            kenmerk=kenmerk,
        )
    return _verslag(omg, s, vastgelegd, nu, False)
