"""The outbox: every verzoek, herinnering and escalatie becomes a Bericht row, sent later.

A message is rendered when it is queued, except the herinneringen: a watch may queue ten thousand of them, so the
database makes their rows from the verzoeken without their text, and the sender renders each right before it
sends it (`Opmaak`). The watch still renders one of them, so a template that fails does so in the watch.

Each Bericht has a unique `sleutel` (verzoek:12, herinnering:12:1, escalatie:7), so queueing the same message
twice is refused by the database itself.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, insert, literal
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, func, select

from engine.catalogus import Catalogus
from engine.database import instellingen_van
from engine.gebeurtenissen import registreer, registreer_per_rij, registreer_veel, rij
from engine.personen import leden
from models.doelgroep import Doelgroep
from models.gebruikersfouten import Gebruikersfout
from models.proces import Proces, Stap
from models.registers import TITELS
from models.tabellen import Bericht, Gebeurtenis, Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from notifications import meldingen, sjablonen, sleutels
from notifications.opmaak import MAANDEN, html_uit_tekst, lange_datum, render

_log = logging.getLogger(__name__)
Adres = tuple[int, str, Persoon]
"""(verzoek id, verzoek token, persoon): whom a verzoek goes to."""


def zet_verzoeken_klaar(
    session: Session,
    *,
    catalogus: Catalogus,
    ronde: Ronde,
    adressering: list[Adres],
    nu: datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    """Queue the verzoek for each address, rendered."""
    proces, _ = _spec(catalogus, ronde)
    schrijven = _Aanschrijving.van(session, catalogus, ronde, "verzoek", extra)
    berichten = [
        _bericht(
            catalogus,
            schrijven.sjabloon,
            schrijven.context(persoon, token),
            nu=nu,
            sleutel=f"verzoek:{verzoek_id}",
            soort="verzoek",
            ronde=ronde,
            verzoek_id=verzoek_id,
            aan=[persoon] if schrijven.bevestigers is None else schrijven.bevestigers,
            onderwerp=f"{onderwerp_verzoek(proces, ronde, 0, schrijven.over(persoon.naam))} "
            f"{sleutels.kenmerk(verzoek_id)}",
            message_id=sleutels.message_id("verzoek", token, 0, schrijven.domein),
        )
        for verzoek_id, token, persoon in adressering
    ]
    _leg_vast(session, berichten, ronde, nu, personen=[persoon.id for _, _, persoon in adressering])


def zet_herinneringen_klaar(
    session: Session, *, catalogus: Catalogus, ronde: Ronde, nummer: int, waar: tuple, nu: datetime
) -> int:
    """Queue the `nummer`-th herinnering of every verzoek of the ronde that meets `waar`; how many.

    Set-based, in a few statements however many there are: the rows are made by the database from the verzoeken,
    without their text, which the sender renders right before it sends each (`Opmaak`). One of them is rendered
    here, so a template that fails does so now, in the watch that can report it, not first at sending."""
    proces, _ = _spec(catalogus, ronde)
    schrijven = _Aanschrijving.van(session, catalogus, ronde, "herinnering")

    def per_verzoek(*kolommen: Any) -> Any:
        return (
            select(*kolommen)
            .select_from(Verzoek)
            .join(Persoon, Persoon.id == Verzoek.persoon_id)
            .where(*waar)
            .order_by(Verzoek.id)
        )

    eerste = session.exec(per_verzoek(Verzoek.token, Persoon).limit(1)).first()
    if eerste is None:
        return 0
    token, persoon = eerste
    render(catalogus.sjablonen, schrijven.sjabloon, schrijven.context(persoon, token))
    aan = ", ".join(p.email for p in schrijven.bevestigers) if schrijven.bevestigers is not None else None
    sleutel = _in_sql(f"herinnering:{_plek('id')}:{nummer}", id=Verzoek.id)
    onderwerp = (
        f"{onderwerp_verzoek(proces, ronde, nummer, schrijven.over(_plek('naam')))} {sleutels.kenmerk(_plek('id'))}"
    )
    c = Bericht.__table__.c
    kolommen = {
        "sleutel": sleutel,
        "soort": literal("herinnering", c.soort.type),
        "ronde_id": literal(ronde.id, c.ronde_id.type),
        "verzoek_id": Verzoek.id,
        "aan": Persoon.email if aan is None else literal(aan, c.aan.type),
        "onderwerp": _in_sql(onderwerp, id=Verzoek.id, naam=Persoon.naam),
        "message_id": _in_sql(
            sleutels.message_id("herinnering", _plek("token"), nummer, schrijven.domein), token=Verzoek.token
        ),
        "aangemaakt": literal(nu, c.aangemaakt.type),
        "verzenden_vanaf": literal(max(nu, ronde.start), c.verzenden_vanaf.type),
        "pogingen": literal(0, c.pogingen.type),
    }
    session.execute(insert(Bericht.__table__).from_select(list(kolommen), per_verzoek(*kolommen.values())))
    return registreer_per_rij(
        session,
        select(Verzoek.id, Verzoek.persoon_id, Bericht.id)
        .select_from(Verzoek)
        .join(Bericht, Bericht.sleutel == sleutel)
        .where(*waar)
        .order_by(Verzoek.id),
        soort="herinnering-klaargezet",
        nu=nu,
        ronde=ronde,
        ontvangers=1 if aan is None else aan.count(",") + 1,
    )


def _plek(naam: str) -> str:
    """A place in a text for a value the database fills in per row (`_in_sql`)."""
    return f"\0{naam}\0"


def _in_sql(tekst: str, **kolommen: Any) -> Any:
    """`tekst` as an SQL expression, each `_plek(naam)` in it replaced by column `naam`: Python writes the text,
    with the very functions that write it for one message, and the database fills in what differs per row."""
    delen = tekst.split("\0")
    uitdrukking = literal(delen[0], String)
    for i, deel in enumerate(delen[1:], start=1):
        uitdrukking = uitdrukking + (cast(kolommen[deel], String) if i % 2 else literal(deel, String))
    return uitdrukking


@dataclass(frozen=True)
class _Aanschrijving:
    """What every verzoek, or every herinnering, of one ronde shares: its template, the context they all get, and
    the confirmers when a third party confirms per person (None when each person answers)."""

    sjabloon: str
    basis: dict[str, Any]
    formulieren: str
    website: str
    domein: str
    bevestigers: list[Persoon] | None

    @classmethod
    def van(
        cls, session: Session, catalogus: Catalogus, ronde: Ronde, soort: str, extra: dict[str, Any] | None = None
    ) -> _Aanschrijving:
        proces, stap = _spec(catalogus, ronde)
        inst = instellingen_van(session)
        basis = _context(proces, stap, ronde, inst.afzender_naam, _betreft(session, ronde)) | (extra or {})
        bevestigers = bevestigers_van(session, proces, stap)
        if bevestigers is not None:
            basis["bevestiger"] = {"naam": ", ".join(p.naam for p in bevestigers) or proces.eigenaar}
        website = inst.basis_url.rstrip("/")
        return cls(
            stap.sjablonen.naam(soort, stap), basis, f"{website}/antwoord", website, inst.antwoorddomein, bevestigers
        )

    def context(self, persoon: Persoon, token: str) -> dict[str, Any]:
        link = f"{self.formulieren}/{token}"
        return self.basis | {
            "persoon": persoon,
            "link": link,
            "geen_wijzigingen_link": f"{link}/geen-wijzigingen",
            "website": self.website,
        }

    def over(self, naam: str) -> str | None:
        """Whom the subject names: the person, when a third party confirms for them."""
        return None if self.bevestigers is None else naam


class Opmaak:
    """Renders each herinnering the watch queued without its text, right before one sender run sends it, and
    stores the text on the row first: what was sent is what the row keeps."""

    def __init__(self, session: Session, catalogus: Catalogus, nu: datetime) -> None:
        self.session, self.catalogus, self.nu = session, catalogus, nu
        self._aanschrijvingen: dict[tuple[int, str], _Aanschrijving] = {}

    def vul_in(self, bericht: Bericht, ronde: Ronde, token: str) -> bool:
        """Render `bericht`; False when its template fails: the reason is on the row and in the audit trail, the
        coordinator is told (once an hour per proces), and the message stays queued, tried again by the next run."""
        persoon = self.session.exec(
            select(Persoon).join(Verzoek, Verzoek.persoon_id == Persoon.id).where(Verzoek.id == bericht.verzoek_id)
        ).one()
        try:
            schrijven = self._aanschrijving(ronde, bericht.soort)
            bericht.tekst, bericht.html = render(
                self.catalogus.sjablonen, schrijven.sjabloon, schrijven.context(persoon, token)
            )
        except SQLAlchemyError:
            raise  # the database's trouble is the whole run's, not this message's
        except Exception as fout:  # noqa: BLE001 - a template that fails, or a spec gone, must not lose the message
            _log.exception("verzenden: bericht %s niet opgemaakt", bericht.id)
            self._meld(bericht, ronde, waarom(self.catalogus, fout))
            return False
        bericht.fout = None  # what an earlier run could not render, it now has
        return True

    def _aanschrijving(self, ronde: Ronde, soort: str) -> _Aanschrijving:
        if (ronde.id, soort) not in self._aanschrijvingen:
            self._aanschrijvingen[(ronde.id, soort)] = _Aanschrijving.van(self.session, self.catalogus, ronde, soort)
        return self._aanschrijvingen[(ronde.id, soort)]

    def _meld(self, bericht: Bericht, ronde: Ronde, reden: str) -> None:
        bericht.fout = reden
        eerder = self.session.exec(
            select(func.max(Gebeurtenis.moment)).where(
                Gebeurtenis.soort == OPMAAKFOUT, Gebeurtenis.proces == ronde.proces
            )
        ).one()
        registreer(self.session, soort=OPMAAKFOUT, nu=self.nu, ronde=ronde, bericht_id=bericht.id, reden=reden)
        if eerder is not None and self.nu - eerder < STILTE_NA_OPMAAKFOUT:
            return
        meldingen.alarmeer(
            instellingen_van(self.session).meldingen,
            f"Integriteit: {ronde.proces}: berichten niet opgemaakt",
            f"Een bericht van {ronde.proces} kon niet worden opgemaakt: {reden}\n"
            "Het blijft klaarstaan en gaat uit zodra het sjabloon is hersteld (`integriteit valideer` helpt daarbij).\n"
            "Over andere berichten van dit proces die niet opgemaakt kunnen worden, volgt het komende uur geen "
            "melding.",
        )


OPMAAKFOUT = "opmaak-fout"
"""The audit kind of a queued message whose template failed right before sending (details: the reason)."""
STILTE_NA_OPMAAKFOUT = timedelta(hours=1)


def waarom(catalogus: Catalogus, fout: BaseException) -> str:
    """Why rendering or a proces's work failed, in Dutch: the template and line when a template failed."""
    reden = sjablonen.beschrijf(catalogus.sjablonen, fout) or f"onverwachte fout ({type(fout).__name__}: {fout})"
    return reden if len(reden) <= 500 else reden[:499] + "…"


