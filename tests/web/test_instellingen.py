"""The web app refuses settings that cannot be trusted with real mail."""

from __future__ import annotations

import pytest

from models.gebruikersfouten import Configuratiefout
from models.instellingen import Instellingen, controleer_basis_url
from web.beveiliging import geheim


def test_real_mail_with_links_to_localhost_is_refused_in_dutch():
    with pytest.raises(Configuratiefout, match="INTEGRITEIT_BASIS_URL is http://localhost:8000"):
        controleer_basis_url(Instellingen(smtp_host="smtp.example", basis_url="http://localhost:8000"))
    controleer_basis_url(Instellingen(smtp_host="smtp.example", basis_url="https://integriteit.example"))
    controleer_basis_url(Instellingen(basis_url="http://127.0.0.1:8000"))  # no real mail: fine


def test_real_mail_needs_a_signing_key_of_its_own():
    with pytest.raises(Configuratiefout, match="INTEGRITEIT_GEHEIM ontbreekt"):
        geheim(Instellingen(smtp_host="smtp.example"))
    with pytest.raises(Configuratiefout, match="te kort"):
        geheim(Instellingen(smtp_host="smtp.example", geheim="kort"))
    assert geheim(Instellingen(smtp_host="smtp.example", geheim="k" * 32)) == "k" * 32
    ontwikkeling = geheim(Instellingen())
    assert len(ontwikkeling) >= 32 and geheim(Instellingen()) == ontwikkeling  # one per process
