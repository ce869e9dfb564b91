"""The jaarverslag integriteit of a calendar year (Integriteitsplan Bijlage 2): sections I-III as marked places
for the coordinator's text, pre-filled with which actions of the plan ran; section IV's figures from the engine's
records where it has them and from the coordinator's anonymous figures elsewhere, each with its source; and the
progress of every proces of the catalogue that year. As HTML and as Markdown the coordinator can edit.

    verslag(session, catalogus, jaar, nu)     the figures and tables (a Jaarverslag)
    bestanden(verslag)                        {file name: content}: HTML, Markdown and the stylesheet
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from sqlmodel import Session, select

from engine import registers
from engine.catalogus import Catalogus
from engine.overzicht import veilig
from engine.publicatie import SJABLONEN, STIJL
from models.jaarcijfers import CATEGORIEEN
from models.registers import GRENS_GESCHENK
from models.statussen import VerzoekStatus
from models.tabellen import Antwoord, Gebeurtenis, Jaarcijfer, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from notifications.opmaak import datum, paginaomgeving

AMBTSEED, INKOOP = "ambtseed", "inkoop-afwijkingen"
PROCES = "jaarverslag-integriteit"
"""The proces whose ronde (in February) asks the coordinator for the report on the year before."""


@dataclass(frozen=True)
class Cijfer:
    """One figure of section IV: what it counts, its value, what explains it, and where it came from."""

    onderwerp: str
    waarde: str
    bron: str
    toelichting: tuple[str, ...] = ()


@dataclass(frozen=True)
class Respons:
    """The response to one register ronde."""

    proces: str
    titel: str
    start: date
    gevraagd: int
    op_tijd: int
    te_laat: int
    niet: int
    geescaleerd: int


@dataclass(frozen=True)
class Voortgang:
    """One proces of the catalogue with its rondes that year: (start, stap, status, answered, asked)."""

    proces: str
    titel: str
    bron: str
    rondes: tuple[tuple[date, str, str, int, int], ...]


@dataclass(frozen=True)
class Jaarverslag:
    jaar: int
    gemaakt: datetime
    cijfers: list[Cijfer]
    respons: list[Respons]
    voortgang: list[Voortgang]
    acties: list[Voortgang] = field(default_factory=list)
    """The processen that ran that year: what section I-III are pre-filled with."""


def verslag(session: Session, *, catalogus: Catalogus, jaar: int, nu: datetime) -> Jaarverslag:
    rondes = list(session.exec(select(Ronde).where(Ronde.startdatum.between(date(jaar, 1, 1), date(jaar, 12, 31)))))
    tellingen = _tellingen(session, [r.id for r in rondes])
    voortgang = [
        Voortgang(
            p.id,
            p.titel,
            p.bron,
            tuple(
                (
                    r.startdatum,
                    r.stap,
                    str(r.status),
                    tellingen[r.id]["op_tijd"] + tellingen[r.id]["te_laat_beantwoord"],
                    tellingen[r.id]["gevraagd"],
                )
                for r in sorted(rondes, key=lambda r: (r.startdatum, r.stapnummer))
                if r.proces == p.id
            ),
        )
        for p in catalogus.processen
    ]
    register_processen = {p.id: p.titel for p in catalogus.processen if any(s.register_naam for s in p.alle_stappen)}
    respons = [
        Respons(r.proces, register_processen[r.proces], r.startdatum, **_respons(tellingen[r.id]))
        for r in sorted(rondes, key=lambda r: (r.startdatum, r.proces))
        if r.proces in register_processen
    ]
    cijfers = [_ambtseden(session, jaar), *_coordinator(session, jaar, slice(0, 8)), _inkoop(session, jaar)]
    cijfers += [*_coordinator(session, jaar, slice(8, None)), *_geschenken(session, jaar)]
    return Jaarverslag(jaar, nu, cijfers, respons, voortgang, [v for v in voortgang if v.rondes])


def _tellingen(session: Session, ronde_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per ronde: asked, answered in time, answered late, only a late answer after closing, escalated."""
    uit: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    escalatie = dict(
        session.exec(
            select(Gebeurtenis.ronde_id, Gebeurtenis.moment).where(
                Gebeurtenis.ronde_id.in_(ronde_ids),
                Gebeurtenis.soort.in_(("escalatie-klaargezet", "escalatie-zonder-ontvanger")),
            )
        ).all()
    )
    laat = set(session.exec(select(Antwoord.verzoek_id).where(Antwoord.te_laat)).all())
    for verzoek, ronde in session.exec(
        select(Verzoek, Ronde).join(Ronde, Ronde.id == Verzoek.ronde_id).where(Verzoek.ronde_id.in_(ronde_ids))
    ):
        if verzoek.status == VerzoekStatus.VERVALLEN:
            continue
        t = uit[ronde.id]
        t["gevraagd"] += 1
        beantwoord = verzoek.beantwoord.astimezone(TIJDZONE).date() if verzoek.beantwoord else None
        if beantwoord is not None and beantwoord <= ronde.deadline:
            t["op_tijd"] += 1
        elif beantwoord is not None:
            t["te_laat_beantwoord"] += 1
        elif verzoek.id in laat:
            t["na_sluiting"] += 1
        moment = escalatie.get(ronde.id)
        if (
            moment is not None
            and verzoek.aangemaakt <= moment
            and (verzoek.beantwoord is None or verzoek.beantwoord > moment)
        ):
            t["geescaleerd"] += 1
    return uit


