"""A real browser for the web tests: Debian's Chromium and chromedriver (installed with apt-get once, when
missing and this machine allows it), a fresh headless browser per test, and the axe-core scan."""

from __future__ import annotations

import pytest

from testservers.benodigdheden import zorg_voor_chromium
from testservers.browser import chromium


@pytest.fixture(scope="session")
def chromium_paden(melding) -> dict[str, str]:
    try:
        return zorg_voor_chromium(melding)
    except RuntimeError as fout:
        pytest.fail(str(fout))


@pytest.fixture
def browser(chromium_paden):
    with chromium(chromium_paden["chromium"], chromium_paden["chromedriver"]) as driver:
        yield driver
