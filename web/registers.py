"""The public registers under `/registers/`: the very files `integriteit publiceer` writes, made on each request
for today (`diensten.openbare_registers`), so the web app and the website show the same pages."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from engine import diensten
from web.weergave import nu, omgeving

router = APIRouter()


@router.get("/registers")
def naar_index() -> Response:
    return RedirectResponse("/registers/", status_code=308)


@router.get("/registers/{pad:path}")
async def bestand(request: Request, pad: str) -> Response:
    omg, dag = omgeving(request), nu(request).date()
    bestanden = await run_in_threadpool(lambda: diensten.openbare_registers(omg, peildatum=dag))
    pad = pad + "index.html" if pad == "" or pad.endswith("/") else pad
    if pad not in bestanden:
        raise HTTPException(404)
    soort = mimetypes.guess_type(pad)[0] or "application/octet-stream"
    return Response(bestanden[pad], media_type=f"{soort}; charset=utf-8" if soort.startswith("text/") else soort)
