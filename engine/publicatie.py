"""The public registers: what the publication rules (`processen/publicatie.yaml`) make public on a day, as a
static site and open data ready to copy to the website, and what changed since the previous publication.

Only accepted versions count (`registers.registers_op`), so the export for an earlier day is what was public
then. A person's roles and attributes are today's: the persons table keeps no history of them.

    openbaar_op(session, catalogus, peildatum)   the public registers on that day
    export(registers, peildatum)                  {relative path: bytes}: HTML pages, JSON and CSV, the stylesheet
    wijzigingen(vorige, huidige)                  added, changed and ended entries between two publications
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from engine import registers
from engine.catalogus import Catalogus
from models.publicatie import Openbaar, Publicatieregels
from models.registers import REGISTERS
from models.tabellen import Persoon
from notifications.opmaak import paginaomgeving

SJABLONEN = Path(__file__).resolve().parent / "sjablonen"
STIJL = Path(__file__).resolve().parents[1] / "web" / "statisch" / "stijl.css"
"""The web app's own stylesheet: the public pages look like the rest of the product."""


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
    """The entries of one person or one function name."""

    naam: str
    bestand: str
    regels: tuple[Regel, ...]


@dataclass(frozen=True)
class Register:
    """One public register page with its rule, its pages and the moment of its latest accepted change."""

    regel: Openbaar
    paginas: tuple[Pagina, ...]
    laatste_wijziging: datetime | None

    @property
    def regels(self) -> list[Regel]:
        return [r for p in self.paginas for r in p.regels]


def openbaar_op(session: Session, *, catalogus: Catalogus, peildatum: date) -> list[Register]:
    """Every public register as it stood at the end of `peildatum`, in the order of the rules."""
    personen = list(session.exec(select(Persoon).where(Persoon.actief)))
    return [
        _register(session, catalogus.publicatie, regel, personen, peildatum) for regel in catalogus.publicatie.openbaar
    ]


def _register(
    session: Session, regels: Publicatieregels, regel: Openbaar, personen: list[Persoon], peildatum: date
) -> Register:
    wie = {p.id: p for p in personen if openbaar(regels, regel, p)}
    per_persoon = registers.registers_op(
        session, register=regel.register_naam, peildatum=peildatum, persoon_ids=list(wie)
    )
    groepen: dict[str, list[Regel]] = defaultdict(list)
    for persoon_id, versies in per_persoon.items():
        persoon = wie[persoon_id]
        naam = persoon.naam if regel.per == "persoon" else (persoon.functie or "Functie zonder naam")
        groepen[naam] += [
            Regel(v.regel, v.id, naam, {k: v.velden.get(k) for k in regel.velden}, v.beoordeeld)
            for v in versies
            if _boven_drempel(regel, v.velden)
        ]
    paginas = tuple(
        Pagina(naam, f"{_slug(naam)}.html", tuple(lijst)) for naam, lijst in sorted(groepen.items()) if lijst
    )
    laatste = registers.laatst_aanvaard(
        session, register=regel.register_naam, peildatum=peildatum, persoon_ids=list(wie)
    )
    return Register(regel, paginas, laatste)


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


def _slug(tekst: str) -> str:
    kaal = unicodedata.normalize("NFKD", tekst).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", kaal).strip("-") or "zonder-naam"


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
            bestanden[f"{id_}/{pagina.bestand}"] = _html(
                "pagina.html", wortel="../", register=register, pagina=pagina, **context
            )
        bestanden[f"open-data/{id_}.json"] = _json(register, peildatum)
        bestanden[f"open-data/{id_}.csv"] = _csv(register)
    return bestanden


def kolommen(regel: Openbaar) -> list[tuple[str, str, str]]:
    """The open data's columns of a register: (name, title, description)."""
    model = REGISTERS[regel.register_naam]
    eerste = (
        ("naam", "Naam", "Naam van het Statenlid, de gedeputeerde of de Commissaris van de Koning.")
        if regel.per == "persoon"
        else ("functienaam", "Functienaam", "De functie van de ambtenaar; nooit een naam.")
    )
    return [eerste] + [(v, model.model_fields[v].title or v, _publieke_uitleg(model, v)) for v in regel.velden]


def _publieke_uitleg(model: type[BaseModel], veld: str) -> str:
    """The field's description without the form's instructions to the person filling it in."""
    return {
        "qq": "Ja als de functie uit hoofde van het ambt wordt vervuld (qualitate qua).",
        "bezoldigd": "Ja als er een vergoeding of salaris tegenover staat.",
        "beperkende_maatregel": "De beperking die Gedeputeerde Staten aan de nevenwerkzaamheid stellen.",
        "ingeleverd_bij": "Bij wie het geschenk is ingeleverd.",
        "bestemming": "De bestemming die aan het geschenk is gegeven.",
        "geschatte_waarde": "De geschatte waarde in euro.",
    }.get(veld, model.model_fields[veld].description or "")


def _html(sjabloon: str, **context: Any) -> bytes:
    return (
        _OMGEVING.get_template(f"publicatie/{sjabloon}")
        .render(tekst=_tekst, kolommen=kolommen, **context)
        .encode("utf-8")
    )


def _tekst(register: Register, veld: str, waarde: Any) -> str:
    return registers.als_tekst(REGISTERS[register.regel.register_naam], veld, waarde)


def _json(register: Register, peildatum: date) -> bytes:
    namen = [k[0] for k in kolommen(register.regel)]
    gegevens = {
        "register": register.regel.id,
        "titel": register.regel.titel,
        "bron": register.regel.bron,
        "peildatum": peildatum.isoformat(),
        "kolommen": [{"naam": n, "titel": t, "omschrijving": o} for n, t, o in kolommen(register.regel)],
        "regels": [dict(zip(namen, [r.wie, *_json_waarden(r)], strict=True)) for r in register.regels],
    }
    return (json.dumps(gegevens, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def _json_waarden(regel: Regel) -> list[Any]:
    """The entry's values as JSON has them: dates ISO, amounts as text with two decimals (exact)."""
    return [
        w.isoformat() if isinstance(w, date) else f"{w:.2f}" if isinstance(w, Decimal) else w
        for w in regel.velden.values()
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
    for regel in register.regels:
        schrijver.writerow([csv_cel(w) for w in [regel.wie, *_json_waarden(regel)]])
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
