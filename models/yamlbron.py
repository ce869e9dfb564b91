"""Reading YAML with the line of every key kept, and duplicate keys refused (plain safe_load keeps the last)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Pad = tuple[str | int, ...]
_VOORLOOPNUL = re.compile(r"[-+]?0[0-7_]")


class _Yaml11Bewaakt:
    """SafeLoader's constructors without YAML 1.1's surprises: `10:30` stays text (not 630), a number with a
    leading zero such as an HR number `0123` stays text (not octal 83), and an impossible date such as 2027-02-30
    stays text, so validation names it with its place instead of crashing the reader."""

    def construct_yaml_int(self, knoop: yaml.ScalarNode):
        if ":" in knoop.value or _VOORLOOPNUL.match(knoop.value):
            return knoop.value
        return super().construct_yaml_int(knoop)

    def construct_yaml_timestamp(self, knoop: yaml.ScalarNode):
        try:
            return super().construct_yaml_timestamp(knoop)
        except ValueError:
            return knoop.value


class _Lader(_Yaml11Bewaakt, yaml.SafeLoader):
    """The specs' reader: PyYAML's own parser, whose error messages `lees_yaml` translates."""


class SnelleLader(_Yaml11Bewaakt, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same reading on libyaml's parser (five times faster), for files of thousands of rows: the persons
    import (engine/personen_bestand.py)."""


for _lader in (_Lader, SnelleLader):
    _lader.add_constructor("tag:yaml.org,2002:int", _lader.construct_yaml_int)
    _lader.add_constructor("tag:yaml.org,2002:timestamp", _lader.construct_yaml_timestamp)


class YamlFout(Exception):
    """The file is not readable YAML; `regel` is 1-based."""

    def __init__(self, regel: int, veld: str, bericht: str) -> None:
        super().__init__(bericht)
        self.regel, self.veld, self.bericht = regel, veld, bericht


@dataclass
class YamlBron:
    """A parsed YAML file: its data, and the line where each key or list item is written."""

    data: Any
    regels: dict[Pad, int] = field(default_factory=dict)

    def regel(self, pad: Pad) -> int:
        """The line of `pad`, or of its nearest written parent (a missing key points at its parent)."""
        for lengte in range(len(pad), -1, -1):
            if pad[:lengte] in self.regels:
                return self.regels[pad[:lengte]]
        return 1

    def veldnaam(self, pad: Pad) -> str:
        """`stappen[inventarisatie].termijn`: list items named by their id where they have one."""
        tekst, knoop = "", self.data
        for stuk in pad:
            if isinstance(stuk, int):
                item = knoop[stuk] if isinstance(knoop, list) and stuk < len(knoop) else None
                naam = item.get("id") if isinstance(item, dict) else None
                tekst += f"[{naam if isinstance(naam, str) else stuk}]"
                knoop = item
            else:
                tekst += f".{stuk}" if tekst else str(stuk)
                knoop = knoop.get(stuk) if isinstance(knoop, dict) else None
        return tekst or "(bestand)"


def lees_yaml(pad: Path) -> YamlBron:
    """Parse `pad`; raises YamlFout for syntax errors, duplicate keys and multiple documents."""
    tekst = pad.read_text(encoding="utf-8")
    try:
        knoop = yaml.compose(tekst, Loader=_Lader)
        data = yaml.load(tekst, Loader=_Lader)  # noqa: S506 - _Lader is a SafeLoader
    except yaml.MarkedYAMLError as fout:
        markering = fout.problem_mark or fout.context_mark
        regel = markering.line + 1 if markering else 1
        uitleg = _probleem(fout.problem) or _probleem(fout.context) or _ONBEGREPEN
        if fout.context and fout.context_mark and markering and fout.context_mark.line != markering.line:
            plaats = _YAML_CONTEXTEN.get(fout.context.strip())
            if plaats:
                uitleg += f" ({plaats.format(regel=fout.context_mark.line + 1)})"
        raise YamlFout(regel, "yaml", f"geen geldige YAML: {uitleg}") from None
    except yaml.reader.ReaderError as fout:
        raise YamlFout(1, "yaml", f"geen geldige YAML: {_teken(fout)}") from None
    except yaml.YAMLError:
        raise YamlFout(1, "yaml", f"geen geldige YAML: {_ONBEGREPEN}") from None
    bron = YamlBron(data=data)
    if knoop is not None:
        _noteer(knoop, (), bron)
    return bron


_ONBEGREPEN = "de opbouw klopt hier niet (let op inspringing, dubbele punten, haakjes en aanhalingstekens)"

_TOKENS = {
    "<block end>": "het einde van het blok",
    "<block mapping start>": "een nieuwe sleutel",
    "<block sequence start>": "een nieuwe lijst",
    "<block entry>": "een lijstregel ('- ')",
    "<scalar>": "een waarde",
    "<document start>": "het begin van een document ('---')",
    "<document end>": "het einde van een document ('...')",
    "<stream end>": "het einde van het bestand",
    "<alias>": "een verwijzing ('*')",
    "<anchor>": "een anker ('&')",
    "<tag>": "een tag ('!')",
    "<directive>": "een directive ('%')",
    "?": "een nieuwe sleutel",
}
"""PyYAML's token names (`%r` of `token.id`) as a coordinator reads them."""

