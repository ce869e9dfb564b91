"""The eigenaar's review (`/beoordelen`): proposals per person, old and new side by side; accept, edit and
accept, or send back with a remark. Only for a logged-in reviewer, and only the proposals their roles review
(`diensten.voorstellen`: the processen they are eigenaar of; the integriteitscoordinator sees all); the use
cases refuse a decision on any other (`GeenBevoegdheid`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import diensten
from engine.registers import AlBeoordeeld, GeenBevoegdheid, OnbekendVoorstel, OngeldigeInvoer
from web import invoer, registerformulier
from web.aanmelden import Aanmelding, huidige_persoon
from web.weergave import formulier, fout, nu, omgeving, toon

router = APIRouter()
Aangemeld = Annotated[Aanmelding | None, Depends(huidige_persoon)]


@router.get("/beoordelen", response_class=HTMLResponse)
async def overzicht(request: Request, aanmelding: Aangemeld) -> Response:
    if aanmelding is None:
        return RedirectResponse("/aanmelden", status_code=303)
    omg = omgeving(request)
    lijst = await run_in_threadpool(lambda: diensten.voorstellen(omg, rollen=aanmelding.persoon.rolset))
    return toon(
        request,
        "beoordelen.html",
        titel="Beoordelen",
        aangemeld=aanmelding,
        sessie=aanmelding.sessie,
        voorstellen=sorted(lijst, key=lambda v: (v.naam, v.nieuw.persoon_id, v.nieuw.id)),
        velden=lambda register: registerformulier.velden(register, eigenaar=True),
        waarde=_waarde,
        klaar=request.query_params.get("klaar") == "1",
    )


def _waarde(versie: Any, naam: str) -> str:
    """A field of a version (or of none) as the form shows it."""
    if versie is None or not versie.velden:
        return ""
    return registerformulier.als_tekst(versie.velden.get(naam))


@router.post("/beoordelen/{versie_id}", response_class=HTMLResponse)
async def beslis(request: Request, versie_id: int, aanmelding: Aangemeld) -> Response:
    """One decision on one proposal: `besluit` is aanvaard (with the fields as shown, perhaps edited) or terug."""
    if aanmelding is None:
        return RedirectResponse("/aanmelden", status_code=303)
    gegevens = await formulier(request, aanmelding.sessie)
    omg, moment, door = omgeving(request), nu(request), aanmelding.persoon.id
    try:
        if gegevens.get("besluit") == "terug":
            fouten: invoer.Fouten = {}
            opmerking = invoer.tekst(
                gegevens, f"opmerking-{versie_id}", fouten, label="een opmerking", maximum=2000, verplicht=True
            )
            if fouten:
                return _probleem(request, aanmelding, next(iter(fouten.values())))
            await run_in_threadpool(
                lambda: diensten.stuur_terug(
                    omg, versie_id=versie_id, door_persoon_id=door, opmerking=opmerking, nu=moment
                )
            )
        else:
            voorvoegsel = f"voorstel-{versie_id}-"
            velden = {k.removeprefix(voorvoegsel): v for k, v in gegevens.items() if k.startswith(voorvoegsel)}
            await run_in_threadpool(
                lambda: diensten.aanvaard(omg, versie_id=versie_id, door_persoon_id=door, nu=moment, velden=velden)
            )
    except OngeldigeInvoer as ongeldig:
        return _probleem(request, aanmelding, "; ".join(ongeldig.fouten.values()))
    except (AlBeoordeeld, OnbekendVoorstel) as reden:
        return _probleem(request, aanmelding, str(reden), status=409)
    except GeenBevoegdheid:
        return _probleem(request, aanmelding, "Dit voorstel beoordeelt u niet.", status=403)
    return RedirectResponse("/beoordelen?klaar=1", status_code=303)


def _probleem(request: Request, aanmelding: Aanmelding, tekst: str, status: int = 400) -> HTMLResponse:
    return fout(request, status, "Er is een probleem", f"Er is niets vastgelegd: {tekst}", aangemeld=aanmelding)
