"""The public registers under `/registers/`: the very files `integriteit publiceer` writes, for today
(`diensten.openbare_registers`), so the web app and the website show the same pages.

The export is made once and kept (`Registerexport`) until what it shows may have changed: another day, another
catalogue or database, or another `diensten.registerstand` (a new or reviewed register version, an answer, a
person added or changed). A request then costs a few aggregate queries, not the whole export."""

from __future__ import annotations

import mimetypes
import threading
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from engine import diensten
from engine.diensten import Omgeving
from models.werkdagen import TIJDZONE
from web.weergave import nu, omgeving

router = APIRouter()


class Registerexport:
    """The export of one day, kept with what it was made from; one request makes it while the others wait."""

    def __init__(self) -> None:
        self._van: tuple = ()
        self._bestanden: dict[str, bytes] = {}
        self._slot = threading.Lock()
        self.gemaakt = 0
        """How many times the export was made (a test's witness that a request reused it)."""

    def bestanden(self, omg: Omgeving, dag: date) -> dict[str, bytes]:
        van = (omg.engine, omg.catalogus, dag, diensten.registerstand(omg))
        with self._slot:
            if not self._van or any(a is not b and a != b for a, b in zip(self._van, van, strict=True)):
                self._bestanden = diensten.openbare_registers(omg, peildatum=dag)
                self._van = van
                self.gemaakt += 1
            return self._bestanden


_AANMAKEN = threading.Lock()


def registerexport(request: Request) -> Registerexport:
    """The app's kept export, made at its first use."""
    with _AANMAKEN:
        if not hasattr(request.app.state, "registerexport"):
            request.app.state.registerexport = Registerexport()
    return request.app.state.registerexport


@router.get("/registers")
def naar_index() -> Response:
    return RedirectResponse("/registers/", status_code=308)


@router.get("/registers/{pad:path}")
async def bestand(request: Request, pad: str) -> Response:
    omg, dag = omgeving(request), nu(request).astimezone(TIJDZONE).date()
    bestanden = await run_in_threadpool(registerexport(request).bestanden, omg, dag)
    pad = pad + "index.html" if pad == "" or pad.endswith("/") else pad
    if pad not in bestanden:
        raise HTTPException(404)
    soort = mimetypes.guess_type(pad)[0] or "application/octet-stream"
    return Response(bestanden[pad], media_type=f"{soort}; charset=utf-8" if soort.startswith("text/") else soort)