def onderwerp_verzoek(proces: Proces, ronde: Ronde, herinnering: int, over: str | None) -> str:
    """The subject of a verzoek or its herinnering, before its tag; `over` is the name of the person a third party
    confirms for (`bevestiging_door`), as the confirmer gets one such mail per person."""
    voor = "Herinnering: " if herinnering else ""
    return f"{voor}{proces.titel} (uiterlijk {lange_datum(ronde.deadline)}){f': {over}' if over else ''}"


def onderwerp_escalatie(proces: Proces, ontbrekend: int, totaal: int) -> str:
    return f"Escalatie: {proces.titel}: {ontbrekend} van {totaal} niet beantwoord"


def bevestigers_van(session: Session, proces: Proces, stap: Stap) -> list[Persoon] | None:
    """Who confirms per person in a stap with `bevestiging_door` (the holders of that role, else of the
    eigenaar role): each person's verzoek and reminders go to them. None for a stap where each person answers."""
    if stap.bevestiging_door is None:
        return None
    return leden(session, Doelgroep(rollen=[stap.bevestiging_door])) or leden(
        session, Doelgroep(rollen=[proces.eigenaar])
    )


def zet_escalatie_klaar(
    session: Session,
    *,
    catalogus: Catalogus,
    ronde: Ronde,
    ontbrekend: list[Persoon],
    totaal: int,
    ontvangers: list[Persoon],
    nu: datetime,
) -> None:
    """Queue one escalatie to every holder of the escalation role, listing who has not answered."""
    proces, stap = _spec(catalogus, ronde)
    zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        soort="escalatie",
        sjabloon=stap.sjablonen.naam("escalatie", stap),
        context=_wie_ontbreekt(proces, ontvangers, ontbrekend, totaal),
        aan=ontvangers,
        onderwerp=onderwerp_escalatie(proces, len(ontbrekend), totaal),
        sleutel=f"escalatie:{ronde.id}",
        nu=nu,
    )


