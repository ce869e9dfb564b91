"""A real browser for the web tests: Debian's Chromium and chromedriver (installed with apt-get once, when
missing and this machine allows it), a fresh headless browser per test, and the axe-core scan."""

from __future__ import annotations

import pytest

from tests.web.hulp import leeg, omgeving
from testservers.browser import chromium
from testservers.smtp import Postbode, smtp_server


@pytest.fixture
def browser(melding):
    try:
        with chromium(melding=melding) as driver:
            yield driver
    except RuntimeError as fout:  # missing and not installable here: the message names the command to run
        pytest.fail(str(fout))


@pytest.fixture
def post():
    """A real SMTP server that keeps what it gets: (postbode, port)."""
    postbode = Postbode()
    with smtp_server(postbode) as controller:
        yield postbode, controller.port


@pytest.fixture
def omg(db_engine, catalogus, post):
    """The demo organisation on the test database, mailing through `post`; emptied afterwards."""
    yield omgeving(db_engine, catalogus, smtp_host="127.0.0.1", smtp_port=post[1], smtp_tls="geen")
    leeg(db_engine)
