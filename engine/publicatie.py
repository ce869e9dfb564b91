"""The public registers: what the publication rules (`processen/publicatie.yaml`) make public on a day, as a
static site and open data ready to copy to the website, and what changed since the previous publication.

Only accepted versions count (`stand.registers_op`), so the export for an earlier day is what was public
then. A register shown per person lists everyone its rule names, each on a page of their own at their public
slug: their role and fractie, and their entries, or that they confirmed having none (the rule's `geen`), or that
their answer is still being processed, or that they have not answered ("Nog niet opgegeven"), with the day they
last confirmed. A person's roles and attributes are today's: the persons table keeps no history of them.

    openbaar_op(session, catalogus, peildatum)   the public registers on that day
    stand(session)                                changes whenever what the export reads changes
    export(registers, peildatum)                  {relative path: bytes}: HTML pages, JSON and CSV, the stylesheet
    wijzigingen(vorige, huidige)                  added, changed and ended entries between two publications
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, or_
from sqlmodel import Session, func, select

from engine import personen
from engine.catalogus import Catalogus
from engine.registers.stand import laatst_aanvaard, peilmoment, registers_op
from engine.registers.versies import Versie, als_tekst
from models.publicatie import Openbaar, Publicatieregels, slug
from models.registers import REGISTERS, TITELS, openbare_omschrijving
from models.statussen import Regelstatus
from models.tabellen import Antwoord, Persoon, Registerregel, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from notifications.opmaak import paginaomgeving

SJABLONEN = Path(__file__).resolve().parent / "sjablonen"
STIJL = Path(__file__).resolve().parents[1] / "web" / "statisch" / "stijl.css"
"""The web app's own stylesheet: the public pages look like the rest of the product."""

OPGEGEVEN = "Opgegeven"
IN_BEHANDELING = "Opgave in behandeling"
NIET_OPGEGEVEN = "Nog niet opgegeven"


@dataclass(frozen=True)
class Regel:
    """One published entry: its stable key, the version shown, whom it belongs to (a name, or for staff only
    the function name) and its public fields as Python values."""

    sleutel: str
    versie_id: int
    wie: str
    velden: dict[str, Any]
    beoordeeld: datetime


@dataclass(frozen=True)
class Pagina:
    """The entries of one person or one function name; of a person also their role and fractie, when they last
    confirmed this register, and what stands instead of entries when they have none."""

    naam: str
    bestand: str
    regels: tuple[Regel, ...]
    rol: str = ""
    fractie: str = ""
    bevestigd: date | None = None
    """The day the person last confirmed this register: an answer that proposed nothing ("geen wijzigingen"), or
    the submission of their latest accepted entry."""
    stand: str = ""
    """Without entries: the rule's `geen` (confirmed), IN_BEHANDELING or NIET_OPGEGEVEN; '' otherwise."""


@dataclass(frozen=True)
class Register:
    """One public register page with its rule, its pages and the moment of its latest accepted change."""

    regel: Openbaar
    paginas: tuple[Pagina, ...]
    laatste_wijziging: datetime | None

    @property
    def regels(self) -> list[Regel]:
        return [r for p in self.paginas for r in p.regels]

    @property
    def per_persoon(self) -> bool:
        return self.regel.per == "persoon"


def openbaar_op(session: Session, *, catalogus: Catalogus, peildatum: date) -> list[Register]:
    """Every public register as it stood at the end of `peildatum`, in the order of the rules."""
    actief = list(session.exec(select(Persoon).where(Persoon.actief).order_by(Persoon.id)))
    return [_register(session, catalogus, regel, actief, peildatum) for regel in catalogus.publicatie.openbaar]


def _register(
    session: Session, catalogus: Catalogus, regel: Openbaar, actief: list[Persoon], peildatum: date
) -> Register:
    wie = {p.id: p for p in actief if openbaar(catalogus.publicatie, regel, p)}
    per_persoon = registers_op(session, register=regel.register_naam, peildatum=peildatum, persoon_ids=list(wie))
    opgaven = {
        persoon_id: _openbare_regels(regel, wie[persoon_id], versies) for persoon_id, versies in per_persoon.items()
    }
    if regel.per == "persoon":
        paginas = _persoonspaginas(session, catalogus, regel, list(wie.values()), opgaven, peildatum)
    else:
        paginas = _functiepaginas(opgaven)
    laatste = laatst_aanvaard(session, register=regel.register_naam, peildatum=peildatum, persoon_ids=list(wie))
    return Register(regel, paginas, laatste)