def zet_sluitbericht_klaar(
    session: Session, *, catalogus: Catalogus, ronde: Ronde, nu: datetime, ontbrekend: list[Persoon], totaal: int
) -> None:
    """The eigenaar's message once a ronde closed with people missing, or a register ronde closed: who did not
    answer, and what to do next (ask them still, within the grace period; review and publish the register, as
    the plan has it: "en publiceert het overzicht op de website"; the next stap has started). Nothing when
    nobody holds the eigenaar role."""
    proces, stap = _spec(catalogus, ronde)
    if not (ontvangers := leden(session, Doelgroep(rollen=[proces.eigenaar]))):
        return
    inst = instellingen_van(session)
    website = inst.basis_url.rstrip("/")
    zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        soort="gesloten",
        sjabloon="standaard/gesloten",
        context=_wie_ontbreekt(proces, ontvangers, ontbrekend, totaal)
        | {
            "bevestiging": _vraagt_bevestiging(stap),
            "open_tot": lange_datum((nu + timedelta(days=inst.nagrace_dagen)).astimezone(TIJDZONE).date()),
            "register": TITELS.get(stap.register_naam, stap.register_naam) if stap.register_naam else None,
            "beoordelen": f"{website}/beoordelen",
            "registers": f"{website}/registers/",
            "volgende_stap": _volgende_stap(proces, ronde),
        },
        aan=ontvangers,
        onderwerp=onderwerp_gesloten(proces, stap, len(ontbrekend), totaal),
        sleutel=f"gesloten:{ronde.id}",
        nu=nu,
    )


