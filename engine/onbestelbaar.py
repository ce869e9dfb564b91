"""An address that cannot be delivered to: the person is marked, and the eigenaar of the ronde is told."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, func, select

from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer
from engine.personen import leden
from engine.uitgaand import zet_bericht_klaar
from models.doelgroep import Doelgroep
from models.tabellen import Persoon, Ronde


def markeer_onbestelbaar(
    session: Session, *, catalogus: Catalogus, adres: str, reden: str, nu: datetime, ronde: Ronde | None
) -> list[Persoon]:
    """Mark every person with `adres` undeliverable and queue a notice to the eigenaar of `ronde`; an address
    that belongs to nobody is only recorded."""
    personen = session.exec(select(Persoon).where(func.lower(Persoon.email) == adres.lower())).all()
    for persoon in personen:
        persoon.onbestelbaar = True
        registreer(session, soort="adres-onbestelbaar", nu=nu, ronde=ronde, persoon_id=persoon.id, reden=reden)
    if not personen:
        registreer(session, soort="adres-onbestelbaar", nu=nu, ronde=ronde, adres=adres, reden=reden)
    elif ronde is not None and ronde.proces in {p.id for p in catalogus.processen}:
        proces = catalogus.proces(ronde.proces)
        eigenaars = [p for p in leden(session, Doelgroep(rollen=[proces.eigenaar])) if not p.onbestelbaar]
        zet_bericht_klaar(
            session,
            catalogus=catalogus,
            ronde=ronde,
            soort="melding",
            sjabloon="standaard/onbestelbaar",
            context={"adres": adres, "reden": reden, "personen": [p.naam for p in personen]},
            aan=eigenaars,
            onderwerp=f"Onbestelbaar: {adres} ({proces.titel})",
            sleutel=f"onbestelbaar:{ronde.id}:{adres.lower()}",
            nu=nu,
        )
    return list(personen)
