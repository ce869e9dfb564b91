"""The JSON Schemas editors use to complete and check specs, generated from the pydantic models.

Regenerate after changing a model: `uv run python -m models.schema` (a test fails while they differ).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from models.kalender import Kalender, Rollen
from models.proces import Proces
from models.publicatie import Publicatieregels

MAP = Path(__file__).resolve().parents[1] / "schema"
MODELLEN: dict[str, type[BaseModel]] = {
    "proces.schema.json": Proces,
    "kalender.schema.json": Kalender,
    "rollen.schema.json": Rollen,
    "publicatie.schema.json": Publicatieregels,
}


def als_tekst(model: type[BaseModel]) -> str:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def schrijf(map: Path = MAP) -> list[Path]:
    map.mkdir(exist_ok=True)
    geschreven = []
    for naam, model in MODELLEN.items():
        (map / naam).write_text(als_tekst(model), encoding="utf-8")
        geschreven.append(map / naam)
    return geschreven


if __name__ == "__main__":
    for pad in schrijf():
        print(pad)