def onderwerp_gesloten(proces: Proces, stap: Stap, ontbrekend: int, totaal: int) -> str:
    if not ontbrekend:
        zonder = ""
    elif stap.voltooiing == "bevestiging":  # one confirmation would have done
        zonder = ": niet bevestigd"
    elif stap.bevestiging_door:
        zonder = f": {ontbrekend} van {totaal} niet bevestigd"
    else:
        zonder = f": {ontbrekend} van {totaal} zonder antwoord"
    return f"Ronde gesloten: {proces.titel}{zonder}{'; publiceer het register' if stap.register_naam else ''}"


def _vraagt_bevestiging(stap: Stap) -> bool:
    """Whether the stap asks a confirmation (of the eigenaar, or of a third party per person), not answers."""
    return stap.voltooiing == "bevestiging" or stap.bevestiging_door is not None


def _volgende_stap(proces: Proces, ronde: Ronde) -> str | None:
    """The title of the stap that starts when the ronde closes; None after the last."""
    stappen = proces.alle_stappen[ronde.stapnummer + 1 :]
    return (stappen[0].titel or stappen[0].id) if stappen else None


def _wie_ontbreekt(proces: Proces, ontvangers: list[Persoon], ontbrekend: list[Persoon], totaal: int) -> dict:
    """Whom a message about the missing answers goes to, and who is missing of how many, by name and role: as the
    escalation and the closing message list them."""
    return {
        "ontvanger": {"naam": ", ".join(p.naam for p in ontvangers) or proces.eigenaar},
        "ontbrekend": [{"naam": p.naam, "rol": ", ".join(sorted(p.rolset))} for p in ontbrekend],
        "totaal": totaal,
    }


