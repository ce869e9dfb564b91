"""Reading YAML with the line of every key kept, and duplicate keys refused (plain safe_load keeps the last)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Pad = tuple[str | int, ...]


class _Lader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1's surprises: `10:30` stays text (not 630), and an impossible date
    such as 2027-02-30 stays text, so validation names it with its line instead of crashing the reader."""

    def construct_yaml_int(self, knoop: yaml.ScalarNode):
        return knoop.value if ":" in knoop.value else super().construct_yaml_int(knoop)

    def construct_yaml_timestamp(self, knoop: yaml.ScalarNode):
        try:
            return super().construct_yaml_timestamp(knoop)
        except ValueError:
            return knoop.value


_Lader.add_constructor("tag:yaml.org,2002:int", _Lader.construct_yaml_int)
_Lader.add_constructor("tag:yaml.org,2002:timestamp", _Lader.construct_yaml_timestamp)


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
        uitleg = fout.problem or fout.context
        if fout.context and fout.context_mark and markering and fout.context_mark.line != markering.line:
            uitleg += f" ({fout.context} from line {fout.context_mark.line + 1})"
        raise YamlFout(regel, "yaml", f"not valid YAML: {uitleg}") from None
    except yaml.YAMLError as fout:
        raise YamlFout(1, "yaml", f"not valid YAML: {fout}") from None
    bron = YamlBron(data=data)
    if knoop is not None:
        _noteer(knoop, (), bron)
    return bron


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
                    f"duplicate key '{naam}' (first written on line {gezien[naam]})",
                )
            gezien[naam] = regel
            regels[pad + (naam,)] = regel
            _noteer(waarde, pad + (naam,), bron)
    elif isinstance(knoop, yaml.SequenceNode):
        for index, item in enumerate(knoop.value):
            _noteer(item, pad + (index,), bron)
