"""The floors import one way: models <- notifications <- engine <- the shells (cli, flows, web).

`models/` imports nothing of the project above it, `notifications/` only `models/`, `engine/` no shell and no
Prefect, typer or web framework. Read from the source with `ast`, so a new upward import fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
VERDIEPING = {"models": 0, "notifications": 1, "engine": 2, "cli": 3, "flows": 3, "web": 3}
VREEMD_VOOR_DE_KERN = {"prefect", "typer", "click", "fastapi", "starlette", "uvicorn"}


def imports(pad: Path) -> list[tuple[int, str]]:
    """(line, top-level module) of every import in the file, including those inside functions."""
    gevonden = []
    for knoop in ast.walk(ast.parse(pad.read_text(encoding="utf-8"))):
        if isinstance(knoop, ast.Import):
            gevonden += [(knoop.lineno, alias.name) for alias in knoop.names]
        elif isinstance(knoop, ast.ImportFrom) and knoop.level == 0 and knoop.module:
            gevonden.append((knoop.lineno, knoop.module))
    return gevonden


def bestanden(*mappen: str) -> list[Path]:
    return sorted(p for m in mappen for p in (PROJECT / m).rglob("*.py") if "migraties" not in p.parts)


@pytest.mark.parametrize("pad", bestanden(*VERDIEPING), ids=lambda p: str(p.relative_to(PROJECT)))
def test_no_floor_imports_from_a_floor_above_it(pad):
    eigen = VERDIEPING[pad.relative_to(PROJECT).parts[0]]
    omhoog = [
        f"{pad.relative_to(PROJECT)}:{regel}: imports {module}"
        for regel, module in imports(pad)
        if VERDIEPING.get(module.split(".")[0], -1) > eigen
    ]
    assert omhoog == []


@pytest.mark.parametrize(
    "pad", bestanden("models", "notifications", "engine"), ids=lambda p: str(p.relative_to(PROJECT))
)
def test_the_core_imports_no_shell_framework(pad):
    vreemd = [f"{regel}: {module}" for regel, module in imports(pad) if module.split(".")[0] in VREEMD_VOOR_DE_KERN]
    assert vreemd == []


REGISTERKAMERS = ["fouten", "versies", "stand", "invoer", "pagina", "beoordeling"]
"""The modules of engine/registers/, lowest first: each imports only those before it (see its docstring)."""


def kamers_geimporteerd(pad: Path) -> list[tuple[int, str]]:
    """(line, module of engine/registers/) of every import of one in the file."""
    gevonden = imports(pad)
    for knoop in ast.walk(ast.parse(pad.read_text(encoding="utf-8"))):
        if isinstance(knoop, ast.ImportFrom) and knoop.level == 0 and knoop.module == "engine.registers":
            gevonden += [(knoop.lineno, f"engine.registers.{alias.name}") for alias in knoop.names]
    return [(regel, m.split(".")[2]) for regel, m in gevonden if m.startswith("engine.registers.")]


def test_every_register_module_has_its_place_in_the_order():
    kamers = {p.stem for p in (PROJECT / "engine" / "registers").glob("*.py")} - {"__init__"}
    assert kamers == set(REGISTERKAMERS), "add the new module of engine/registers/ to REGISTERKAMERS, in its place"


@pytest.mark.parametrize("kamer", REGISTERKAMERS)
def test_the_register_modules_import_downward_only(kamer):
    pad = PROJECT / "engine" / "registers" / f"{kamer}.py"
    eigen = REGISTERKAMERS.index(kamer)
    omhoog = [
        f"engine/registers/{kamer}.py:{regel}: imports engine.registers.{andere}, not below it in "
        f"the order {' < '.join(REGISTERKAMERS)}"
        for regel, andere in kamers_geimporteerd(pad)
        if andere not in REGISTERKAMERS[:eigen]
    ]
    assert omhoog == []