def zet_bericht_klaar(
    session: Session,
    *,
    catalogus: Catalogus,
    ronde: Ronde,
    soort: str,
    sjabloon: str,
    context: dict[str, Any],
    aan: list[Persoon],
    onderwerp: str,
    sleutel: str,
    nu: datetime,
    verzoek_id: int | None = None,
) -> bool:
    """Queue one message (escalatie, melding, ontvangst) unless its `sleutel` was queued before."""
    if session.exec(select(Bericht.id).where(Bericht.sleutel == sleutel)).first() is not None:
        return False
    proces, stap = _spec(catalogus, ronde)
    bericht = _bericht(
        catalogus,
        sjabloon,
        _context(proces, stap, ronde, instellingen_van(session).afzender_naam, _betreft(session, ronde)) | context,
        nu=nu,
        sleutel=sleutel,
        soort=soort,
        ronde=ronde,
        verzoek_id=verzoek_id,
        aan=aan,
        onderwerp=onderwerp,
        message_id=sleutels.message_id(soort, None, secrets.token_hex(8), instellingen_van(session).antwoorddomein),
    )
    _leg_vast(session, [bericht], ronde, nu, personen=[None])
    return True


def _bericht(
    catalogus: Catalogus,
    sjabloon: str,
    context: dict[str, Any],
    *,
    nu: datetime,
    sleutel: str,
    soort: str,
    ronde: Ronde,
    verzoek_id: int | None,
    aan: list[Persoon],
    onderwerp: str,
    message_id: str,
) -> dict[str, Any]:
    tekst, html = render(catalogus.sjablonen, sjabloon, context)
    return {
        "sleutel": sleutel,
        "soort": soort,
        "ronde_id": ronde.id,
        "verzoek_id": verzoek_id,
        "aan": ", ".join(p.email for p in aan),
        "onderwerp": onderwerp,
        "tekst": tekst,
        "html": html,
        "message_id": message_id,
        "aangemaakt": nu,
        "verzenden_vanaf": max(nu, ronde.start),
    }


def _leg_vast(
    session: Session, berichten: list[dict[str, Any]], ronde: Ronde, nu: datetime, personen: list[int | None]
) -> None:
    """Store the messages in one statement and account for each in the audit trail.

    A new verzoek's message and its creation are one gebeurtenis (`verzoek-aangemaakt`)."""
    if not berichten:
        return
    tabel = Bericht.__table__
    ids = session.execute(insert(tabel).returning(tabel.c.id, sort_by_parameter_order=True), berichten).scalars()
    registreer_veel(
        session,
        [
            rij(
                soort="verzoek-aangemaakt" if b["soort"] == "verzoek" else f"{b['soort']}-klaargezet",
                nu=nu,
                ronde=ronde,
                verzoek_id=b["verzoek_id"],
                persoon_id=persoon_id,
                bericht_id=bericht_id,
                ontvangers=b["aan"].count(",") + 1,
            )
            for b, bericht_id, persoon_id in zip(berichten, ids, personen, strict=True)
        ],
    )


def _spec(catalogus: Catalogus, ronde: Ronde) -> tuple[Proces, Stap]:
    proces = catalogus.proces(ronde.proces)
    return proces, proces.alle_stappen[ronde.stapnummer]


def _betreft(session: Session, ronde: Ronde) -> Persoon | None:
    return session.get(Persoon, ronde.persoon_id) if ronde.persoon_id is not None else None


def _context(proces: Proces, stap: Stap, ronde: Ronde, afzender: str, betreft: Persoon | None) -> dict[str, Any]:
    """What every message of the ronde knows; `betreft`: whom a ronde for one person is about (None otherwise)."""
    return {
        "betreft": {"naam": betreft.naam, "functie": betreft.functie} if betreft else None,
        "proces": {"id": proces.id, "titel": proces.titel, "bron": proces.bron},
        "stap": {"id": stap.id, "titel": stap.titel},
        "start": lange_datum(ronde.startdatum),
        "startjaar": ronde.startdatum.year,
        "deadline": lange_datum(ronde.deadline),
        "afzender": afzender,
    }


COORDINATOR = "integriteitscoordinator"
"""The role that sees and reviews every proposal, whatever the proces, and hears of what no eigenaar can settle
(a confirmation dated outside its period)."""


