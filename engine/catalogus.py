"""Loading a folder of specs (`processen/`) as one checked catalogue, or every problem in it at once.

A folder holds one `<id>.yaml` per proces, plus `kalender.yaml` (anchors, closing days) and `rollen.yaml`
(roles). A folder without its own kalender or rollen uses the project's. Nothing runs on an invalid folder:
`laad_catalogus` raises `OngeldigeCatalogus` carrying every problem found, across all files.
"""

from __future__ import annotations

import difflib
import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ValidationError

from models.fouten import Probleem, probleem, vertaal
from models.gebruikersfouten import Gebruikersfout
from models.instellingen import STANDAARD_MAP
from models.kalender import Kalender, Rollen
from models.proces import STAPVELDEN, Proces, Stap
from models.werkdagen import Werkdagen
from models.yamlbron import Pad, YamlBron, YamlFout, lees_yaml
from notifications import sjablonen

KALENDER, ROLLEN = "kalender.yaml", "rollen.yaml"
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, eq=False)
class Catalogus:
    """Every valid proces of one folder, with the calendar and roles they were checked against."""

    map: Path
    processen: tuple[Proces, ...]
    kalender: Kalender
    rollen: Rollen

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


class OnbekendProces(Gebruikersfout):
    """No proces with that id in the catalogue."""

    exitcode = 2


@dataclass
class OngeldigeCatalogus(Gebruikersfout):
    """The folder has problems; `bestanden` maps each checked file to its number of problems."""

    problemen: list[Probleem]
    bestanden: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return "\n".join(map(str, self.problemen))


def laad_catalogus(map: Path) -> Catalogus:
    if not map.is_dir():
        raise OngeldigeCatalogus([Probleem(str(map), 1, "(map)", "is geen map met processpecificaties")])
    lezer = _Lezer(map)
    catalogus = lezer.lees()
    if lezer.problemen or catalogus is None:
        raise OngeldigeCatalogus(sorted(lezer.problemen), lezer.telling())
    return catalogus


class _Lezer:
    """One collecting pass over a folder: per-file validation, then the checks across files."""

    def __init__(self, map: Path) -> None:
        self.map = map
        self.problemen: list[Probleem] = []
        self.bestanden: list[str] = []

    def telling(self) -> dict[str, int]:
        return {b: sum(p.bestand == b for p in self.problemen) for b in self.bestanden}

    def lees(self) -> Catalogus | None:
        kalender = self._gedeeld(KALENDER, Kalender)
        rollen = self._gedeeld(ROLLEN, Rollen)
        gelezen = [(pad, self._model(pad, Proces)) for pad in self._specbestanden()]
        if kalender is None or rollen is None:
            return None
        controle = _Controle(self, kalender, rollen)
        geldig = [(pad.stem, *resultaat) for pad, resultaat in gelezen if resultaat is not None]
        # A duplicate id is blamed on the file not named after it, so the original keeps a clean report.
        ids: dict[str, str] = {}
        for stam, bestand, _, proces in geldig:
            if proces.id == stam:
                ids.setdefault(proces.id, bestand)
        processen = []
        for stam, bestand, bron, proces in geldig:
            controle.proces(bestand, bron, proces, stam, ids)
            processen.append(proces)
        return Catalogus(self.map, tuple(sorted(processen, key=lambda p: p.id)), kalender, rollen)

    def _specbestanden(self) -> Iterator[Path]:
        for pad in sorted([*self.map.glob("*.yaml"), *self.map.glob("*.yml")]):
            if pad.name not in (KALENDER, ROLLEN):
                yield pad

    def _gedeeld(self, naam: str, model: type[M]) -> M | None:
        pad = self.map / naam if (self.map / naam).exists() else STANDAARD_MAP / naam
        resultaat = self._model(pad, model)
        return resultaat[2] if resultaat else None

    def _model(self, pad: Path, model: type[M]) -> tuple[str, YamlBron, M] | None:
        bestand = weergave_pad(pad)
        self.bestanden.append(bestand)
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
        try:
            return bestand, bron, model.model_validate(bron.data)
        except ValidationError as fout:
            self.problemen.extend(vertaal(fout, model, bestand, bron))
            return None


