"""The coordinator's overview as a Dutch page, `/overzicht`: the same report as the Prefect artifact `openstaand`
(engine.overzicht.openstaand), for the coordinator, since the Prefect UI is English. Late rondes first, stappen
that wait for a confirmation and who gives it (with a link to the form in Prefect when a Prefect server is set),
rondes closed with people who never answered (`/overzicht/ronde/<id>` names them), missed rondes and how to start
them, proposals per eigenaar. Only for a logged-in integriteitscoordinator; the coordinator lands here after
logging in.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import diensten
from web.aanmelden import Aanmelding, alleen_voor_coordinator, huidige_persoon
from web.beveiliging import log
from web.weergave import fout, nu, omgeving, toon

router = APIRouter()
Aangemeld = Annotated[Aanmelding | None, Depends(huidige_persoon)]


@router.get("/overzicht", response_class=HTMLResponse)
async def overzicht(request: Request, aanmelding: Aangemeld) -> Response:
    if (weigering := alleen_voor_coordinator(request, aanmelding)) is not None:
        return weigering
    omg, moment = omgeving(request), nu(request)
    rapport = await run_in_threadpool(lambda: diensten.openstaand(omg, moment))
    formulieren = await run_in_threadpool(formulieren_in_prefect) if rapport.bevestigingen else {}
    return toon(
        request,
        "overzicht.html",
        titel="Overzicht",
        aangemeld=aanmelding,
        sessie=aanmelding.sessie,
        o=rapport,
        formulieren=formulieren,
    )


@router.get("/overzicht/ronde/{ronde_id}", response_class=HTMLResponse)
async def niet_geantwoord(request: Request, ronde_id: int, aanmelding: Aangemeld) -> Response:
    """Who never answered a closed ronde, by name."""
    if (weigering := alleen_voor_coordinator(request, aanmelding)) is not None:
        return weigering
    omg = omgeving(request)
    lijst = await run_in_threadpool(lambda: diensten.niet_geantwoord(omg, ronde_id=ronde_id))
    if lijst is None:
        return fout(request, 404, "Pagina niet gevonden", "Deze ronde bestaat niet, of is niet verlopen.")
    return toon(
        request,
        "niet_geantwoord.html",
        titel=f"Niet geantwoord: {lijst.ronde.titel}",
        aangemeld=aanmelding,
        sessie=aanmelding.sessie,
        lijst=lijst,
    )


def formulieren_in_prefect() -> dict[int, str]:
    """Ronde id -> the address of its waiting confirmation form in the Prefect UI. Nothing when no Prefect server
    is set or it does not answer within seconds: the page then says how else to confirm."""
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL  # only here: the page needs no Prefect otherwise

    if not PREFECT_API_URL.value():
        return {}  # asking would start a temporary Prefect server of its own
    try:
        from flows.bevestiging import formulieren
        from flows.overzicht import Links

        links = Links(ui=PREFECT_UI_URL.value() or "", web="")
        return {ronde_id: links.run(run) for ronde_id, run in formulieren(httpx_settings={"timeout": 5}).items()}
    except Exception as reden:  # noqa: BLE001 - Prefect away: the overview still shows, without the links
        log.warning("De formulieren in Prefect zijn niet op te vragen: %s", reden)
        return {}
