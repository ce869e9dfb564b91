"""The outbox: every verzoek, herinnering and escalatie is rendered into a Bericht row, sent later.

Each Bericht has a unique `sleutel` (verzoek:12, herinnering:12:1, escalatie:7), so queueing the same message
twice is refused by the database itself.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from engine.catalogus import Catalogus
from engine.database import instellingen_van
from engine.gebeurtenissen import registreer_veel, rij
from models.proces import Proces, Stap
from models.registers import TITELS
from models.tabellen import Bericht, Persoon, Ronde
from models.werkdagen import TIJDZONE
from notifications import sleutels
from notifications.opmaak import lange_datum, render

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
    sjabloon = stap.sjablonen.naam(soort, stap.voltooiing)
    inst = instellingen_van(session)
    basis = _context(proces, stap, ronde, inst.afzender_naam) | (extra or {})
    onderwerp = f"{'Herinnering: ' if herinnering else ''}{proces.titel} (uiterlijk {lange_datum(ronde.deadline)})"
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
            aan=[persoon],
            onderwerp=f"{onderwerp} {sleutels.kenmerk(verzoek_id)}",
            message_id=sleutels.message_id(soort, token, herinnering, domein),
        )
        for verzoek_id, token, persoon in adressering
    ]
    _leg_vast(session, berichten, ronde, nu, personen=[persoon.id for _, _, persoon in adressering])


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
    onderwerp = f"Escalatie: {proces.titel}: {len(ontbrekend)} van {totaal} niet beantwoord"
    zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        soort="escalatie",
        sjabloon=stap.sjablonen.naam("escalatie", stap.voltooiing),
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
        _context(proces, stap, ronde, instellingen_van(session).afzender_naam) | context,
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


def _context(proces: Proces, stap: Stap, ronde: Ronde, afzender: str) -> dict[str, Any]:
    return {
        "proces": {"id": proces.id, "titel": proces.titel, "bron": proces.bron},
        "stap": {"id": stap.id, "titel": stap.titel},
        "start": lange_datum(ronde.startdatum),
        "startjaar": ronde.startdatum.year,
        "deadline": lange_datum(ronde.deadline),
        "afzender": afzender,
    }


def voorbeeldcontext(soort: str, proces: Proces, stap: Stap) -> dict[str, Any]:
    """What a template of `soort` gets, with sample values: `_context` itself plus what each caller adds
    (zet_verzoeken_klaar, zet_escalatie_klaar above; the ontvangst in engine.postvak, the notice in
    engine.onbestelbaar, the entry sent back in engine.registers). `valideer` renders every template with it;
    tests/engine/test_bewaking.py compares its keys with what the engine really passes, so the two cannot
    drift apart."""
    ronde = Ronde(
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
        "ontvangst": {"persoon": persoon, "geen_wijzigingen": True},
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
    return _context(proces, stap, ronde, "Integriteitscoördinator") | extra[soort]