def context_buiten_periode(stap: Stap, ronde: Ronde, datum: date, persoon: Persoon) -> dict[str, Any]:
    """What the notice of a confirmation dated outside `datum_in_maanden` tells the coordinator."""
    maanden = " of ".join(MAANDEN[m - 1] for m in stap.datum_in_maanden or [])
    return {"persoon": persoon, "datum": lange_datum(datum), "periode": maanden}


def voorbeeldcontext(soort: str, proces: Proces, stap: Stap, ronde: Ronde | None = None) -> dict[str, Any]:
    """What a template of `soort` gets, with sample values: `_context` itself plus what each caller adds
    (zet_verzoeken_klaar, zet_escalatie_klaar above; the ontvangst in engine.antwoorden, the notice in
    engine.onbestelbaar, the entry sent back in engine.registers). `valideer` renders every template with it;
    tests/engine/test_bewaking.py compares its keys with what the engine really passes, so the two cannot
    drift apart. `ronde` gives the dates; a sample ronde in March 2027 when left out."""
    ronde = ronde or Ronde(
        proces=proces.id,
        stap=stap.id or "",
        stapnummer=0,
        startdatum=date(2027, 3, 1),
        start=datetime(2027, 3, 1, 9, tzinfo=TIJDZONE),
        deadline=date(2027, 3, 29),
    )
    persoon = Persoon(
        id=1,
        extern_id="V0001",
        naam="Voorbeeld Persoon",
        email="persoon@voorbeeld.example",
        rollen="statenlid;medewerker",
        fractie="Voorbeeldfractie",
        team="Team Voorbeeld",
        afdeling="Afdeling Voorbeeld",
        functie="Adviseur",
        leidinggevende="V0002",
        schaal=11,
        bijgewerkt=datetime(2027, 1, 1, tzinfo=TIJDZONE),
    )
    aan_persoon = {
        "persoon": persoon,
        "link": "https://integriteit.voorbeeld.example/antwoord/0123456789abcdef",
        "geen_wijzigingen_link": "https://integriteit.voorbeeld.example/antwoord/0123456789abcdef/geen-wijzigingen",
        "website": "https://integriteit.voorbeeld.example",
    }
    if stap.bevestiging_door:
        aan_persoon["bevestiger"] = {"naam": "Voorbeeld Bevestiger"}
    extra: dict[str, dict[str, Any]] = {
        "verzoek": aan_persoon,
        "herinnering": aan_persoon,
        "escalatie": {
            "ontvanger": {"naam": "Voorbeeld Eigenaar"},
            "ontbrekend": [
                {"naam": "Voorbeeld Persoon", "rol": "statenlid"},
                {"naam": "Tweede Persoon", "rol": "gs-lid"},
            ],
            "totaal": 12,
        },
        "buiten-periode": context_buiten_periode(stap, ronde, date(2027, 10, 4), persoon),
        "ontvangst": {
            "persoon": persoon,
            "geen_wijzigingen": not stap.vraagt_datum,
            "datum": lange_datum(ronde.deadline) if stap.vraagt_datum else None,
            "te_laat": False,
            "telt": True,
        },
        "onbestelbaar": {
            "adres": "persoon@voorbeeld.example",
            "reden": "550 5.1.1 mailbox unavailable",
            "personen": ["Voorbeeld Persoon"],
        },
        "gesloten": {  # engine.rondes, when a ronde closes with people missing or a register to publish
            "ontvanger": {"naam": "Voorbeeld Eigenaar"},
            "ontbrekend": [{"naam": "Voorbeeld Persoon", "rol": "statenlid"}],
            "totaal": 12,
            "bevestiging": _vraagt_bevestiging(stap),
            "open_tot": lange_datum(ronde.deadline + timedelta(days=15)),
            "register": TITELS.get(stap.register_naam, stap.register_naam) if stap.register_naam else None,
            "beoordelen": "https://integriteit.voorbeeld.example/beoordelen",
            "registers": "https://integriteit.voorbeeld.example/registers/",
            "volgende_stap": "Vaststelling",  # voorbeeldbericht puts in the real one
        },
        "teruggestuurd": {  # engine.registers.beoordeling, when the eigenaar sends an entry back
            "persoon": persoon,
            "beoordelaar": "Voorbeeld Eigenaar",
            "register": "Nevenfuncties",
            "opmerking": "Vermeld ook of de functie betaald is.",
            "velden": [("Functie", "Voorzitter"), ("Betaald", "ja")],
            "tekst": "Voorzitter van de Voorbeeldstichting",
            "link": aan_persoon["link"],
        },
    }
    return _context(proces, stap, ronde, "Integriteitscoördinator", persoon) | extra[soort]


