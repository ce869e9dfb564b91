"""Loading a folder of specs (`processen/`) as one checked catalogue, or every problem in it at once.

A folder holds one `<id>.yaml` per proces, plus `kalender.yaml` (anchors, closing days) and `rollen.yaml`
(roles). A folder without its own kalender or rollen uses the project's. Nothing runs on an invalid folder:
`laad_catalogus` raises `OngeldigeCatalogus` carrying every problem found, across all files, in one pass: a
file with errors is still checked against the others (roles, anchors, reminders against the termijn,
templates) as far as its other fields can be read. Every template is rendered with sample values of what
the engine passes, so a template cannot fail on the day its message goes out. What is valid but probably
not meant (a rule whose UNTIL has passed) is a warning on a valid catalogue.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, TypeVar

from jinja2 import TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, TypeAdapter, ValidationError

from models.fouten import Probleem, probleem, vertaal
from models.gebruikersfouten import Gebruikersfout
from models.instellingen import STANDAARD_MAP
from models.kalender import Kalender, Rollen
from models.planning import PerPersoonPlanning, RRulePlanning
from models.proces import STAPVELDEN, Proces, Sjablonen, Stap, _StapVelden
from models.publicatie import Publicatieregels
from models.werkdagen import Werkdagen
from models.yamlbron import Pad, YamlBron, YamlFout, lees_yaml
from notifications import sjablonen

KALENDER, ROLLEN, PUBLICATIE = "kalender.yaml", "rollen.yaml", "publicatie.yaml"
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, eq=False)
class Catalogus:
    """Every valid proces of one folder, with the calendar and roles they were checked against."""

    map: Path
    processen: tuple[Proces, ...]
    kalender: Kalender
    rollen: Rollen
    publicatie: Publicatieregels
    """What of the registers is public (publicatie.yaml)."""
    waarschuwingen: tuple[Probleem, ...] = ()
    """What is valid but probably not meant, such as a proces that never starts again."""

    @cached_property
    def werkdagen(self) -> Werkdagen:
        return Werkdagen(self.kalender.vrije_dagen)

    @cached_property
    def sjablonen(self) -> SandboxedEnvironment:
        return sjablonen.omgeving(self.map)

    def proces(self, proces_id: str) -> Proces:
        for proces in self.processen:
            if proces.id == proces_id:
                return proces
        bekend = [p.id for p in self.processen]
        gelijkend = difflib.get_close_matches(proces_id, bekend, n=1)
        hint = f" Bedoelt u '{gelijkend[0]}'?" if gelijkend else f" Bekend: {', '.join(bekend)}."
        raise OnbekendProces(f"geen proces '{proces_id}' in {weergave_pad(self.map)}.{hint}")

    def stap(self, proces: Proces, stap_id: str | None) -> tuple[int, Stap]:
        """The number and stap `stap_id` of `proces`; None: the first. Raises OnbekendProces naming its stappen."""
        stappen = proces.alle_stappen
        if stap_id is None:
            return 0, stappen[0]
        for nummer, stap in enumerate(stappen):
            if stap.id == stap_id:
                return nummer, stap
        bekend = [s.id for s in stappen if s.id]
        if not bekend:
            raise OnbekendProces(f"'{proces.id}' heeft geen stappen; laat --stap weg")
        gelijkend = difflib.get_close_matches(stap_id, bekend, n=1)
        hint = f" Bedoelt u '{gelijkend[0]}'?" if gelijkend else f" De stappen zijn: {', '.join(bekend)}."
        raise OnbekendProces(f"'{proces.id}' heeft geen stap '{stap_id}'.{hint}")


class OnbekendProces(Gebruikersfout):
    """No proces with that id in the catalogue, or no stap with that id in the proces."""

    exitcode = 2


@dataclass
class OngeldigeCatalogus(Gebruikersfout):
    """The folder has problems; `bestanden` maps each checked file to its number of problems."""

    problemen: list[Probleem]
    bestanden: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return "\n".join(map(str, self.problemen))


def laad_catalogus(map: Path, vandaag: date | None = None) -> Catalogus:
    """The checked catalogue of `map`; warnings are about `vandaag` (default: today)."""
    if not map.is_dir():
        raise OngeldigeCatalogus([Probleem(str(map), 1, "(map)", "is geen map met processpecificaties")])
    lezer = _Lezer(map)
    catalogus = lezer.lees(vandaag or date.today())
    if lezer.problemen or catalogus is None:
        raise OngeldigeCatalogus(sorted(set(lezer.problemen)), lezer.telling())
    return catalogus


@dataclass(frozen=True)
class _Gelezen:
    """A spec file that holds keys: its model, complete when `volledig`, else only the fields that are valid
    on their own (unvalidated, for the checks across files)."""

    stam: str
    bestand: str
    bron: YamlBron
    proces: Proces
    volledig: bool


class _Lezer:
    """One collecting pass over a folder: per-file validation, then the checks across files."""

    def __init__(self, map: Path) -> None:
        self.map = map
        self.problemen: list[Probleem] = []
        self.bestanden: list[str] = []

    def telling(self) -> dict[str, int]:
        return {b: sum(p.bestand == b for p in set(self.problemen)) for b in self.bestanden}

    def lees(self, vandaag: date) -> Catalogus | None:
        kalender = self._gedeeld(KALENDER, Kalender)
        rollen = self._gedeeld(ROLLEN, Rollen)
        publicatie = self._model(self._gedeeld_pad(PUBLICATIE), Publicatieregels)
        gelezen = [g for pad in self._specbestanden() if (g := self._spec(pad)) is not None]
        if kalender is None or rollen is None or publicatie is None:
            return None
        controle = _Controle(self, kalender, rollen)
        controle.publicatie(*publicatie)
        # A duplicate id is blamed on the file not named after it, so the original keeps a clean report.
        ids: dict[str, str] = {}
        for g in gelezen:
            if getattr(g.proces, "id", None) == g.stam:
                ids.setdefault(g.stam, g.bestand)
        for g in gelezen:
            controle.proces(g, ids)
        processen = sorted((g.proces for g in gelezen if g.volledig), key=lambda p: p.id)
        controle.standaardsjablonen(processen)
        fout = {p.bestand for p in self.problemen}
        waarschuwingen = tuple(
            w for g in gelezen if g.volledig and g.bestand not in fout for w in _waarschuwingen(g, kalender, vandaag)
        )
        return Catalogus(self.map, tuple(processen), kalender, rollen, publicatie[2], waarschuwingen)

    def _spec(self, pad: Path) -> _Gelezen | None:
        bestand = weergave_pad(pad)
        self.bestanden.append(bestand)
        bron = self._bron(pad, bestand)
        if bron is None:
            return None
        try:
            return _Gelezen(pad.stem, bestand, bron, Proces.model_validate(bron.data), True)
        except ValidationError as fout:
            self.problemen.extend(vertaal(fout, Proces, bestand, bron))
        return _Gelezen(pad.stem, bestand, bron, _gedeeltelijk(Proces, bron.data), False)

    def _specbestanden(self) -> Iterator[Path]:
        for pad in sorted([*self.map.glob("*.yaml"), *self.map.glob("*.yml")]):
            if pad.name not in (KALENDER, ROLLEN, PUBLICATIE):
                yield pad

    def _gedeeld(self, naam: str, model: type[M]) -> M | None:
        resultaat = self._model(self._gedeeld_pad(naam), model)
        return resultaat[2] if resultaat else None

    def _gedeeld_pad(self, naam: str) -> Path:
        """The folder's own shared file, else the project's."""
        return self.map / naam if (self.map / naam).exists() else STANDAARD_MAP / naam

    def _model(self, pad: Path, model: type[M]) -> tuple[str, YamlBron, M] | None:
        bestand = weergave_pad(pad)
        self.bestanden.append(bestand)
        bron = self._bron(pad, bestand)
        if bron is None:
            return None
        try:
            return bestand, bron, model.model_validate(bron.data)
        except ValidationError as fout:
            self.problemen.extend(vertaal(fout, model, bestand, bron))
            return None

    def _bron(self, pad: Path, bestand: str) -> YamlBron | None:
        """The parsed file when it holds keys; otherwise None, with the problem recorded."""
        try:
            bron = lees_yaml(pad)
        except YamlFout as fout:
            self.problemen.append(Probleem(bestand, fout.regel, fout.veld, fout.bericht))
            return None
        except (OSError, UnicodeDecodeError) as fout:
            self.problemen.append(Probleem(bestand, 1, "(bestand)", _onleesbaar(fout)))
            return None
        if not isinstance(bron.data, dict):
            self.problemen.append(Probleem(bestand, 1, "(bestand)", _geen_sleutels(bron.data)))
            return None
        return bron


def _gedeeltelijk(model: type[M], data: dict[str, Any]) -> M:
    """The fields of `data` that are valid on their own, as an unvalidated `model`: a model or a list whose
    value has errors keeps its valid parts (list items keep their index, None where nothing is valid)."""
    velden = {}
    for naam, veld in model.model_fields.items():
        sleutel = veld.alias or naam
        if sleutel in data:
            waarde = _geldig_deel(Annotated[veld.annotation, veld], veld.annotation, data[sleutel])
            if waarde is not _ONGELDIG:
                velden[naam] = waarde
    return model.model_construct(**velden)


_ONGELDIG = object()


def _geldig_deel(soort: Any, kaal: Any, waarde: Any) -> Any:
    try:
        return _adapter(soort).validate_python(waarde)
    except ValidationError:
        pass
    except TypeError:  # a type pydantic cannot check on its own
        return _ONGELDIG
    kern = _zonder_none(kaal)
    if isinstance(kern, type) and issubclass(kern, BaseModel) and isinstance(waarde, dict):
        return _gedeeltelijk(kern, waarde)
    if typing.get_origin(kern) is list and isinstance(waarde, list):
        [item] = typing.get_args(kern)
        delen = [_geldig_deel(item, item, w) for w in waarde]
        return [None if d is _ONGELDIG else d for d in delen]
    return _ONGELDIG


_adapters: dict[Any, TypeAdapter] = {}


def _adapter(soort: Any) -> TypeAdapter:
    sleutel = repr(soort)
    if sleutel not in _adapters:
        _adapters[sleutel] = TypeAdapter(soort)
    return _adapters[sleutel]


def _zonder_none(soort: Any) -> Any:
    leden = [a for a in typing.get_args(soort) if a is not type(None)]
    return leden[0] if len(leden) == 1 and type(None) in typing.get_args(soort) else soort


_STANDAARD = ("ontvangst", "onbestelbaar", "teruggestuurd", "buiten-periode", "gesloten")
"""The engine's own messages, sent for any proces; `teruggestuurd` only when its template exists."""


