"""What the coordinator sees per ronde and overall: rows, progress and the "Openstaand" list.

Names and statuses only: no email addresses, no register contents (the artifacts are visible to every user
of the Prefect UI). Whatever people typed (names) is escaped for Markdown and HTML, so a name cannot become
a link, an image or markup in the coordinator's view.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime

from sqlmodel import Session, func, select

from engine.bewaking import FOUT
from engine.database import instellingen_van
from engine.status import rondes_status
from models.statussen import Map, Regelstatus, RondeStatus, VerzoekStatus
from models.tabellen import Gebeurtenis, Inkomend, Persoon, Registerregel, Ronde, Vergrendeling, Verzoek
from models.werkdagen import TIJDZONE

_STATUS = {status: str(status) for status in VerzoekStatus} | {VerzoekStatus.GEESCALEERD: "geëscaleerd"}
"""A verzoek's status as the coordinator reads it."""


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~:])")


def veilig(tekst: str) -> str:
    """`tekst` as literal text in Markdown that may contain HTML: markup characters escaped."""
    return _MARKDOWN.sub(r"\\\1", html.escape(tekst, quote=False))


def ronde_tabel(session: Session, ronde: Ronde) -> list[dict[str, str | int]]:
    rijen = session.exec(
        select(Verzoek, Persoon)
        .join(Persoon, Persoon.id == Verzoek.persoon_id)
        .where(Verzoek.ronde_id == ronde.id)
        .order_by(Persoon.naam)
    ).all()
    return [
        {
            "persoon": veilig(p.naam),
            "rol": veilig(", ".join(sorted(p.rolset))),
            "status": _STATUS.get(v.status, v.status),
            "laatste contact": v.laatste_contact.astimezone(TIJDZONE).strftime("%Y-%m-%d") if v.laatste_contact else "",
            "herinneringen": v.herinneringen,
        }
        for v, p in rijen
    ]


def voortgang(session: Session, ronde: Ronde) -> tuple[int, int]:
    """(answered, total) of the ronde's verzoeken that still count (not vervallen)."""
    telling = dict(
        session.exec(
            select(Verzoek.status, func.count()).where(Verzoek.ronde_id == ronde.id).group_by(Verzoek.status)
        ).all()
    )
    totaal = sum(telling.values()) - telling.get(VerzoekStatus.VERVALLEN, 0)
    return telling.get(VerzoekStatus.BEANTWOORD, 0), totaal


def openstaand(session: Session, nu: datetime) -> str:
    """Markdown: every lopende ronde with its deadline, and what needs the coordinator."""
    lopend = [r for r in rondes_status(session) if r["status"] == RondeStatus.LOPEND]
    regels = [f"# Openstaand op {nu.astimezone(TIJDZONE):%Y-%m-%d %H:%M}", ""]
    regels += ["| proces | stap | deadline | beantwoord | open | escalaties |", "|---|---|---|---|---|---|"]
    regels += [
        f"| {_proces(r)} | {r['stap'] or ''} | {r['deadline']} | {r['beantwoord']}/{r['verzoeken']} | "
        f"{r['open']} | {r['escalaties']} |"
        for r in lopend
    ] or ["| (geen lopende rondes) | | | | | |"]
    if bevestigd := [r for r in lopend if r["bevestigd"]]:
        regels += ["", "## Bevestigd, met datum", ""]
        regels += [
            f"- {r['proces']} {r['stap'] or ''}: "
            + "; ".join(f"{veilig(b['persoon'])} op {b['datum']}" for b in r["bevestigd"])
            for r in bevestigd
        ]
    beoordelen = session.exec(select(func.count()).select_from(Inkomend).where(Inkomend.map == Map.BEOORDELEN)).one()
    onbestelbaar = session.exec(
        select(Persoon.naam).where(Persoon.onbestelbaar, Persoon.actief).order_by(Persoon.naam)
    ).all()
    geescaleerd = [r for r in lopend if r["escalaties"]]
    regels += ["", "## Vraagt uw aandacht", ""]
    regels.append(
        f"- Geëscaleerde rondes: {len(geescaleerd)}"
        + "".join(f"\n  - {r['proces']} {r['stap'] or ''} (deadline {r['deadline']})" for r in geescaleerd)
    )
    regels.append(f"- Antwoorden om te beoordelen (map Beoordelen): {beoordelen}")
    voorstellen = session.exec(
        select(func.count()).select_from(Registerregel).where(Registerregel.status == Regelstatus.VOORGESTELD)
    ).one()
    beoordelen_url = f"{instellingen_van(session).basis_url.rstrip('/')}/beoordelen"
    regels.append(f"- Registervoorstellen die wachten op de eigenaar: {voorstellen} ([beoordelen]({beoordelen_url}))")
    regels.append(f"- Onbestelbare adressen: {len(onbestelbaar)}" + "".join(f"\n  - {veilig(n)}" for n in onbestelbaar))
    if fouten := processen_met_een_fout(session):
        regels += ["", "## Processen met een fout", ""]
        regels.append("De laatste bewaking kon het werk van deze processen niet doen; de andere liepen gewoon door.")
        regels.append("")
        regels += [f"- {veilig(proces)}: {veilig(reden)}" for proces, reden in fouten]
    return "\n".join(regels) + "\n"


def _proces(ronde: dict) -> str:
    """The proces, and for a ronde for one person whom it is about (their function, escaped: HR typed it)."""
    return f"{ronde['proces']} ({veilig(ronde['betreft'])})" if ronde["betreft"] else ronde["proces"]


def processen_met_een_fout(session: Session) -> list[tuple[str, str]]:
    """(proces, reason) of every failure in the latest daily watch, in the order they happened."""
    laatste = session.exec(select(Vergrendeling.moment).where(Vergrendeling.naam == "bewaking")).first()
    if laatste is None:
        return []
    rijen = session.exec(
        select(Gebeurtenis.proces, Gebeurtenis.details)
        .where(Gebeurtenis.soort == FOUT, Gebeurtenis.moment == laatste)
        .order_by(Gebeurtenis.id)
    ).all()
    return [(proces or "?", json.loads(details or "{}").get("reden", "onbekende fout")) for proces, details in rijen]