VOORBEELDSOORTEN = ("verzoek", "herinnering", "escalatie", "taak", "ontvangst", "gesloten")
"""The messages `integriteit voorbeeld` shows: taak is the verzoek of a stap its eigenaar confirms; gesloten the
eigenaar's message when the ronde closed with someone missing."""


@dataclass(frozen=True)
class Voorbeeldbericht:
    """A message as it would go out, for a sample recipient: to whom (in words), subject, text and HTML."""

    aan: str
    onderwerp: str
    tekst: str
    html: str
    sjabloon: str


def voorbeeldbericht(catalogus: Catalogus, proces: Proces, stap: Stap, soort: str, ronde: Ronde) -> Voorbeeldbericht:
    """Render the message of `soort` of this stap as the outbox would (same templates, context and subject),
    for the sample recipient of `voorbeeldcontext`. Raises GeenVoorbeeld when the stap sends no such message."""
    if soort == "taak" and stap.voltooiing != "bevestiging":
        raise GeenVoorbeeld("deze stap vraagt geen bevestiging van de eigenaar; een taak heeft hij niet (kies verzoek)")
    if soort == "escalatie" and stap.escalatie is None:
        raise GeenVoorbeeld("deze stap heeft geen escalatie")
    context = voorbeeldcontext("verzoek" if soort == "taak" else soort, proces, stap, ronde)
    persoon = context.get("persoon")
    if soort in ("verzoek", "taak", "herinnering"):
        sjabloon = stap.sjablonen.naam("herinnering" if soort == "herinnering" else "verzoek", stap)
        over = persoon.naam if stap.bevestiging_door else None
        onderwerp = f"{onderwerp_verzoek(proces, ronde, soort == 'herinnering', over)} {sleutels.kenmerk(123)}"
    elif soort == "escalatie":
        sjabloon = stap.sjablonen.naam("escalatie", stap)
        onderwerp = onderwerp_escalatie(proces, len(context["ontbrekend"]), context["totaal"])
    elif soort == "gesloten":
        sjabloon = "standaard/gesloten"
        context["volgende_stap"] = _volgende_stap(proces, ronde)
        onderwerp = onderwerp_gesloten(proces, stap, len(context["ontbrekend"]), context["totaal"])
    else:
        sjabloon = "standaard/ontvangst"
        onderwerp = f"Ontvangen: Re: {onderwerp_verzoek(proces, ronde, 0, None)} {sleutels.kenmerk(123)}"
    tekst, html = render(catalogus.sjablonen, sjabloon, context)
    return Voorbeeldbericht(
        _aan(catalogus, proces, stap, soort), onderwerp, tekst, html or html_uit_tekst(tekst), sjabloon
    )


class GeenVoorbeeld(Gebruikersfout):
    """The stap sends no message of the asked kind (no escalation, no owner task)."""

    exitcode = 2


def _aan(catalogus: Catalogus, proces: Proces, stap: Stap, soort: str) -> str:
    """Whom the message goes to, in words: the roles the engine sends it to (`Proces.aangeschreven`, the
    confirmer, the escalation's role), with their description from rollen.yaml."""

    def rollen(namen: list[str]) -> str:
        return ", ".join(f"{catalogus.rollen.rollen.get(n, n)} ({n})" for n in namen)

    if soort == "escalatie":
        return rollen([stap.escalatie.naar or proces.eigenaar])
    if soort == "gesloten":
        return rollen([proces.eigenaar])
    doelgroep = rollen(proces.ontvangers(stap).rollen)
    if stap.bevestiging_door and soort != "ontvangst":
        return f"{rollen([stap.bevestiging_door])}, één bericht per persoon uit: {doelgroep}"
    aan = rollen(proces.aangeschreven(stap).rollen)
    return f"ieder(e) {aan}" if aan == doelgroep else f"ieder(e) {aan}, over één {doelgroep}"