class _Controle:
    """The checks a single model cannot make: roles, anchors, templates, ids, durations against termijn.

    On a file with errors (`volledig` false) they run on whatever fields are valid, and a field that is
    written but invalid is not reported again as missing."""

    def __init__(self, lezer: _Lezer, kalender: Kalender, rollen: Rollen) -> None:
        self.lezer, self.kalender, self.rollen = lezer, kalender, rollen
        self.sjablonen = sjablonen.omgeving(lezer.map)
        self.gemeld: set[tuple[str, str]] = set()

    def proces(self, gelezen: _Gelezen, ids: dict[str, str]) -> None:
        bestand, bron, proces = gelezen.bestand, gelezen.bron, gelezen.proces

        def meld(pad: Pad, bericht: str) -> None:
            self.lezer.problemen.append(probleem(bestand, bron, pad, bericht))

        proces_id = getattr(proces, "id", None)
        if proces_id is not None:
            if proces_id != gelezen.stam:
                meld(
                    ("id",),
                    f"'{proces_id}' past niet bij de bestandsnaam '{gelezen.stam}'; noem het bestand {proces_id}.yaml",
                )
            eerste = ids.setdefault(proces_id, bestand)
            if eerste != bestand:
                meld(("id",), f"'{proces_id}' is al het id van {eerste}")
        if isinstance(eigenaar := getattr(proces, "eigenaar", None), str):
            self._rol(meld, ("eigenaar",), eigenaar)
        planning = bron.data.get("planning")
        anker = planning.get("anker") if isinstance(planning, dict) else None
        if isinstance(anker, str) and anker not in self.kalender.ankers:
            meld(
                ("planning", "anker"),
                f"onbekend anker '{anker}'{_suggestie(anker, self.kalender.ankers)} (de ankers staan in {KALENDER})",
            )
        self._planningsrol(meld, planning)
        voorbeeld = SimpleNamespace(
            id=proces_id or gelezen.stam,
            titel=getattr(proces, "titel", None) or "Voorbeeldproces",
            bron=getattr(proces, "bron", None) or "Integriteitsplan",
        )
        if "stappen" in bron.data:
            stappen = bron.data["stappen"]
            self._stappen(
                meld, bron.data, proces.stappen or [], stappen if isinstance(stappen, list) else [], voorbeeld
            )
        else:
            velden = {naam: waarde for naam, waarde in proces.__dict__.items() if naam in _StapVelden.model_fields}
            stap = Stap.model_construct(**velden)
            self._stap(meld, (), stap, bron.data, voorbeeld)

    def _stappen(self, meld, data: dict[str, Any], stappen: list[Stap | None], ruw: list[Any], voorbeeld) -> None:
        for veld in STAPVELDEN:
            if veld in data:
                meld((veld,), f"met stappen hoort '{veld}' in elke stap, niet op het proces")
        gezien: set[str] = set()
        for index, stap in enumerate(stappen):
            item = ruw[index] if index < len(ruw) else None
            if stap is None or not isinstance(item, dict):
                continue
            if "id" not in item:
                meld(("stappen", index, "id"), "verplicht, maar ontbreekt: elke stap heeft een id nodig")
            elif isinstance(stap.id, str):
                if stap.id in gezien:
                    meld(("stappen", index, "id"), f"'{stap.id}' is al het id van een andere stap van dit proces")
                gezien.add(stap.id)
            self._stap(meld, ("stappen", index), stap, item, voorbeeld)

    def _stap(self, meld, pad: Pad, stap: Stap, ruw: dict[str, Any], voorbeeld) -> None:
        """`ruw` is the stap as written: a field that is written but invalid was reported already."""
        if "termijn" not in ruw:
            meld(
                pad + ("termijn",),
                "verplicht, maar ontbreekt: hoe lang de ontvangers hebben om te antwoorden (bijv. P4W)",
            )
        voltooiing = ruw.get("voltooiing", "alle-antwoorden")
        if voltooiing == "alle-antwoorden" and "doelgroep" not in ruw:
            meld(pad + ("doelgroep",), "verplicht als voltooiing alle-antwoorden is: wie moet er antwoorden?")
        for index, rol in enumerate(getattr(stap.doelgroep, "rollen", None) or []):
            if isinstance(rol, str):
                self._rol(meld, pad + ("doelgroep", "rollen", index), rol)
        if isinstance(naar := getattr(stap.escalatie, "naar", None), str):
            self._rol(meld, pad + ("escalatie", "naar"), naar)
        if "datum_in_maanden" in ruw and ruw.get("voltooiing") != "bevestiging" and "bevestiging_door" not in ruw:
            meld(
                pad + ("datum_in_maanden",),
                "geldt alleen voor een bevestiging met een datum (voltooiing: bevestiging, of bevestiging_door)",
            )
        if isinstance(door := getattr(stap, "bevestiging_door", None), str):
            self._bevestiging_door(meld, pad, door, ruw)
        if stap.termijn is not None:
            self._binnen_termijn(meld, pad, stap)
        if voltooiing not in ("alle-antwoorden", "bevestiging"):
            return
        keuze = stap.sjablonen if isinstance(stap.sjablonen, Sjablonen) else Sjablonen()
        geschreven = ruw.get("sjablonen") if isinstance(ruw.get("sjablonen"), dict) else {}
        for soort in ("verzoek", "herinnering", "escalatie"):
            if soort in geschreven and not isinstance(getattr(keuze, soort, None), str):
                continue  # written, but invalid: reported already
            naam = keuze.naam(soort, stap)
            fout = sjablonen.controleer(self.sjablonen, naam, voorbeeldcontext(soort, voorbeeld, stap))
            if fout and (naam, fout) not in self.gemeld:
                self.gemeld.add((naam, fout))
                meld(pad + ("sjablonen", soort), fout)

    def _bevestiging_door(self, meld, pad: Pad, rol: str, ruw: dict[str, Any]) -> None:
        """A third party confirms per person of the doelgroep: so there is a doelgroep, each person is an
        item of its own (not one confirmation for all), and nobody updates a register."""
        self._rol(meld, pad + ("bevestiging_door",), rol)
        if ruw.get("voltooiing") == "bevestiging":
            meld(
                pad + ("voltooiing",),
                "met bevestiging_door wordt elke persoon apart bevestigd; laat 'voltooiing: bevestiging' weg",
            )
        if "register" in ruw:
            meld(pad + ("register",), "met bevestiging_door werkt niemand een register bij; laat 'register' weg")

    def _binnen_termijn(self, meld, pad: Pad, stap: Stap) -> None:
        termijn = stap.termijn
        for index, herinnering in enumerate(stap.herinneringen or []):
            if herinnering is not None and herinnering.ongeveer_dagen >= termijn.ongeveer_dagen:
                meld(
                    pad + ("herinneringen", index),
                    f"'{herinnering}' valt niet vóór de termijn '{termijn}': een herinnering komt vóór de deadline",
                )
        na = getattr(stap.escalatie, "na", None)
        if na is not None and na.ongeveer_dagen > termijn.ongeveer_dagen:
            meld(
                pad + ("escalatie", "na"),
                f"'{na}' valt na de termijn '{termijn}': dan is de ronde al gesloten",
            )

    def standaardsjablonen(self, processen: list[Proces]) -> None:
        """The engine's own messages (ontvangst, onbestelbaar, ...), once, with the first proces as sample;
        a problem is told at the template's file (an override in the folder's sjablonen/, or the built-in)."""
        if not processen:
            return
        proces = processen[0]
        for soort in _STANDAARD:
            naam = f"standaard/{soort}"
            if soort in ("teruggestuurd", "gesloten") and not _bestaat(self.sjablonen, f"{naam}.txt.j2"):
                continue
            fout = sjablonen.controleer(self.sjablonen, naam, voorbeeldcontext(soort, proces, proces.alle_stappen[0]))
            if fout:
                bestand = weergave_pad(_sjabloonbestand(self.sjablonen, f"{naam}.txt.j2"))
                if bestand not in self.lezer.bestanden:
                    self.lezer.bestanden.append(bestand)
                self.lezer.problemen.append(Probleem(bestand, 1, f"sjablonen.{soort}", fout))

    def publicatie(self, bestand: str, bron: YamlBron, regels: Publicatieregels) -> None:
        """Every role the publication rules name exists."""

        def meld(plek: Pad, bericht: str) -> None:
            self.lezer.problemen.append(probleem(bestand, bron, plek, bericht))

        for sectie, lijst in (("openbaar", regels.openbaar), ("nooit", regels.nooit)):
            for index, regel in enumerate(lijst):
                for nummer, rol in enumerate(regel.wie.rollen):
                    self._rol(meld, (sectie, index, "wie", "rollen", nummer), rol)
        for rol in regels.rolnamen:
            self._rol(meld, ("rolnamen", rol), rol)

    def _planningsrol(self, meld, planning: Any) -> None:
        """The role of a `rol-gekregen`/`rol-verloren` event or of a `benoemd-<rol>` date must exist."""
        if not isinstance(planning, dict):
            return
        if isinstance(rol := planning.get("rol"), str):
            self._rol(meld, ("planning", "rol"), rol)
        datum = planning.get("datum")
        if isinstance(datum, str) and datum.startswith("benoemd-"):
            self._rol(meld, ("planning", "datum"), datum.removeprefix("benoemd-"))

    def _rol(self, meld, pad: Pad, rol: str) -> None:
        if rol not in self.rollen.rollen:
            meld(pad, f"onbekende rol '{rol}'{_rolsuggestie(rol, self.rollen.rollen)} (de rollen staan in {ROLLEN})")


