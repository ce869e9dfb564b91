"""The outbox: every verzoek, herinnering and escalatie is rendered into a Bericht row, sent later.

Each Bericht has a unique `sleutel` (verzoek:12, herinnering:12:1, escalatie:7), so queueing the same message
twice is refused by the database itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer
from engine.instellingen import instellingen
from models.proces import Proces, Stap
from models.tabellen import Bericht, Persoon, Ronde, Verzoek
from notifications.opmaak import lange_datum, render


def zet_verzoeken_klaar(
    session: Session,
    *,
    catalogus: Catalogus,
    ronde: Ronde,
    adressering: list[tuple[Verzoek, Persoon]],
    nu: datetime,
    herinnering: int = 0,
    extra: dict[str, Any] | None = None,
) -> list[Bericht]:
    """Queue the verzoek (herinnering=0) or its n-th herinnering for each (verzoek, persoon)."""
    proces, stap = _spec(catalogus, ronde)
    soort = "herinnering" if herinnering else "verzoek"
    sjabloon = stap.sjablonen.naam(soort, stap.voltooiing)
    basis = _context(proces, stap, ronde) | (extra or {})
    onderwerp = f"{'Herinnering: ' if herinnering else ''}{proces.titel} (uiterlijk {lange_datum(ronde.deadline)})"
    formulieren = f"{instellingen().basis_url.rstrip('/')}/antwoord"
    berichten = [
        _bericht(
            catalogus,
            sjabloon,
            basis | {"persoon": persoon, "link": f"{formulieren}/{verzoek.token}"},
            nu=nu,
            sleutel=f"herinnering:{verzoek.id}:{herinnering}" if herinnering else f"verzoek:{verzoek.id}",
            soort=soort,
            ronde=ronde,
            verzoek=verzoek,
            aan=[persoon],
            onderwerp=onderwerp,
        )
        for verzoek, persoon in adressering
    ]
    _leg_vast(session, berichten, ronde, nu)
    return berichten


def zet_escalatie_klaar(
    session: Session,
    *,
    catalogus: Catalogus,
    ronde: Ronde,
    ontbrekend: list[Persoon],
    totaal: int,
    ontvangers: list[Persoon],
    nu: datetime,
) -> Bericht:
    """Queue one escalatie to every holder of the escalation role, listing who has not answered."""
    proces, stap = _spec(catalogus, ronde)
    context = _context(proces, stap, ronde) | {
        "ontvanger": {"naam": ", ".join(p.naam for p in ontvangers) or proces.eigenaar},
        "ontbrekend": [{"naam": p.naam, "rol": ", ".join(sorted(p.rolset))} for p in ontbrekend],
        "totaal": totaal,
    }
    onderwerp = f"Escalatie: {proces.titel}: {len(ontbrekend)} van {totaal} niet beantwoord"
    bericht = _bericht(
        catalogus,
        stap.sjablonen.naam("escalatie", stap.voltooiing),
        context,
        nu=nu,
        sleutel=f"escalatie:{ronde.id}",
        soort="escalatie",
        ronde=ronde,
        verzoek=None,
        aan=ontvangers,
        onderwerp=onderwerp,
    )
    _leg_vast(session, [bericht], ronde, nu)
    return bericht


def _bericht(
    catalogus: Catalogus,
    sjabloon: str,
    context: dict[str, Any],
    *,
    nu: datetime,
    sleutel: str,
    soort: str,
    ronde: Ronde,
    verzoek: Verzoek | None,
    aan: list[Persoon],
    onderwerp: str,
) -> Bericht:
    tekst, _html = render(catalogus.sjablonen, sjabloon, context)
    return Bericht(
        sleutel=sleutel,
        soort=soort,
        ronde_id=ronde.id,
        verzoek_id=verzoek.id if verzoek else None,
        aan=", ".join(p.email for p in aan),
        onderwerp=onderwerp,
        tekst=tekst,
        aangemaakt=nu,
        verzenden_vanaf=max(nu, ronde.start),
    )


def _leg_vast(session: Session, berichten: list[Bericht], ronde: Ronde, nu: datetime) -> None:
    """Store the messages and account for each in the audit trail."""
    session.add_all(berichten)
    session.flush()
    for bericht in berichten:
        registreer(
            session,
            soort=f"{bericht.soort}-klaargezet",
            nu=nu,
            ronde=ronde,
            bericht=bericht,
            persoon_id=None,
            ontvangers=bericht.aan.count(",") + 1,
        )


def _spec(catalogus: Catalogus, ronde: Ronde) -> tuple[Proces, Stap]:
    proces = catalogus.proces(ronde.proces)
    return proces, proces.fasen[ronde.stapnummer]


def _context(proces: Proces, stap: Stap, ronde: Ronde) -> dict[str, Any]:
    return {
        "proces": {"id": proces.id, "titel": proces.titel, "bron": proces.bron},
        "stap": {"id": stap.id, "titel": stap.titel},
        "start": lange_datum(ronde.startdatum),
        "deadline": lange_datum(ronde.deadline),
        "afzender": instellingen().afzender_naam,
    }