def _openbare_regels(regel: Openbaar, persoon: Persoon, versies: list[Versie]) -> list[Regel]:
    """The person's entries the rule publishes, with only its fields, under their name or function name."""
    naam = persoon.naam if regel.per == "persoon" else (persoon.functie or "Functie zonder naam")
    return [
        Regel(v.regel, v.id, naam, {k: v.velden.get(k) for k in regel.velden}, v.beoordeeld)
        for v in versies
        if _boven_drempel(regel, v.velden)
    ]


def _functiepaginas(opgaven: dict[int, list[Regel]]) -> tuple[Pagina, ...]:
    """A page per function name that has entries, never a personal name."""
    groepen: dict[str, list[Regel]] = defaultdict(list)
    for regel in (r for lijst in opgaven.values() for r in lijst):
        groepen[regel.wie].append(regel)
    return tuple(Pagina(naam, f"{slug(naam)}.html", tuple(lijst)) for naam, lijst in sorted(groepen.items()))


def _persoonspaginas(
    session: Session,
    catalogus: Catalogus,
    regel: Openbaar,
    leden: list[Persoon],
    opgaven: dict[int, list[Regel]],
    peildatum: date,
) -> tuple[Pagina, ...]:
    """A page for everyone the rule names, with or without entries, in the order of `rolnamen`, then by name."""
    personen.geef_slugs(session, leden)
    stand = _bevestigingen(session, catalogus, regel.register_naam, peildatum, [p.id for p in leden])
    paginas = []
    for persoon in sorted(leden, key=lambda p: (_rolvolgorde(catalogus, p), p.naam.lower(), p.slug)):
        lijst = opgaven.get(persoon.id, [])
        bevestigd, ingediend = stand.get(persoon.id, (None, False))
        paginas.append(
            Pagina(
                naam=persoon.naam,
                bestand=f"{persoon.slug}.html",
                regels=tuple(lijst),
                rol=rol(catalogus, regel, persoon),
                fractie=persoon.fractie or "",
                bevestigd=bevestigd.astimezone(TIJDZONE).date() if bevestigd else None,
                stand="" if lijst else regel.geen if bevestigd else IN_BEHANDELING if ingediend else NIET_OPGEGEVEN,
            )
        )
    return tuple(paginas)


def rol(catalogus: Catalogus, regel: Openbaar, persoon: Persoon) -> str:
    """The person's roles as the public pages name them (`rolnamen`), or as rollen.yaml describes the roles of
    the rule they have."""
    genoemd = [naam for r, naam in catalogus.publicatie.rolnamen.items() if r in persoon.rolset]
    eigen = [catalogus.rollen.rollen.get(r, r) for r in regel.wie.rollen if r in persoon.rolset]
    return ", ".join(genoemd or eigen)


def _rolvolgorde(catalogus: Catalogus, persoon: Persoon) -> int:
    volgorde = list(catalogus.publicatie.rolnamen)
    return min((volgorde.index(r) for r in persoon.rolset if r in volgorde), default=len(volgorde))