def voorbeeldcontext(soort: str, proces: Any, stap: Stap) -> dict[str, Any]:
    """The sample values every template is rendered with: the engine's own (engine.uitgaand), imported here
    when needed, as the outbox imports this module."""
    from engine.uitgaand import voorbeeldcontext as context

    return context(soort, proces, stap)


def _bestaat(env: SandboxedEnvironment, naam: str) -> bool:
    try:
        env.loader.get_source(env, naam)
    except TemplateNotFound:
        return False
    return True


def _sjabloonbestand(env: SandboxedEnvironment, naam: str) -> Path:
    for map in getattr(env.loader, "searchpath", []):
        if (Path(map) / naam).is_file():
            return Path(map) / naam
    return Path(naam)


def _waarschuwingen(gelezen: _Gelezen, kalender: Kalender, vandaag: date) -> Iterator[Probleem]:
    """A proces that will never start again: its rule's UNTIL has passed, or its plan ends before today."""
    proces = gelezen.proces
    if not proces.actief or isinstance(proces.planning, PerPersoonPlanning):
        return  # a person's event or date can always come
    soort = next(s for s in ("rrule", "cron", "anker", "datum") if hasattr(proces.planning, s))
    nu = datetime.combine(vandaag, time())
    if proces.planning.volgende(nu, kalender.ankers) is not None:
        return
    einde = proces.planning.einde if isinstance(proces.planning, RRulePlanning) else None
    if einde is not None and einde < nu:
        reden = f"UNTIL {einde:%Y-%m-%d} is voorbij"
    elif soort == "datum":
        reden = f"de datum {proces.planning.datum} is voorbij"
    else:
        reden = f"de planning levert na {vandaag} geen start meer op"
    yield probleem(
        gelezen.bestand,
        gelezen.bron,
        ("planning", soort),
        f"waarschuwing: {reden}: dit proces start nooit meer; zet actief: false als het klaar is, "
        "of pas de planning aan",
    )


