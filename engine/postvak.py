"""What an incoming message means: an answer for its verzoek, a held reply, an auto-reply, or a bounce.

Every message is stored raw with its outcome and the folder it belongs in; a message read twice (same
Message-ID) is recognised and changes nothing. Only a reply from the very address the verzoek went to
counts; anything else waits in `Beoordelen` for the coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from engine.antwoorden import registreer_antwoord
from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer
from engine.onbestelbaar import markeer_onbestelbaar
from engine.rondes import spec
from engine.uitgaand import zet_bericht_klaar
from models.tabellen import Bericht, Inkomend, Persoon, Ronde, Verzoek
from notifications.inkomend import Binnenkomst, datum_in_tekst, lees

VERWERKT, ONBEKEND, AUTOMATISCH, BEOORDELEN = "Verwerkt", "Onbekend", "Automatisch", "Beoordelen"
MAPPEN = (VERWERKT, ONBEKEND, AUTOMATISCH, BEOORDELEN)


@dataclass(frozen=True)
class Afhandeling:
    map: str
    uitkomst: str
    nieuw: bool = True


def verwerk(*, session: Session, catalogus: Catalogus, ruw: bytes, nu: datetime) -> Afhandeling:
    binnen = lees(ruw)
    eerder = session.exec(select(Inkomend).where(Inkomend.message_id == binnen.message_id)).first()
    if eerder is not None:
        return Afhandeling(eerder.map, eerder.uitkomst, nieuw=False)
    if binnen.soort == "bounce":
        afhandeling, verzoek, antwoord_id = _bounce(session, catalogus, binnen, nu), None, None
    else:
        verzoek = _verzoek(session, binnen)
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


def _verzoek(session: Session, binnen: Binnenkomst) -> Verzoek | None:
    if binnen.sleutel:
        return session.exec(select(Verzoek).where(Verzoek.token == binnen.sleutel)).first()
    if binnen.verzoek_nummer is not None:
        return session.get(Verzoek, binnen.verzoek_nummer)
    return None


def _antwoord(session, catalogus, binnen: Binnenkomst, verzoek: Verzoek | None, nu) -> tuple[Afhandeling, int | None]:
    if binnen.soort == "afwezig":
        return Afhandeling(AUTOMATISCH, "afwezig"), None
    if verzoek is None:
        return Afhandeling(ONBEKEND, "onbekend"), None
    persoon = session.get(Persoon, verzoek.persoon_id)
    if binnen.soort == "doorgestuurd":
        return Afhandeling(BEOORDELEN, "doorgestuurd"), None
    if binnen.afzender != persoon.email.lower():
        return Afhandeling(BEOORDELEN, "afzender-wijkt-af"), None
    if not binnen.tekst:
        return Afhandeling(BEOORDELEN, "leeg"), None
    ronde = session.get(Ronde, verzoek.ronde_id)
    vastgelegd = registreer_antwoord(
        session=session,
        catalogus=catalogus,
        token=verzoek.token,
        nu=nu,
        kanaal="email",
        geen_wijzigingen=binnen.geen_wijzigingen,
        tekst=None if binnen.geen_wijzigingen else binnen.tekst,
        # an owner who confirms by email writes the date of the meeting or decision in the reply
        datum=datum_in_tekst(binnen.tekst) if spec(catalogus, ronde)[1].voltooiing == "bevestiging" else None,
    )
    if vastgelegd.te_laat:
        return Afhandeling(VERWERKT, "te-laat"), vastgelegd.antwoord_id
    zet_bericht_klaar(
        session,
        catalogus=catalogus,
        ronde=ronde,
        soort="ontvangst",
        sjabloon="standaard/ontvangst",
        context={"persoon": persoon, "geen_wijzigingen": binnen.geen_wijzigingen},
        aan=[persoon],
        onderwerp=f"Ontvangen: {binnen.onderwerp}"[:300],
        sleutel=f"ontvangst:{binnen.message_id}"[:200],
        nu=nu,
        verzoek_id=verzoek.id,
    )
    return Afhandeling(VERWERKT, "geen-wijzigingen" if binnen.geen_wijzigingen else "antwoord"), vastgelegd.antwoord_id


def _bounce(session: Session, catalogus: Catalogus, binnen: Binnenkomst, nu: datetime) -> Afhandeling:
    ronde = None
    if binnen.origineel:
        ronde = session.exec(
            select(Ronde).join(Bericht, Bericht.ronde_id == Ronde.id).where(Bericht.message_id == binnen.origineel)
        ).first()
    blijvend = [o for o in binnen.onbestelbaar if o.blijvend]
    for o in blijvend:
        markeer_onbestelbaar(
            session, catalogus=catalogus, adres=o.adres, reden=f"bounce, status {o.status}", nu=nu, ronde=ronde
        )
    return Afhandeling(AUTOMATISCH, "bounce" if blijvend else "bounce-tijdelijk")
