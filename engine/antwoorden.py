"""Recording an antwoord by its verzoek's token, and an eigenaar's confirmation with date and reference.

Every channel (email, form, CLI, simulator) ends here, so an answer counts the same whichever way it came.
An answer after the ronde closed is kept and marked late; it does not reopen anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert
from sqlmodel import Session, select

from engine import rondes
from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer
from models.tabellen import Antwoord, Ronde, Verzoek


class OnbekendVerzoek(LookupError):
    """No verzoek has this token, or no lopende ronde waits for this confirmation."""


@dataclass(frozen=True)
class Vastgelegd:
    """What recording an answer did."""

    antwoord_id: int
    te_laat: bool


def registreer_antwoord(
    *,
    session: Session,
    catalogus: Catalogus,
    token: str,
    nu: datetime,
    kanaal: str,
    geen_wijzigingen: bool = False,
    tekst: str | None = None,
    datum: date | None = None,
    kenmerk: str | None = None,
) -> Vastgelegd:
    verzoek = session.exec(select(Verzoek).where(Verzoek.token == token)).first()
    if verzoek is None:
        raise OnbekendVerzoek(f"no verzoek has the token '{token}'")
    ronde = session.get(Ronde, verzoek.ronde_id)
    te_laat = ronde.status != "lopend" or verzoek.status not in (*rondes.OPEN, "beantwoord")
    tabel = Antwoord.__table__
    antwoord_id = session.execute(
        insert(tabel).returning(tabel.c.id),
        {
            "verzoek_id": verzoek.id,
            "ontvangen": nu,
            "kanaal": kanaal,
            "geen_wijzigingen": geen_wijzigingen,
            "tekst": tekst,
            "datum": datum,
            "kenmerk": kenmerk,
            "te_laat": te_laat,
        },
    ).scalar_one()
    soort = "antwoord-te-laat" if te_laat else "antwoord"
    registreer(session, soort=soort, nu=nu, ronde=ronde, verzoek=verzoek, kanaal=kanaal, antwoord_id=antwoord_id)
    if te_laat:
        return Vastgelegd(antwoord_id, te_laat=True)
    # Counted before this verzoek changes, so the count needs no flush first.
    compleet = rondes.wordt_compleet(session, catalogus=catalogus, ronde=ronde, beantwoord=verzoek)
    verzoek.status, verzoek.beantwoord, verzoek.laatste_contact = "beantwoord", nu, nu
    if compleet:
        rondes.sluit(session, catalogus=catalogus, ronde=ronde, nu=nu)
    return Vastgelegd(antwoord_id, te_laat=False)


def bevestig(
    *,
    session: Session,
    catalogus: Catalogus,
    proces: str,
    nu: datetime,
    datum: date,
    kenmerk: str | None = None,
    stap: str | None = None,
) -> Vastgelegd:
    """Confirm the lopende stap of `proces` that waits for its eigenaar (e.g. the GS decision)."""
    spec = catalogus.proces(proces)
    wachtend = [s.id or "" for s in spec.fasen if s.voltooiing == "bevestiging" and (stap is None or s.id == stap)]
    ronde = session.exec(
        select(Ronde)
        .where(Ronde.proces == proces, Ronde.status == "lopend", Ronde.stap.in_(wachtend))
        .order_by(Ronde.start.desc())
    ).first()
    if ronde is None:
        raise OnbekendVerzoek(
            f"no lopende ronde of '{proces}' waits for a confirmation" + (f" in stap '{stap}'" if stap else "")
        )
    verzoek = session.exec(select(Verzoek).where(Verzoek.ronde_id == ronde.id).order_by(Verzoek.id)).first()
    if verzoek is None:
        raise OnbekendVerzoek(f"the ronde of '{proces}' has nobody with the role '{spec.eigenaar}' to confirm it")
    return registreer_antwoord(
        session=session,
        catalogus=catalogus,
        token=verzoek.token,
        nu=nu,
        kanaal="bevestiging",
        datum=datum,
        kenmerk=kenmerk,
    )