def _suggestie(naam: str, bekend) -> str:
    gelijkend = difflib.get_close_matches(naam, list(bekend), n=1, cutoff=0.6)
    return f". Bedoelt u '{gelijkend[0]}'?" if gelijkend else ""


def _rolsuggestie(rol: str, rollen: dict[str, str]) -> str:
    """A role with a similar name; else one whose description in rollen.yaml holds the word (a coordinator
    writes 'gedeputeerde' for gs-lid, 'griffier' for statengriffie)."""
    if suggestie := _suggestie(rol, rollen):
        return suggestie
    woord = rol.lower().replace("-", " ").strip()
    beste, score = None, 0.0
    for naam, omschrijving in rollen.items():
        woorden = re.findall(r"\w+", omschrijving.lower())
        for kandidaat in woorden:
            gelijkenis = difflib.SequenceMatcher(None, woord, kandidaat).ratio()
            if gelijkenis > score:
                beste, score = naam, gelijkenis
    if beste is not None and score >= 0.8:
        return f". Bedoelt u '{beste}' ({rollen[beste]})?"
    return ""


_SOORTEN = {list: "een lijst", str: "alleen tekst", int: "alleen een getal", float: "alleen een getal"}


def _geen_sleutels(data: Any) -> str:
    """Why a file that parsed is still no spec: it is empty, or holds something other than keys."""
    if data is None:
        return "het bestand is leeg"
    soort = "alleen true of false" if isinstance(data, bool) else _SOORTEN.get(type(data), "iets anders")
    return f"het bestand bevat {soort}, geen sleutels met een waarde ('sleutel: waarde')"


def _onleesbaar(fout: OSError | UnicodeDecodeError) -> str:
    if isinstance(fout, UnicodeDecodeError):
        return f"kan niet worden gelezen: geen UTF-8-tekst (byte {fout.start + 1}); sla het bestand op als UTF-8"
    redenen = {
        errno.EACCES: "geen leesrechten",
        errno.EPERM: "geen leesrechten",
        errno.ENOENT: "het bestand bestaat niet (meer)",
        errno.EISDIR: "het is een map, geen bestand",
    }
    reden = redenen.get(fout.errno or 0, f"systeemfout {fout.errno}" if fout.errno else "systeemfout")
    return f"kan niet worden gelezen: {reden}"


def weergave_pad(pad: Path) -> str:
    """A file name as the coordinator typed it: relative to the working folder when it lies below it."""
    try:
        return os.path.relpath(pad) if not os.path.relpath(pad).startswith("..") else str(pad)
    except ValueError:
        return str(pad)
