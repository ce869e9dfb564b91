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


@lru_cache
def instellingen() -> Instellingen:
    return Instellingen()