def _bevestigingen(
    session: Session, catalogus: Catalogus, register: str, peildatum: date, persoon_ids: list[int]
) -> dict[int, tuple[datetime | None, bool]]:
    """Per person, by the end of `peildatum`: when they last confirmed `register`, and whether they submitted
    anything for it at all. Confirmed is an answer to a verzoek about the register that proposed nothing
    ("geen wijzigingen", or the form sent back unchanged), or an entry of theirs that the eigenaar accepted (at
    the moment it was submitted). Answers, unlike the audit trail's details, are kept for good."""
    grens, _ = peilmoment(peildatum)
    bevestigd: dict[int, datetime] = {}
    stappen = [
        and_(Ronde.proces == proces.id, Ronde.stapnummer == nummer)
        for proces in catalogus.processen
        for nummer, stap in enumerate(proces.alle_stappen)
        if stap.register_naam == register
    ]
    if stappen and persoon_ids:
        voorstel = select(Registerregel.id).where(Registerregel.antwoord_id == Antwoord.id)
        bevestigd = dict(
            session.exec(
                select(Verzoek.persoon_id, func.max(Antwoord.ontvangen))
                .join(Verzoek, Verzoek.id == Antwoord.verzoek_id)
                .join(Ronde, Ronde.id == Verzoek.ronde_id)
                .where(Verzoek.persoon_id.in_(persoon_ids), Antwoord.ontvangen < grens, or_(*stappen))
                .where(~voorstel.exists())
                .group_by(Verzoek.persoon_id)
            ).all()
        )
    aanvaard = and_(
        Registerregel.status.in_((Regelstatus.AANVAARD, Regelstatus.VERVANGEN)), Registerregel.beoordeeld < grens
    )
    uit: dict[int, tuple[datetime | None, bool]] = {p: (b, False) for p, b in bevestigd.items()}
    for persoon_id, laatste_aanvaarding in session.exec(
        select(Registerregel.persoon_id, func.max(case((aanvaard, Registerregel.ingediend))))
        .where(
            Registerregel.register_naam == register,
            Registerregel.persoon_id.in_(persoon_ids),
            Registerregel.ingediend < grens,
        )
        .group_by(Registerregel.persoon_id)
    ):
        momenten = [m for m in (bevestigd.get(persoon_id), laatste_aanvaarding) if m is not None]
        uit[persoon_id] = (max(momenten, default=None), True)
    return uit


def stand(session: Session) -> tuple:
    """What the export of a day reads besides the catalogue, in a few aggregates far cheaper than the export: it
    changes whenever a register version is added, reviewed or removed, an answer is recorded, or a person is
    added or changed. A shell that keeps an export makes it again when this (or the day) differs."""
    versies = session.exec(
        select(func.count(Registerregel.id), func.max(Registerregel.id), func.count(Registerregel.beoordeeld))
    ).one()
    antwoorden = session.exec(select(func.max(Antwoord.id))).one()
    leden = session.exec(select(func.count(Persoon.id), func.max(Persoon.bijgewerkt))).one()
    return (*versies, antwoorden, *leden)


def openbaar(regels: Publicatieregels, regel: Openbaar, persoon: Persoon) -> bool:
    """Whether `regel` publishes this person's entries: the rule names them and no `nooit` rule protects them."""
    rollen, kenmerken = persoon.rolset, persoon.kenmerken
    if not regel.wie.omvat(rollen, kenmerken):
        return False
    return not any(
        n.wie.omvat(rollen, kenmerken) and n.register_naam in (None, regel.register_naam) for n in regels.nooit
    )


def _boven_drempel(regel: Openbaar, velden: dict[str, Any]) -> bool:
    if regel.alleen_boven is None:
        return True
    waarde = velden.get("geschatte_waarde")
    return waarde is not None and waarde > regel.alleen_boven


# The export: files ready to copy to the website.


def export(omschrijvingen: list[Register], peildatum: date) -> dict[str, bytes]:
    """The static site and open data of `omschrijvingen` on `peildatum`: {relative path: content}."""
    bestanden: dict[str, bytes] = {"stijl.css": STIJL.read_bytes()}
    laatste = max((r.laatste_wijziging for r in omschrijvingen if r.laatste_wijziging), default=None)
    context = {"peildatum": peildatum, "laatste": laatste, "registers": omschrijvingen}
    bestanden["index.html"] = _html("index.html", wortel="", **context)
    bestanden["open-data/index.html"] = _html("open-data.html", wortel="../", **context)
    for register in omschrijvingen:
        id_ = register.regel.id
        bestanden[f"{id_}/index.html"] = _html("register.html", wortel="../", register=register, **context)
        for pagina in register.paginas:
            elders = [r for r in omschrijvingen if r is not register and _pagina(r, pagina.bestand)]
            bestanden[f"{id_}/{pagina.bestand}"] = _html(
                "pagina.html", wortel="../", register=register, pagina=pagina, elders=elders, **context
            )
        bestanden[f"open-data/{id_}.json"] = _json(register, peildatum)
        bestanden[f"open-data/{id_}.csv"] = _csv(register)
    return bestanden


