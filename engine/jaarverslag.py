"""The jaarverslag integriteit of a calendar year (Integriteitsplan Bijlage 2): sections I-III as marked places
for the coordinator's text, pre-filled with which actions of the plan ran; section IV's figures from the engine's
records where it has them and from the coordinator's anonymous figures elsewhere, each with its source in words a
Statenlid understands; and the progress of every proces of the catalogue that year. As HTML and as Markdown the
coordinator can edit: the two show the same text, and the Markdown escapes only what Markdown would otherwise read
as markup.

    verslag(session, catalogus, jaar, nu)     the figures and tables (a Jaarverslag)
    bestanden(verslag)                        {file name: content}: HTML, Markdown and the stylesheet
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from sqlmodel import Session, select

from engine.agenda import rondestarts
from engine.catalogus import Catalogus
from engine.publicatie import SJABLONEN, STIJL
from engine.registers.stand import registers_op
from models.jaarcijfers import CATEGORIEEN
from models.registers import GRENS_GESCHENK
from models.statussen import RondeStatus, VerzoekStatus
from models.tabellen import Antwoord, Gebeurtenis, Jaarcijfer, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from notifications.opmaak import datum, paginaomgeving

AMBTSEED, INKOOP = "ambtseed", "inkoop-afwijkingen"
PROCES = "jaarverslag-integriteit"
"""The proces whose ronde (in February) asks the coordinator for the report on the year before."""
INKOOPAFWIJKINGEN = "Aantal afwijkingen van de inkoop- en aanbestedingsregels, met redenen"
REGISTRATIE = "registratie van de integriteitsprocessen"
"""The engine's records as a source, in the report's words."""
_UITKOMST = {
    RondeStatus.LOPEND: "loopt nog",
    RondeStatus.VOLTOOID: "afgerond",
    RondeStatus.VERLOPEN: "gesloten op de deadline",
}


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
class Rondeuitkomst:
    """One ronde (one stap of it) in the progress table: when it started, the stap's title for a proces with
    several stappen, how it ended in words, and how many of those asked answered."""

    start: date
    stap: str | None
    uitkomst: str
    beantwoord: int
    gevraagd: int


@dataclass(frozen=True)
class Voortgang:
    """One proces of the catalogue with its rondes that year."""

    proces: str
    titel: str
    bron: str
    rondes: tuple[Rondeuitkomst, ...]


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
                _rondeuitkomst(r, {s.id: s.titel or s.id for s in p.alle_stappen}, tellingen[r.id])
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
    cijfers = [_ambtseden(session, jaar), *_coordinator(session, jaar, slice(0, 8))]
    cijfers += [_inkoop(session, catalogus, jaar)]
    cijfers += [*_coordinator(session, jaar, slice(8, None)), *_geschenken(session, jaar)]
    return Jaarverslag(jaar, nu, cijfers, respons, voortgang, [v for v in voortgang if v.rondes])


def _rondeuitkomst(ronde: Ronde, stappen: dict[str | None, str], telling: dict[str, int]) -> Rondeuitkomst:
    return Rondeuitkomst(
        ronde.start.astimezone(TIJDZONE).date(),
        stappen.get(ronde.stap, ronde.stap) if ronde.stap else None,
        _UITKOMST[ronde.status],
        telling["op_tijd"] + telling["te_laat_beantwoord"],
        telling["gevraagd"],
    )


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
    bevestigd = session.exec(
        select(Verzoek.id)
        .join(Ronde, Ronde.id == Verzoek.ronde_id)
        .where(Ronde.proces == AMBTSEED, Verzoek.beantwoord >= van, Verzoek.beantwoord < tot)
    ).all()
    return Cijfer(
        "Aantal keer dat de ambtseed of -belofte is afgelegd",
        str(len(bevestigd)),
        f"{REGISTRATIE}: ambtseden en -beloften waarvan de afname in {jaar} is bevestigd",
    )


def _inkoop(session: Session, catalogus: Catalogus, jaar: int) -> Cijfer:
    """The overview over `jaar` is asked of inkoop in the inkoop-afwijkingen ronde of the next January, made for
    this report: received, awaited, not answered, or asked in a ronde that has not been held yet."""
    rondes = session.exec(
        select(Ronde)
        .where(Ronde.proces == INKOOP, Ronde.startdatum.between(date(jaar + 1, 1, 1), date(jaar + 1, 12, 31)))
        .order_by(Ronde.startdatum)
    ).all()
    if not rondes:
        return Cijfer(INKOOPAFWIJKINGEN, "nog niet gevraagd", f"{REGISTRATIE}: {_inkoopronde_gepland(catalogus, jaar)}")
    antwoorden = session.exec(
        select(Antwoord).where(Antwoord.ronde_id.in_([r.id for r in rondes])).order_by(Antwoord.ontvangen)
    ).all()
    gevraagd = f"{REGISTRATIE}: het overzicht over {jaar}, gevraagd aan inkoop op {datum(rondes[0].startdatum)}"
    if not antwoorden and any(r.status == RondeStatus.LOPEND for r in rondes):
        return Cijfer(INKOOPAFWIJKINGEN, "nog niet ontvangen", f"{gevraagd}, uiterlijk {datum(rondes[-1].deadline)}")
    if not antwoorden:
        return Cijfer(INKOOPAFWIJKINGEN, "niet ontvangen", f"{gevraagd}, niet beantwoord")
    teksten = tuple(a.tekst for a in antwoorden if a.tekst)
    return Cijfer(
        INKOOPAFWIJKINGEN,
        "overzicht ontvangen (zie toelichting)" if teksten else "overzicht ontvangen: geen afwijkingen gemeld",
        f"{gevraagd}, ontvangen op {datum(antwoorden[-1].ontvangen, tijd=False)}",
        teksten,
    )


def _inkoopronde_gepland(catalogus: Catalogus, jaar: int) -> str:
    """That the ronde asking for the overview over `jaar` has not been held, and when it is planned."""
    proces = next((p for p in catalogus.processen if p.id == INKOOP and p.actief and not p.per_persoon), None)
    starts = rondestarts(proces, catalogus, *_jaar(jaar + 1)) if proces else []
    if not starts:
        return f"in {jaar + 1} is geen ronde gepland waarin inkoop het overzicht over {jaar} aanlevert"
    return (
        f"de ronde van {datum(starts[0], tijd=False)}, waarin inkoop het overzicht over {jaar} aanlevert, "
        "is nog niet gehouden"
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
            else "nog niet vastgelegd door de integriteitscoördinator (op de pagina Jaarcijfers)"
        )
        uit.append(Cijfer(onderwerp, str(sum(r.aantal for r in eigen)) if eigen else "—", bron, _opgaven(eigen)))
    return uit


def _opgaven(eigen: list[Jaarcijfer]) -> tuple[str, ...]:
    """The descriptions of a figure's opgaven; each with its own count only where there are several, since the
    figure already shows the total."""
    if len(eigen) == 1:
        return (eigen[0].omschrijving,) if eigen[0].omschrijving else ()
    return tuple(f"{r.aantal}: {r.omschrijving}" for r in eigen if r.omschrijving)


def _geschenken(session: Session, jaar: int) -> list[Cijfer]:
    per_persoon = registers_op(session, register="geschenken", peildatum=date(jaar, 12, 31))
    in_jaar = [v for vs in per_persoon.values() for v in vs if v.velden and v.velden["datum"].year == jaar]
    ingeleverd = [v for v in in_jaar if Decimal(v.velden["geschatte_waarde"]) > GRENS_GESCHENK]
    bron = f"geschenkenregisters van bestuurders en medewerkers: aanvaarde opgaven van geschenken ontvangen in {jaar}"
    return [
        Cijfer("Gemelde geschenken (bestuurders en medewerkers)", str(len(in_jaar)), bron),
        Cijfer(
            "Waarvan boven € 50, gemeld en ingeleverd",
            str(len(ingeleverd)),
            f"{bron}, met een geschatte waarde boven € {GRENS_GESCHENK}",
        ),
    ]


# Rendering


def bestanden(uitkomst: Jaarverslag) -> dict[str, bytes]:
    """The report as HTML (with the stylesheet beside it) and as Markdown to edit."""
    naam = f"jaarverslag-{uitkomst.jaar}"
    context = {"v": uitkomst, "registratie": REGISTRATIE}
    return {
        f"{naam}.html": _HTML.get_template("jaarverslag/verslag.html").render(**context).encode("utf-8"),
        f"{naam}.md": _MARKDOWN.get_template("jaarverslag/verslag.md").render(**context).encode("utf-8"),
        "stijl.css": STIJL.read_bytes(),
    }


class _Markdown(str):
    """Text already escaped for where it stands in the Markdown, which the template then prints as it is."""


_INLINE = re.compile(r"[\\`*\[\]]|(?<![^\W_])_|_(?![^\W_])|<(?=[A-Za-z/!?])|&(?=#?\w+;)")
"""What CommonMark reads as markup anywhere in a line: a backslash escape, code, emphasis (an `_` between two letters
or digits cannot be), a link or image, raw HTML or an autolink, an entity. Everything else (`:`, `(`, `#` or `-`
within a line) is plain text."""
_BLOKTEKEN = re.compile(r"^(?:#{1,6}(?=\s|$)|[-+](?=\s|$)|-(?=(?:\s*-){2,}\s*$)|>|~(?=~~))")
"""What starts a block at the start of a line or a list item: a heading, a bullet, a thematic break, a quote, a
fence."""
_LIJSTNUMMER = re.compile(r"^(\d{1,9})(?=[.)](?:\s|$))")
"""A number that would start an ordered list there: its `.` or `)` is escaped."""


def _inline(waarde: object) -> str:
    """`waarde` on one line (Markdown here has no line breaks within a value) with its inline markup escaped."""
    return _INLINE.sub(r"\\\g<0>", " ".join(str(waarde).split()))


def _tekst(waarde: object) -> _Markdown:
    """Literal text within a line outside a table."""
    return _Markdown(_inline(waarde))


def _regelbegin(waarde: object) -> _Markdown:
    """Literal text at the start of a line or of a list item: also what would start a block there is escaped."""
    return _Markdown(_LIJSTNUMMER.sub(r"\1\\", _BLOKTEKEN.sub(r"\\\g<0>", _inline(waarde), count=1), count=1))


def _cel(waarde: object) -> _Markdown:
    """Literal text in a table cell: also the `|` that would end the cell is escaped."""
    return _Markdown(_inline(waarde).replace("|", "\\|"))


def _markdown(waarde: object) -> _Markdown:
    """The Markdown template's autoescape: a value it prints is escaped as for a table cell, the safe choice
    anywhere, unless the template chose `tekst` or `regelbegin`."""
    return waarde if isinstance(waarde, _Markdown) else _cel(waarde)


_HTML = paginaomgeving(SJABLONEN)
_MARKDOWN = paginaomgeving(SJABLONEN, autoescape=False, finalize=_markdown)
_MARKDOWN.filters |= {"tekst": _tekst, "regelbegin": _regelbegin}
