"""The eigenaar's review (`/beoordelen`): proposals per person, old and new side by side; accept, edit and
accept, or send back with a remark. Only for a logged-in reviewer; which proposals they see is the use case's
decision (`diensten.voorstellen(omg, rollen)`: only those of the registers their roles own).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import diensten
from models.registers import TITELS
from web import invoer, registerformulier
from web.aanmelden import Aanmelding, huidige_persoon
from web.weergave import formulier, fout, nu, omgeving, toon

router = APIRouter()


def _niet_aangemeld(request: Request) -> Response:
    return RedirectResponse("/aanmelden", status_code=303)


@router.get("/beoordelen", response_class=HTMLResponse)
async def overzicht(request: Request, aanmelding: Annotated[Aanmelding | None, Depends(huidige_persoon)]) -> Response:
    if aanmelding is None:
        return _niet_aangemeld(request)
    voorstellen = await run_in_threadpool(diensten.voorstellen, omgeving(request), aanmelding.persoon.rolset)
    return toon(
        request,
        "beoordelen.html",
        titel="Beoordelen",
        aangemeld=aanmelding,
        sessie=aanmelding.sessie,
        voorstellen=voorstellen,
        titels=TITELS,
        velden=lambda register: registerformulier.velden(register, eigenaar=True),
        als_tekst=registerformulier.als_tekst,
        veld_id=registerformulier.veld_id,
        waarde=_waarde,
    )


def _waarde(versie: Any, naam: str) -> str:
    """A field of a version (a dict, a pydantic model or None) as text."""
    if versie is None:
        return ""
    waarde = versie.get(naam) if isinstance(versie, dict) else getattr(versie, naam, None)
    return registerformulier.als_tekst(waarde)


@router.post("/beoordelen/{voorstel}", response_class=HTMLResponse)
async def beslis(
    request: Request, voorstel: str, aanmelding: Annotated[Aanmelding | None, Depends(huidige_persoon)]
) -> Response:
    """One decision on one proposal: `besluit` is aanvaard (with the fields as possibly edited) or terug."""
    if aanmelding is None:
        return _niet_aangemeld(request)
    gegevens = await formulier(request, aanmelding.sessie)
    fouten: invoer.Fouten = {}
    omg, moment = omgeving(request), nu(request)
    if gegevens.get("besluit") == "terug":
        opmerking = invoer.tekst(
            gegevens, "opmerking", fouten, label="een opmerking voor de indiener", maximum=2000, verplicht=True
        )
        if fouten:
            return fout(request, 400, "Er is een probleem", next(iter(fouten.values())), aangemeld=aanmelding)
        await run_in_threadpool(
            diensten.stuur_terug, omg, voorstel=voorstel, door=aanmelding.persoon, opmerking=opmerking, nu=moment
        )
    else:
        velden = {
            k.removeprefix(f"voorstel-{voorstel}-"): v
            for k, v in gegevens.items()
            if k.startswith(f"voorstel-{voorstel}-")
        }
        try:
            await run_in_threadpool(
                diensten.aanvaard, omg, voorstel=voorstel, door=aanmelding.persoon, velden=velden or None, nu=moment
            )
        except diensten.OngeldigeInvoer as ongeldig:
            tekst = "; ".join(f"{veld}: {bericht}" for (_i, veld), bericht in ongeldig.fouten.items())
            return fout(request, 400, "Er is een probleem", tekst, aangemeld=aanmelding)
    return RedirectResponse("/beoordelen?klaar=1", status_code=303)
