"""The outbox: every verzoek, herinnering and escalatie is rendered into a Bericht row, sent later.

Each Bericht has a unique `sleutel` (verzoek:12, herinnering:12:1, escalatie:7), so queueing the same message
twice is refused by the database itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from engine.catalogus import Catalogus
from engine.database import instellingen_van
from engine.gebeurtenissen import registreer_veel, rij
from engine.personen import leden
from models.doelgroep import Doelgroep
from models.gebruikersfouten import Gebruikersfout
from models.proces import Proces, Stap
from models.registers import TITELS
from models.tabellen import Bericht, Persoon, Ronde
from models.werkdagen import TIJDZONE
from notifications import sleutels
from notifications.opmaak import MAANDEN, html_uit_tekst, lange_datum, render

Adres = tuple[int, str, Persoon]
"""(verzoek id, verzoek token, persoon): whom a verzoek or herinnering goes to."""


def zet_verzoeken_klaar(
    session: Session,
    *,
    catalogus: Catalogus,
    ronde: Ronde,
    adressering: list[Adres],
    nu: datetime,
    herinnering: int = 0,
    extra: dict[str, Any] | None = None,
) -> None:
    """Queue the verzoek (herinnering=0) or its n-th herinnering for each address."""
    proces, stap = _spec(catalogus, ronde)
    soort = "herinnering" if herinnering else "verzoek"
    sjabloon = stap.sjablonen.naam(soort, stap)
    inst = instellingen_van(session)
    basis = _context(proces, stap, ronde, inst.afzender_naam, _betreft(session, ronde)) | (extra or {})
    bevestigers = bevestigers_van(session, proces, stap)
    if bevestigers is not None:
        basis["bevestiger"] = {"naam": ", ".join(p.naam for p in bevestigers) or proces.eigenaar}
    formulieren = f"{inst.basis_url.rstrip('/')}/antwoord"
    domein = inst.antwoorddomein
    berichten = [
        _bericht(
            catalogus,
            sjabloon,
            basis | {"persoon": persoon, "link": f"{formulieren}/{token}", "website": inst.basis_url.rstrip("/")},
            nu=nu,
            sleutel=f"herinnering:{verzoek_id}:{herinnering}" if herinnering else f"verzoek:{verzoek_id}",
            soort=soort,
            ronde=ronde,
            verzoek_id=verzoek_id,
            aan=[persoon] if bevestigers is None else bevestigers,
            onderwerp=f"{onderwerp_verzoek(proces, ronde, herinnering, None if bevestigers is None else persoon)} "
            f"{sleutels.kenmerk(verzoek_id)}",
            message_id=sleutels.message_id(soort, token, herinnering, domein),
        )
        for verzoek_id, token, persoon in adressering
    ]
    _leg_vast(session, berichten, ronde, nu, personen=[persoon.id for _, _, persoon in adressering])


def onderwerp_verzoek(proces: Proces, ronde: Ronde, herinnering: int, over: Persoon | None) -> str:
    """The subject of a verzoek or its herinnering, before its tag; `over` names the person a third party confirms
    for (`bevestiging_door`), as the confirmer gets one such mail per person."""
    voor = "Herinnering: " if herinnering else ""
    return f"{voor}{proces.titel} (uiterlijk {lange_datum(ronde.deadline)}){f': {over.naam}' if over else ''}"


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
    context = {
        "ontvanger": {"naam": ", ".join(p.naam for p in ontvangers) or proces.eigenaar},
        "ontbrekend": [{"naam": p.naam, "rol": ", ".join(sorted(p.rolset))} for p in ontbrekend],
        "totaal": totaal,
    }
    onderwerp = onderwerp_escalatie(proces, len(ontbrekend), totaal)
    zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        soort="escalatie",
        sjabloon=stap.sjablonen.naam("escalatie", stap),
        context=context,
        aan=ontvangers,
        onderwerp=onderwerp,
        sleutel=f"escalatie:{ronde.id}",
        nu=nu,
    )


def zet_publicatietaak_klaar(
    session: Session, *, catalogus: Catalogus, ronde: Ronde, ontvangers: list[Persoon], nu: datetime
) -> None:
    """The eigenaar's task once a register ronde closed: publish the register (the plan: "en publiceert het
    overzicht op de website"), with the command and the page that show what the public will see."""
    _, stap = _spec(catalogus, ronde)
    website = instellingen_van(session).basis_url.rstrip("/")
    zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        soort="publiceren",
        sjabloon="standaard/publiceren",
        context={
            "ontvanger": {"naam": ", ".join(p.naam for p in ontvangers)},
            "register": TITELS.get(stap.register_naam, stap.register_naam),
            "registers": f"{website}/registers/",
        },
        aan=ontvangers,
        onderwerp=f"Publiceer het register: {catalogus.proces(ronde.proces).titel}",
        sleutel=f"publiceren:{ronde.id}",
        nu=nu,
    )


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
    (zet_verzoeken_klaar, zet_escalatie_klaar above; the ontvangst in engine.postvak, the notice in
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
        },
        "onbestelbaar": {
            "adres": "persoon@voorbeeld.example",
            "reden": "550 5.1.1 mailbox unavailable",
            "personen": ["Voorbeeld Persoon"],
        },
        "publiceren": {  # engine.rondes, when a register ronde closes
            "ontvanger": {"naam": "Voorbeeld Eigenaar"},
            "register": "Nevenfuncties",
            "registers": "https://integriteit.voorbeeld.example/registers/",
        },
        "teruggestuurd": {  # engine.registers, when the eigenaar sends an entry back
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


VOORBEELDSOORTEN = ("verzoek", "herinnering", "escalatie", "taak", "ontvangst")
"""The messages `integriteit voorbeeld` shows: taak is the verzoek of a stap its eigenaar confirms."""


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
        over = persoon if stap.bevestiging_door else None
        onderwerp = f"{onderwerp_verzoek(proces, ronde, soort == 'herinnering', over)} {sleutels.kenmerk(123)}"
    elif soort == "escalatie":
        sjabloon = stap.sjablonen.naam("escalatie", stap)
        onderwerp = onderwerp_escalatie(proces, len(context["ontbrekend"]), context["totaal"])
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
    """Whom the message goes to, in words: the roles, with their description from rollen.yaml."""

    def rollen(namen: list[str]) -> str:
        return ", ".join(f"{catalogus.rollen.rollen.get(n, n)} ({n})" for n in namen)

    if soort == "escalatie":
        return rollen([stap.escalatie.naar or proces.eigenaar])
    if stap.bevestiging_door and soort != "ontvangst":
        return (
            f"{rollen([stap.bevestiging_door])}, één bericht per persoon uit: {rollen(proces.ontvangers(stap).rollen)}"
        )
    return f"ieder(e) {rollen(proces.ontvangers(stap).rollen)}"
