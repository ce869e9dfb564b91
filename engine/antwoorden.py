"""Recording an antwoord by its verzoek's token, and an eigenaar's confirmation with date and reference.

Every channel (email, form, CLI, simulator) ends here, so an answer counts the same whichever way it came.
An answer after the ronde closed is kept and marked late; it does not reopen anything.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from engine import rondes
from engine.catalogus import Catalogus
from engine.gebeurtenissen import registreer
from models.tabellen import Antwoord, Ronde, Verzoek


class OnbekendVerzoek(LookupError):
    """No verzoek has this token, or no lopende ronde waits for this confirmation."""


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
) -> Antwoord:
    verzoek = session.exec(select(Verzoek).where(Verzoek.token == token)).first()
    if verzoek is None:
        raise OnbekendVerzoek(f"no verzoek has the token '{token}'")
    ronde = session.get(Ronde, verzoek.ronde_id)
    te_laat = ronde.status != "lopend" or verzoek.status not in (*rondes.OPEN, "beantwoord")
    antwoord = Antwoord(
        verzoek_id=verzoek.id,
        ontvangen=nu,
        kanaal=kanaal,
        geen_wijzigingen=geen_wijzigingen,
        tekst=tekst,
        datum=datum,
        kenmerk=kenmerk,
        te_laat=te_laat,
    )
    session.add(antwoord)
    session.flush()
    registreer(
        session,
        soort="antwoord-te-laat" if te_laat else "antwoord",
        nu=nu,
        ronde=ronde,
        verzoek=verzoek,
        kanaal=kanaal,
        antwoord_id=antwoord.id,
    )
    if not te_laat:
        verzoek.status, verzoek.beantwoord, verzoek.laatste_contact = "beantwoord", nu, nu
        if rondes.is_compleet(session, catalogus=catalogus, ronde=ronde):
            rondes.sluit(session, catalogus=catalogus, ronde=ronde, nu=nu)
    return antwoord


def bevestig(
    *,
    session: Session,
    catalogus: Catalogus,
    proces: str,
    nu: datetime,
    datum: date,
    kenmerk: str | None = None,
    stap: str | None = None,
) -> Antwoord:
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
