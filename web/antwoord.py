"""A recipient's personal page (`/antwoord/<token>`, the link in every verzoek) and the one-click "geen
wijzigingen" (`/antwoord/<token>/geen-wijzigingen`).

A link in a mail only shows: mail scanners open every link, so a GET never records anything; the buttons post.
An unknown token counts as a guess (`Pogingenteller`); too many from one address gets 429 before any lookup.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import diensten
from engine.antwoorden import Invoer, OnbekendVerzoek
from web import invoer
from web.weergave import formulier, fout, klant, nu, omgeving, staat, te_veel, toon

router = APIRouter()
KANAAL = "formulier"


async def _formulier_of_fout(request: Request, token: str) -> diensten.Antwoordformulier | Response:
    """The verzoek's page data, or the page that says why there is none (429, 404, 410)."""
    teller, adres = staat(request).pogingen, klant(request)
    if teller.geblokkeerd(adres):
        return te_veel(request)
    try:
        beeld = await run_in_threadpool(diensten.antwoordformulier, omgeving(request), token=token, nu=nu(request))
    except OnbekendVerzoek:
        teller.mislukt(adres, f"onbekend token op {request.url.path[:60]}")
        return fout(
            request,
            404,
            "Deze link kennen we niet",
            "Deze link hoort bij geen enkel verzoek. Controleer of u de hele link uit de e-mail heeft gebruikt; "
            "soms breekt een e-mailprogramma een lange link af.",
            link_aanvragen=True,
        )
    if beeld.verlopen:
        return fout(
            request,
            410,
            "Deze ronde is gesloten",
            f"De ronde '{beeld.titel}' is gesloten; via deze link kunt u niets meer doorgeven. Wilt u nog iets "
            f"melden of wijzigen? Neem dan contact op met de {beeld.eigenaar}.",
            link_aanvragen=True,
        )
    return beeld


@router.get("/antwoord/{token}", response_class=HTMLResponse)
async def pagina(request: Request, token: str) -> Response:
    beeld = await _formulier_of_fout(request, token)
    if isinstance(beeld, Response):
        return beeld
    return _toon_pagina(request, beeld)


def _toon_pagina(request: Request, beeld, fouten=None, gegevens=None, status: int = 200) -> HTMLResponse:
    laatste = beeld.laatste
    return toon(
        request,
        "antwoord.html",
        status=status,
        titel=beeld.titel,
        beeld=beeld,
        fouten=fouten or {},
        tekst=(gegevens or {}).get("tekst", laatste.tekst if laatste and laatste.tekst else ""),
        kenmerk=(gegevens or {}).get("kenmerk", laatste.kenmerk if laatste and laatste.kenmerk else ""),
        datum=invoer.datumvelden("datum", laatste.datum if laatste else None, gegevens),
        ontvangen=request.query_params.get("ontvangen") == "1",
    )


@router.post("/antwoord/{token}", response_class=HTMLResponse)
async def leg_vast(request: Request, token: str) -> Response:
    beeld = await _formulier_of_fout(request, token)
    if isinstance(beeld, Response):
        return beeld
    gegevens = await formulier(request)
    fouten: invoer.Fouten = {}
    bevestiging = beeld.voltooiing == "bevestiging"
    datum = invoer.datum(gegevens, "datum", fouten, label="de datum", verplicht=bevestiging)
    kenmerk = invoer.tekst(gegevens, "kenmerk", fouten, label="het kenmerk", maximum=200)
    tekst = invoer.tekst(gegevens, "tekst", fouten, label="uw antwoord", maximum=10_000)
    if not bevestiging and not (tekst or datum or kenmerk) and not fouten:
        fouten["tekst"] = "Vul uw antwoord in"
    if fouten:
        return _toon_pagina(request, beeld, fouten, gegevens, status=400)
    await run_in_threadpool(
        diensten.beantwoord,
        omgeving(request),
        invoer=[Invoer(token, tekst=tekst or None, datum=datum, kenmerk=kenmerk or None)],
        nu=nu(request),
        kanaal=KANAAL,
    )
    return RedirectResponse(f"/antwoord/{token}?ontvangen=1", status_code=303)


@router.get("/antwoord/{token}/geen-wijzigingen", response_class=HTMLResponse)
async def een_klik_vraag(request: Request, token: str) -> Response:
    """Only shows the button: a mail scanner that opens this link records nothing."""
    beeld = await _formulier_of_fout(request, token)
    if isinstance(beeld, Response):
        return beeld
    return toon(request, "geen_wijzigingen.html", titel=f"Geen wijzigingen: {beeld.titel}", beeld=beeld)


@router.post("/antwoord/{token}/geen-wijzigingen", response_class=HTMLResponse)
async def een_klik(request: Request, token: str) -> Response:
    beeld = await _formulier_of_fout(request, token)
    if isinstance(beeld, Response):
        return beeld
    await formulier(request)
    if beeld.voltooiing == "bevestiging":
        return RedirectResponse(f"/antwoord/{token}", status_code=303)
    verslag = await run_in_threadpool(diensten.een_klik, omgeving(request), token=token, nu=nu(request), kanaal=KANAAL)
    return toon(request, "vastgelegd.html", titel="Geen wijzigingen", beeld=beeld, nieuw=verslag.uitkomst)
