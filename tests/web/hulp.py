"""What the web tests share: the environment on the test database with the demo organisation, a client of the
real app on a fixed clock, a verzoek's token, the CSRF token of a page, and a real SMTP server for the links."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel, select

from engine import diensten
from engine.diensten import Omgeving
from models.instellingen import Instellingen
from models.tabellen import Persoon, Ronde, Verzoek
from models.werkdagen import TIJDZONE
from web.app import maak_app

START = datetime(2027, 2, 1, 10, tzinfo=TIJDZONE)
GEHEIM = "test-geheim-" + "x" * 32
SCRIPT = "<script>alert(1)</script>"


def omgeving(db_engine, catalogus, **instellingen) -> Omgeving:
    inst = Instellingen(basis_url="http://testserver", geheim=GEHEIM, **instellingen)
    omg = Omgeving(db_engine, catalogus, inst)
    diensten.importeer_personen(omg, bestand=None, nu=START)
    return omg


def leeg(db_engine) -> None:
    with db_engine.begin() as c:
        for tabel in reversed(SQLModel.metadata.sorted_tables):
            c.execute(tabel.delete())


def klant(omg: Omgeving, moment: datetime = START, **opties) -> TestClient:
    app = maak_app(lambda: omg, klok=lambda: moment, **opties)
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


def token(omg: Omgeving, proces: str = "integriteit-in-werkoverleg", nu: datetime = START) -> str:
    """The token of the first verzoek of the ronde of `proces` that starts at `nu`."""
    diensten.start_ronde(omg, proces=proces, nu=nu, verzenden=False)
    with Session(omg.engine) as s:
        ronde = s.exec(select(Ronde).where(Ronde.proces == proces)).one()
        return s.exec(select(Verzoek.token).where(Verzoek.ronde_id == ronde.id).order_by(Verzoek.id)).first()


def met_rol(omg: Omgeving, rol: str, *, alleen: bool = False) -> Persoon:
    """The first person with role `rol` (`alleen`: and no other)."""
    with Session(omg.engine) as s:
        personen = s.exec(select(Persoon).order_by(Persoon.id))
        return next(p for p in personen if (p.rolset == {rol} if alleen else rol in p.rolset))


def csrf(html: str, actie: str | None = None) -> str:
    """The CSRF token of the form that posts to `actie`; without it, of the page's last form (its main one: a
    personal page offers "Er is niets veranderd" in a form above it)."""
    formulieren = re.findall(
        r'<form[^>]*action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"', html
    )
    if actie is not None:
        return dict(formulieren)[actie]
    return formulieren[-1][1] if formulieren else re.search(r'name="csrf" value="([^"]+)"', html)[1]