def _pagina(register: Register, bestand: str) -> Pagina | None:
    """The same person's page in another register shown per person (their slug names both)."""
    return next((p for p in register.paginas if p.bestand == bestand), None) if register.per_persoon else None


Kolom = tuple[str, str, str]
"""An open-data column: (name, title, description)."""

_FUNCTIENAAM: Kolom = ("functienaam", "Functienaam", "De functie van de ambtenaar; nooit een naam.")


def _persoonskolommen(regel: Openbaar) -> list[Kolom]:
    return [
        ("naam", "Naam", "De naam van het Statenlid, de gedeputeerde of de Commissaris van de Koning."),
        (
            "rol",
            "Rol",
            "Statenlid, gedeputeerde of Commissaris van de Koning; bij een Statenlid ook fractievoorzitter.",
        ),
        ("fractie", "Fractie", "De fractie in Provinciale Staten; leeg als er geen is."),
        (
            "opgave",
            "Opgave",
            f"'{OPGEGEVEN}' bij een opgave (in de kolommen hierna); zonder opgave '{regel.geen}' als de persoon "
            f"heeft bevestigd niets te melden te hebben, '{IN_BEHANDELING}' als een opgave nog wordt verwerkt, of "
            f"'{NIET_OPGEGEVEN}'.",
        ),
        (
            "laatst_bevestigd",
            "Laatst bevestigd",
            "De dag waarop de persoon dit register het laatst heeft bevestigd of bijgewerkt; leeg als dat nog "
            "niet is gebeurd.",
        ),
    ]


def kolommen(regel: Openbaar) -> list[Kolom]:
    """The open data's columns of a register: who (by name with role, fractie and the state of their opgave, or
    only by function), then the entry's public fields, each described for the public."""
    model = REGISTERS[regel.register_naam]
    wie = _persoonskolommen(regel) if regel.per == "persoon" else [_FUNCTIENAAM]
    return wie + [(v, model.model_fields[v].title or v, openbare_omschrijving(model, v)) for v in regel.velden]


def veldkolommen(regel: Openbaar) -> list[tuple[str, str]]:
    """The entry's public fields as (name, title), for the tables of the pages."""
    return [(naam, titel) for naam, titel, _ in kolommen(regel)[-len(regel.velden) :]]


def _html(sjabloon: str, **context: Any) -> bytes:
    helpers = {"tekst": _tekst, "is_datum": _is_datum, "dag": _dag, "standen": _standen, "titels": TITELS}
    return (
        _OMGEVING.get_template(f"publicatie/{sjabloon}")
        .render(kolommen=kolommen, veldkolommen=veldkolommen, **helpers, **context)
        .encode("utf-8")
    )


def _dag(dag: date | None) -> str:
    """A day as the tables show one, like the entries' dates: 1-3-2027."""
    return f"{dag.day}-{dag.month}-{dag.year}" if dag else ""


def per_stand(register: Register) -> dict[str, int]:
    """How many persons a register per person shows with entries (OPGEGEVEN) and with each text instead of them,
    in that order, leaving out what nobody has; {} for a register per function."""
    if not register.per_persoon:
        return {}
    aantallen = Counter(p.stand or OPGEGEVEN for p in register.paginas)
    volgorde = (OPGEGEVEN, register.regel.geen, IN_BEHANDELING, NIET_OPGEGEVEN)
    return {stand: aantallen[stand] for stand in volgorde if aantallen[stand]}


def _standen(register: Register) -> list[tuple[str, int]]:
    """How many persons without entries the register shows with each text (confirmed none first)."""
    return [(stand, n) for stand, n in per_stand(register).items() if stand != OPGEGEVEN]


def _tekst(register: Register, veld: str, waarde: Any) -> str:
    return als_tekst(REGISTERS[register.regel.register_naam], veld, waarde)


def _is_datum(register: Register, veld: str) -> bool:
    """Whether the field holds a date: its cell never breaks over two lines."""
    return "date" in str(REGISTERS[register.regel.register_naam].model_fields[veld].annotation)


