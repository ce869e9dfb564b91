"""Real mail servers for the tests: aiosmtpd for SMTP, Debian's Dovecot for IMAP (installed with apt-get when
missing and this machine allows it)."""

from __future__ import annotations

import pytest

from testservers.benodigdheden import zorg_voor_dovecot
from testservers.dovecot import dovecot
from testservers.smtp import Postbode
from testservers.smtp import smtp_server as start_smtp


@pytest.fixture
def smtp_server():
    postbode = Postbode()
    with start_smtp(postbode) as controller:
        yield controller, postbode


@pytest.fixture(scope="session")
def imap_server(melding):
    try:
        zorg_voor_dovecot(melding)
        with dovecot() as server:
            yield server
    except RuntimeError as fout:
        pytest.fail(str(fout))
