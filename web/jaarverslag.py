"""The coordinator's pages for the jaarverslag: `/jaarcijfers` to record the anonymous figures the engine cannot
know (`diensten.leg_jaarcijfer_vast`), and `/jaarverslag/<jaar>/` for the draft report. Only for a logged-in
integriteitscoordinator; anyone else gets 403."""

from __future__ import annotations

import mimetypes
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import diensten
from models.jaarcijfers import CATEGORIEEN, OMSCHRIJVING_MAX
from web import invoer
from web.aanmelden import Aanmelding, alleen_voor_coordinator, huidige_persoon
from web.weergave import formulier, fout, nu, omgeving, toon

router = APIRouter()
Aangemeld = Annotated[Aanmelding | None, Depends(huidige_persoon)]


@router.get("/jaarcijfers", response_class=HTMLResponse)
async def jaarcijfers(request: Request, aanmelding: Aangemeld) -> Response:
    if (weigering := alleen_voor_coordinator(request, aanmelding)) is not None:
        return weigering
    jaar = request.query_params.get("jaar", "")
    return await _toon(request, aanmelding, int(jaar) if jaar.isdigit() else nu(request).year, {}, {}, status=200)


async def _toon(request, aanmelding, jaar: int, waarden: dict, fouten: dict, status: int) -> Response:
    omg = omgeving(request)
    lijst = await run_in_threadpool(lambda: diensten.jaarcijfers(omg, jaar=jaar))
    return toon(
        request,
        "jaarcijfers.html",
        status=status,
        titel="Jaarcijfers",
        aangemeld=aanmelding,
        sessie=aanmelding.sessie,
        jaar=jaar,
        cijfers=lijst,
        categorieen=CATEGORIEEN,
        waarden=waarden,
        fouten=fouten,
        maximum=OMSCHRIJVING_MAX,
        klaar=request.query_params.get("klaar") == "1",
    )


@router.post("/jaarcijfers", response_class=HTMLResponse)
async def leg_vast(request: Request, aanmelding: Aangemeld) -> Response:
    if (weigering := alleen_voor_coordinator(request, aanmelding)) is not None:
        return weigering
    gegevens = await formulier(request, aanmelding.sessie)
    fouten: invoer.Fouten = {}
    jaar, aantal = (_getal(gegevens, veld, fouten) for veld in ("jaar", "aantal"))
    categorie = gegevens.get("categorie") if gegevens.get("categorie") in CATEGORIEEN else None
    if categorie is None:
        fouten["categorie"] = "Kies een categorie."
    omschrijving = invoer.tekst(gegevens, "omschrijving", fouten, label="een omschrijving", maximum=OMSCHRIJVING_MAX)
    if not fouten:
        omg, moment, door = omgeving(request), nu(request), aanmelding.persoon.id
        try:
            await run_in_threadpool(
                lambda: diensten.leg_jaarcijfer_vast(
                    omg, jaar=jaar, categorie=categorie, aantal=aantal, omschrijving=omschrijving, nu=moment, door=door
                )
            )
        except diensten.OngeldigJaarcijfer as reden:
            fouten["omschrijving"] = str(reden)
    if fouten:
        waarden = {k: gegevens.get(k, "") for k in ("jaar", "categorie", "aantal", "omschrijving")}
        return await _toon(request, aanmelding, jaar or nu(request).year, waarden, fouten, status=400)
    return RedirectResponse(f"/jaarcijfers?klaar=1&jaar={jaar}", status_code=303)


def _getal(gegevens: dict, veld: str, fouten: invoer.Fouten) -> int | None:
    tekst = str(gegevens.get(veld, "")).strip()
    if not tekst.isdigit():
        fouten[veld] = "Vul een geheel getal in, 0 of meer."
        return None
    return int(tekst)


@router.get("/jaarverslag/{jaar}/{bestand}")
async def jaarverslag(request: Request, jaar: int, bestand: str, aanmelding: Aangemeld) -> Response:
    """The draft report of `jaar` (jaarverslag-<jaar>.html, .md) and its stylesheet, made on request."""
    if (weigering := alleen_voor_coordinator(request, aanmelding)) is not None:
        return weigering
    omg, moment = omgeving(request), nu(request)
    bestanden = await run_in_threadpool(lambda: diensten.jaarverslag_bestanden(omg, jaar=jaar, nu=moment))
    if bestand not in bestanden:
        return fout(request, 404, "Pagina niet gevonden", "Dit bestand hoort niet bij het jaarverslag.")
    soort = mimetypes.guess_type(bestand)[0] or "text/markdown"
    return Response(bestanden[bestand], media_type=f"{soort}; charset=utf-8")
