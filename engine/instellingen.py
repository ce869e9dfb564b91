"""Configuration: every setting is an `INTEGRITEIT_` environment variable, read here and nowhere else."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.catalogus import STANDAARD_MAP


class Instellingen(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTEGRITEIT_", extra="ignore")

    processen: Path = Field(STANDAARD_MAP, description="Folder of process specs (kalender.yaml, rollen.yaml beside).")
    database_url: str = Field("sqlite:///data/integriteit.db", description="SQLAlchemy URL of the engine's database.")
    basis_url: str = Field("http://127.0.0.1:8000", description="Base address of the personal answer forms.")
    afzender_naam: str = Field("Integriteitscoördinator Provincie Utrecht", description="Who signs the messages.")


@lru_cache
def instellingen() -> Instellingen:
    return Instellingen()
