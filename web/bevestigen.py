"""The eigenaar's confirmations (`/bevestigen`): the stappen waiting for the logged-in person's confirmation, and
a form per stap with the date and reference of the decision, recorded in their name. The same stap waits in the
Prefect UI (its form links here); whichever is used first wins, the other says it is done already.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import bevestigingen, diensten
from engine.antwoorden import AlBevestigd, OnbekendVerzoek
from engine.registers.fouten import GeenBevoegdheid
from web import invoer
from web.aanmelden import Aanmelding, huidige_persoon
from web.weergave import formulier, fout, nu, omgeving, toon

router = APIRouter()
Aangemeld = Annotated[Aanmelding | None, Depends(huidige_persoon)]
PAD = bevestigingen.PAD


@router.get(PAD, response_class=HTMLResponse)
async def overzicht(request: Request, aanmelding: Aangemeld) -> Response:
    if aanmelding is None:
        return RedirectResponse("/aanmelden", status_code=303)
    lijst = await _wachtend(request, aanmelding)
    return toon(
        request,
        "bevestigen.html",
        titel="Bevestigen",
        aangemeld=aanmelding,
        sessie=aanmelding.sessie,
        wachtend=lijst,
        klaar=request.query_params.get("klaar") == "1",
    )


@router.get(PAD + "/{ronde_id}", response_class=HTMLResponse)
async def formulier_vraag(request: Request, ronde_id: int, aanmelding: Aangemeld) -> Response:
    if aanmelding is None:
        return RedirectResponse("/aanmelden", status_code=303)
    stap = await _stap(request, aanmelding, ronde_id)
    if stap is None:
        return _al_gedaan(request, aanmelding)
    return _formulier(request, aanmelding, stap, {"datum": invoer.datumvelden("datum", None), "kenmerk": ""}, {})


@router.post(PAD + "/{ronde_id}", response_class=HTMLResponse)
async def bevestig(request: Request, ronde_id: int, aanmelding: Aangemeld) -> Response:
    if aanmelding is None:
        return RedirectResponse("/aanmelden", status_code=303)
    gegevens = await formulier(request, aanmelding.sessie)
    fouten: invoer.Fouten = {}
    datum = invoer.datum(gegevens, "datum", fouten, label="de datum", verplicht=True)
    kenmerk = invoer.tekst(gegevens, "kenmerk", fouten, label="het kenmerk", maximum=200)
    stap = await _stap(request, aanmelding, ronde_id)
    if stap is None:
        return _al_gedaan(request, aanmelding)
    if fouten:
        waarden = {"datum": invoer.datumvelden("datum", None, gegevens), "kenmerk": kenmerk}
        return _formulier(request, aanmelding, stap, waarden, fouten, status=400)
    omg, moment = omgeving(request), nu(request)
    try:
        await run_in_threadpool(
            lambda: diensten.bevestig_als(
                omg, ronde_id=ronde_id, persoon_id=aanmelding.persoon.id, nu=moment, datum=datum, kenmerk=kenmerk
            )
        )
    except AlBevestigd:
        return _al_gedaan(request, aanmelding)
    except (GeenBevoegdheid, OnbekendVerzoek):
        return fout(request, 403, "Geen toegang", "Deze stap bevestigt u niet.", aangemeld=aanmelding)
    return RedirectResponse(f"{PAD}?klaar=1", status_code=303)


async def _wachtend(request: Request, aanmelding: Aanmelding) -> list:
    omg = omgeving(request)
    return await run_in_threadpool(lambda: diensten.wachtende_bevestigingen_voor(omg, persoon_id=aanmelding.persoon.id))


async def _stap(request: Request, aanmelding: Aanmelding, ronde_id: int):
    """The waiting stap of this ronde, if it waits for this person; None when it is done (or not theirs)."""
    return next((w for w in await _wachtend(request, aanmelding) if w.ronde_id == ronde_id), None)


def _formulier(request, aanmelding, stap, waarden: dict, fouten: invoer.Fouten, status: int = 200) -> HTMLResponse:
    return toon(
        request,
        "bevestigingsformulier.html",
        status=status,
        titel=f"Bevestigen: {stap.titel}",
        aangemeld=aanmelding,
        sessie=aanmelding.sessie,
        stap=stap,
        waarden=waarden,
        fouten=fouten,
    )


def _al_gedaan(request: Request, aanmelding: Aanmelding) -> HTMLResponse:
    return fout(
        request,
        409,
        "Deze stap is al bevestigd",
        "Deze stap is al bevestigd (hier, in Prefect of met `integriteit bevestig`) of afgesloten; er is niets "
        "vastgelegd. Zie de stappen die nog op u wachten onder Bevestigen.",
        aangemeld=aanmelding,
    )
