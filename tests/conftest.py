"""Shared fixtures: the project's own catalogue, loaded once."""

from __future__ import annotations

import pytest

from engine.catalogus import STANDAARD_MAP, Catalogus, laad_catalogus


@pytest.fixture(scope="session")
def catalogus() -> Catalogus:
    return laad_catalogus(STANDAARD_MAP)