_YAML_PROBLEMEN: list[tuple[str, str]] = [
    (r"expected ',' or '(.)', but got (.+)", "verwacht ',' of '{0}', maar vond {1}"),
    (
        r"expected <block end>, but found (.+)",
        "de inspringing klopt niet: verwacht het einde van het blok, maar vond {0}",
    ),
    (r"expected the node content, but found (.+)", "verwacht een waarde, maar vond {0}"),
    (r"expected '<document start>', but found (.+)", "verwacht het begin van een document ('---'), maar vond {0}"),
    (r"could not find expected ':'", "verwacht ':' na de sleutel"),
    (
        r"mapping values are not allowed here",
        "hier mag geen ':' staan; klopt de inspringing? Een waarde met een dubbele punt zet u tussen aanhalingstekens",
    ),
    (r"mapping keys are not allowed here", "hier mag geen '?' staan"),
    (r"found character '\\t' that cannot start any token", "gebruik spaties om in te springen, geen tabs"),
    (r"found character (.+) that cannot start any token", "teken {0} mag hier niet staan"),
    (
        r"found unexpected end of stream",
        "het bestand houdt op voordat het aanhalingsteken is gesloten",
    ),
    (r"found unexpected document separator", "'---' midden in tekst tussen aanhalingstekens"),
    (
        r"found unknown escape character (.+)",
        "onbekend teken na '\\': {0}; gebruik enkele aanhalingstekens als de tekst een '\\' bevat",
    ),
    (r"found undefined alias '(.+)'", "onbekende verwijzing '*{0}': er staat nergens '&{0}'"),
    (r"found duplicate anchor '(.+?)';.*", "'&{0}' staat er twee keer"),
    (r"could not determine a constructor for the tag (.+)", "onbekende tag {0}"),
    (r"but found another document", "het bestand bevat meer dan één document ('---'); zet elk in een eigen bestand"),
    (r"found unhashable key", "een lijst of blok kan geen sleutel zijn"),
]
"""PyYAML's problems in Dutch; `{n}` is the n-th group of the pattern, token names translated."""

_YAML_CONTEXTEN = {
    "while parsing a flow sequence": "in de lijst tussen [ ] die op regel {regel} begint",
    "while parsing a flow mapping": "in het blok tussen {{ }} dat op regel {regel} begint",
    "while parsing a block mapping": "in het blok dat op regel {regel} begint",
    "while parsing a block collection": "in de lijst die op regel {regel} begint",
    "while parsing a block node": "in het blok dat op regel {regel} begint",
    "while parsing a flow node": "in de waarde op regel {regel}",
    "while scanning a simple key": "bij de sleutel op regel {regel}",
    "while scanning a quoted scalar": "in de tekst tussen aanhalingstekens vanaf regel {regel}",
    "while scanning a double-quoted scalar": "in de tekst tussen aanhalingstekens vanaf regel {regel}",
    "while scanning a block scalar": "in het tekstblok (| of >) vanaf regel {regel}",
}
"""Where PyYAML was when it failed, when that is another line than the problem's."""


def _probleem(tekst: str | None) -> str | None:
    for patroon, uitleg in _YAML_PROBLEMEN:
        if m := re.fullmatch(patroon, (tekst or "").strip()):
            return uitleg.format(*(_TOKENS.get(g.strip("'\""), g) for g in m.groups()))
    return None


def _teken(fout: yaml.reader.ReaderError) -> str:
    if isinstance(fout.character, bytes):
        return f"het bestand is geen UTF-8-tekst (byte {fout.position + 1}); sla het op als UTF-8"
    return f"het bestand bevat een teken dat niet mag (#x{fout.character:04x} op positie {fout.position + 1})"


def _noteer(knoop: yaml.Node, pad: Pad, bron: YamlBron) -> None:
    regels = bron.regels
    regels.setdefault(pad, knoop.start_mark.line + 1)
    if isinstance(knoop, yaml.MappingNode):
        gezien: dict[str, int] = {}
        for sleutel, waarde in knoop.value:
            naam, regel = str(sleutel.value), sleutel.start_mark.line + 1
            if naam in gezien:
                raise YamlFout(
                    regel,
                    bron.veldnaam(pad + (naam,)),
                    f"sleutel '{naam}' staat er twee keer (eerst op regel {gezien[naam]}); laat er één staan",
                )
            gezien[naam] = regel
            regels[pad + (naam,)] = regel
            _noteer(waarde, pad + (naam,), bron)
    elif isinstance(knoop, yaml.SequenceNode):
        for index, item in enumerate(knoop.value):
            _noteer(item, pad + (index,), bron)