def _json(register: Register, peildatum: date) -> bytes:
    namen = [k[0] for k in kolommen(register.regel)]
    gegevens = {
        "register": register.regel.id,
        "titel": register.regel.titel,
        "bron": register.regel.bron,
        "peildatum": peildatum.isoformat(),
        "kolommen": [{"naam": n, "titel": t, "omschrijving": o} for n, t, o in kolommen(register.regel)],
        "regels": [dict(zip(namen, rij, strict=True)) for rij in _rijen(register)],
    }
    return (json.dumps(gegevens, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def _rijen(register: Register) -> list[list[Any]]:
    """The open data's rows, as JSON has them: per entry, and per person one without an entry when they have
    none; dates ISO, amounts as text with two decimals (exact)."""
    if not register.per_persoon:
        return [[r.wie, *_json_waarden(r.velden)] for r in register.regels]
    leeg = dict.fromkeys(register.regel.velden)
    rijen = []
    for p in register.paginas:
        wie = [p.naam, p.rol, p.fractie or None]
        bevestigd = p.bevestigd.isoformat() if p.bevestigd else None
        if p.regels:
            rijen += [[*wie, OPGEGEVEN, bevestigd, *_json_waarden(r.velden)] for r in p.regels]
        else:
            rijen.append([*wie, p.stand, bevestigd, *_json_waarden(leeg)])
    return rijen


def _json_waarden(velden: dict[str, Any]) -> list[Any]:
    return [
        w.isoformat() if isinstance(w, date) else f"{w:.2f}" if isinstance(w, Decimal) else w for w in velden.values()
    ]


_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def csv_cel(waarde: Any) -> str:
    """A CSV cell a spreadsheet shows as text: a value that could start a formula gets a leading quote."""
    tekst = "" if waarde is None else ("ja" if waarde is True else "nee" if waarde is False else str(waarde))
    return "'" + tekst if tekst.startswith(_FORMULE) else tekst


def _csv(register: Register) -> bytes:
    uit = io.StringIO()
    schrijver = csv.writer(uit, lineterminator="\r\n")
    schrijver.writerow([k[0] for k in kolommen(register.regel)])
    for rij in _rijen(register):
        schrijver.writerow([csv_cel(w) for w in rij])
    return uit.getvalue().encode("utf-8")


def schrijf(map: Path, bestanden: dict[str, bytes], weg: set[str]) -> None:
    """Write the export into `map` and remove the files in `weg` (relative paths an earlier export wrote)."""
    for pad, inhoud in bestanden.items():
        doel = map / pad
        doel.parent.mkdir(parents=True, exist_ok=True)
        doel.write_bytes(inhoud)
    for pad in weg:
        (map / pad).unlink(missing_ok=True)


def sha256(bestanden: dict[str, bytes]) -> dict[str, str]:
    return {pad: hashlib.sha256(inhoud).hexdigest() for pad, inhoud in sorted(bestanden.items())}


_OMGEVING = paginaomgeving(SJABLONEN)


# Changes between two publications.


def inhoud(omschrijvingen: list[Register]) -> dict[str, dict[str, Any]]:
    """What a publication held, per entry (`<register>/<key>`): the version and a label, for the audit trail."""
    return {
        f"{r.regel.id}/{regel.sleutel}": {"versie": regel.versie_id, "wie": regel.wie, "wat": _label(regel)}
        for r in omschrijvingen
        for regel in r.regels
    }


def _label(regel: Regel) -> str:
    return str(regel.velden.get("omschrijving") or regel.velden.get("soort") or "")


@dataclass(frozen=True)
class Wijziging:
    soort: str  # toegevoegd, gewijzigd, beëindigd
    register: str
    wie: str
    wat: str


def wijzigingen(vorige: dict[str, dict[str, Any]], huidige: dict[str, dict[str, Any]]) -> list[Wijziging]:
    """Entries added, changed (another version) and ended (no longer public) since the previous publication."""
    uit = []
    for sleutel in sorted(vorige.keys() | huidige.keys()):
        oud, nieuw = vorige.get(sleutel), huidige.get(sleutel)
        soort = (
            "toegevoegd"
            if oud is None
            else "beëindigd"
            if nieuw is None
            else "gewijzigd"
            if oud["versie"] != nieuw["versie"]
            else None
        )
        if soort:
            regel = nieuw or oud
            uit.append(Wijziging(soort, sleutel.split("/")[0], regel["wie"], regel["wat"]))
    return uit