def _respons(t: dict[str, int]) -> dict[str, int]:
    te_laat = t["te_laat_beantwoord"] + t["na_sluiting"]
    return {
        "gevraagd": t["gevraagd"],
        "op_tijd": t["op_tijd"],
        "te_laat": te_laat,
        "niet": t["gevraagd"] - t["op_tijd"] - te_laat,
        "geescaleerd": t["geescaleerd"],
    }


def _jaar(jaar: int) -> tuple[datetime, datetime]:
    return (
        datetime.combine(date(jaar, 1, 1), time(), TIJDZONE),
        datetime.combine(date(jaar + 1, 1, 1), time(), TIJDZONE),
    )


def _ambtseden(session: Session, jaar: int) -> Cijfer:
    van, tot = _jaar(jaar)
    rijen = session.exec(
        select(Verzoek.id, Ronde.startdatum)
        .join(Ronde, Ronde.id == Verzoek.ronde_id)
        .where(Ronde.proces == AMBTSEED, Verzoek.beantwoord >= van, Verzoek.beantwoord < tot)
    ).all()
    momenten = sorted({s for _, s in rijen})
    return Cijfer(
        "Aantal keer dat de ambtseed of -belofte is afgelegd",
        str(len(rijen)),
        f"de motor: bevestigde verzoeken in de rondes van proces '{AMBTSEED}' ({len(momenten)} rondes met een "
        f"bevestiging, beantwoord in {jaar})",
    )


def _inkoop(session: Session, jaar: int) -> Cijfer:
    """The overview over `jaar` is the inkoop-afwijkingen ronde of the next January, made for this report."""
    antwoorden = session.exec(
        select(Antwoord, Ronde.startdatum)
        .join(Verzoek, Verzoek.id == Antwoord.verzoek_id)
        .join(Ronde, Ronde.id == Verzoek.ronde_id)
        .where(Ronde.proces == INKOOP, Ronde.startdatum.between(date(jaar + 1, 1, 1), date(jaar + 1, 12, 31)))
        .order_by(Antwoord.ontvangen)
    ).all()
    teksten = tuple(a.tekst for a, _ in antwoorden if a.tekst)
    if not antwoorden:
        return Cijfer(
            "Aantal afwijkingen van de inkoop- en aanbestedingsregels, met redenen",
            "nog niet ontvangen",
            f"de motor: geen antwoord in de ronde van proces '{INKOOP}' van januari {jaar + 1}",
        )
    ontvangen = antwoorden[-1][0].ontvangen.astimezone(TIJDZONE).date()
    return Cijfer(
        "Aantal afwijkingen van de inkoop- en aanbestedingsregels, met redenen",
        "overzicht ontvangen (zie toelichting)" if teksten else "overzicht ontvangen: geen afwijkingen gemeld",
        f"de motor: het overzicht van inkoop in de ronde van proces '{INKOOP}' van {antwoorden[0][1]}, "
        f"ontvangen op {datum(ontvangen, tijd=False)}",
        teksten,
    )


def _coordinator(session: Session, jaar: int, deel: slice) -> list[Cijfer]:
    rijen = list(session.exec(select(Jaarcijfer).where(Jaarcijfer.jaar == jaar).order_by(Jaarcijfer.id)))
    uit = []
    for categorie, onderwerp in list(CATEGORIEEN.items())[deel]:
        eigen = [r for r in rijen if r.categorie == categorie]
        bron = (
            f"vastgelegd door de integriteitscoördinator ({len(eigen)} "
            f"{'opgave' if len(eigen) == 1 else 'opgaven'}, laatst op "
            f"{datum(max(r.vastgelegd for r in eigen), tijd=False)})"
            if eigen
            else "nog niet vastgelegd door de integriteitscoördinator (integriteit jaarcijfer, of /jaarcijfers)"
        )
        uit.append(
            Cijfer(
                onderwerp,
                str(sum(r.aantal for r in eigen)) if eigen else "—",
                bron,
                tuple(f"{r.aantal}: {r.omschrijving}" for r in eigen if r.omschrijving),
            )
        )
    return uit


def _geschenken(session: Session, jaar: int) -> list[Cijfer]:
    per_persoon = registers.registers_op(session, register="geschenken", peildatum=date(jaar, 12, 31))
    in_jaar = [v for vs in per_persoon.values() for v in vs if v.velden and v.velden["datum"].year == jaar]
    ingeleverd = [v for v in in_jaar if Decimal(v.velden["geschatte_waarde"]) > GRENS_GESCHENK]
    bron = f"de motor: door de eigenaar aanvaarde opgaven in het register geschenken met een datum in {jaar}"
    return [
        Cijfer("Gemelde geschenken (bestuurders en medewerkers)", str(len(in_jaar)), bron),
        Cijfer("Waarvan boven € 50, gemeld en ingeleverd", str(len(ingeleverd)), bron),
    ]


# Rendering


def bestanden(uitkomst: Jaarverslag) -> dict[str, bytes]:
    """The report as HTML (with the stylesheet beside it) and as Markdown to edit."""
    naam = f"jaarverslag-{uitkomst.jaar}"
    context = {"v": uitkomst, "categorieen": CATEGORIEEN}
    return {
        f"{naam}.html": _HTML.get_template("jaarverslag/verslag.html").render(**context).encode("utf-8"),
        f"{naam}.md": _MARKDOWN.get_template("jaarverslag/verslag.md").render(**context).encode("utf-8"),
        "stijl.css": STIJL.read_bytes(),
    }


_HTML = paginaomgeving(SJABLONEN)
_MARKDOWN = paginaomgeving(SJABLONEN, autoescape=False, finalize=lambda w: veilig(str(w)).replace("\n", " "))
"""Markdown's autoescape: every value printed is escaped for Markdown and HTML (`overzicht.veilig`)."""