class _Controle:
    """The checks a single model cannot make: roles, anchors, templates, ids, durations against termijn."""

    def __init__(self, lezer: _Lezer, kalender: Kalender, rollen: Rollen) -> None:
        self.lezer, self.kalender, self.rollen = lezer, kalender, rollen
        self.sjablonen = sjablonen.omgeving(lezer.map)

    def proces(self, bestand: str, bron: YamlBron, proces: Proces, stam: str, ids: dict[str, str]) -> None:
        def meld(pad: Pad, bericht: str) -> None:
            self.lezer.problemen.append(probleem(bestand, bron, pad, bericht))

        if proces.id != stam:
            meld(("id",), f"'{proces.id}' past niet bij de bestandsnaam '{stam}'; noem het bestand {proces.id}.yaml")
        eerste = ids.setdefault(proces.id, bestand)
        if eerste != bestand:
            meld(("id",), f"'{proces.id}' is al het id van {eerste}")
        self._rol(meld, ("eigenaar",), proces.eigenaar)
        anker = getattr(proces.planning, "anker", None)
        if anker is not None and anker not in self.kalender.ankers:
            meld(
                ("planning", "anker"),
                f"onbekend anker '{anker}'{_suggestie(anker, self.kalender.ankers)} (de ankers staan in {KALENDER})",
            )
        if proces.stappen:
            self._stappen(meld, bron.data, proces.stappen)
        else:
            self._stap(meld, (), proces.alle_stappen[0])

    def _stappen(self, meld, data: dict[str, Any], stappen: list[Stap]) -> None:
        for veld in STAPVELDEN:
            if veld in data:
                meld((veld,), f"met stappen hoort '{veld}' in elke stap, niet op het proces")
        gezien: set[str] = set()
        for index, stap in enumerate(stappen):
            if stap.id is None:
                meld(("stappen", index, "id"), "verplicht, maar ontbreekt: elke stap heeft een id nodig")
            elif stap.id in gezien:
                meld(("stappen", index, "id"), f"'{stap.id}' is al het id van een andere stap van dit proces")
            gezien.add(stap.id or "")
            self._stap(meld, ("stappen", index), stap)

    def _stap(self, meld, pad: Pad, stap: Stap) -> None:
        if stap.termijn is None:
            meld(
                pad + ("termijn",),
                "verplicht, maar ontbreekt: hoe lang de ontvangers hebben om te antwoorden (bijv. P4W)",
            )
        if stap.voltooiing == "alle-antwoorden" and stap.doelgroep is None:
            meld(pad + ("doelgroep",), "verplicht als voltooiing alle-antwoorden is: wie moet er antwoorden?")
        for index, rol in enumerate(stap.doelgroep.rollen if stap.doelgroep else []):
            self._rol(meld, pad + ("doelgroep", "rollen", index), rol)
        if stap.escalatie and stap.escalatie.naar:
            self._rol(meld, pad + ("escalatie", "naar"), stap.escalatie.naar)
        if stap.termijn is not None:
            self._binnen_termijn(meld, pad, stap)
        for soort in ("verzoek", "herinnering", "escalatie"):
            fout = sjablonen.controleer(self.sjablonen, stap.sjablonen.naam(soort, stap.voltooiing))
            if fout:
                meld(pad + ("sjablonen", soort), fout)

    def _binnen_termijn(self, meld, pad: Pad, stap: Stap) -> None:
        termijn = stap.termijn
        for index, herinnering in enumerate(stap.herinneringen):
            if herinnering.ongeveer_dagen >= termijn.ongeveer_dagen:
                meld(
                    pad + ("herinneringen", index),
                    f"'{herinnering}' valt niet vóór de termijn '{termijn}': een herinnering komt vóór de deadline",
                )
        if stap.escalatie and stap.escalatie.na.ongeveer_dagen > termijn.ongeveer_dagen:
            meld(
                pad + ("escalatie", "na"),
                f"'{stap.escalatie.na}' valt na de termijn '{termijn}': dan is de ronde al gesloten",
            )

    def _rol(self, meld, pad: Pad, rol: str) -> None:
        if rol not in self.rollen.rollen:
            meld(pad, f"onbekende rol '{rol}'{_suggestie(rol, self.rollen.rollen)} (de rollen staan in {ROLLEN})")


def _suggestie(naam: str, bekend) -> str:
    gelijkend = difflib.get_close_matches(naam, list(bekend), n=1, cutoff=0.6)
    return f". Bedoelt u '{gelijkend[0]}'?" if gelijkend else ""


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
