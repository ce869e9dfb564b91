""" "Stuur mij mijn link" (`/link`) and the standing personal link (`/persoonlijk/<signed>`).

`/link` answers the same whether the address is known or not; a known address gets a mail with a signed,
long-lived link. On that page a person reports a gift or a new nevenfunctie at any time (`diensten.melding`),
one register per page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import diensten
from engine.registers.fouten import OngeldigeInvoer
from models.registers import TITELS
from web import registerformulier
from web.aanmelden import mail_een_link
from web.beveiliging import PERSOONLIJK_GELDIG
from web.weergave import formulier, fout, klant, nu, omgeving, staat, te_veel, toon

router = APIRouter()
MELDBAAR = ("geschenken", "nevenfuncties")
"""What a person may report at any time through the standing link."""


@router.get("/link", response_class=HTMLResponse)
def link_vraag(request: Request) -> Response:
    return toon(request, "link.html", titel="Stuur mij mijn link", email="")


@router.post("/link", response_class=HTMLResponse)
async def link(request: Request) -> Response:
    def opstellen(persoon, basis: str) -> tuple[str, str]:
        link = staat(request).ondertekenaar.teken("persoonlijk", {"e": persoon.email})
        return "Uw persoonlijke link voor Integriteit", (
            f"Beste {persoon.naam},\n\nMet deze link meldt u op elk moment een ontvangen geschenk of een nieuwe "
            f"nevenfunctie:\n\n{basis}/persoonlijk/{link}\n\nDe link is persoonlijk: stuur hem niet door. Heeft u "
            "dit niet aangevraagd? Dan kunt u deze e-mail negeren.\n"
        )

    return await mail_een_link(
        request, pagina="link.html", titel="Stuur mij mijn link", soort="persoonlijke-link", opstellen=opstellen
    )


async def _persoon_of_fout(request: Request, ondertekend: str):
    teller, adres = staat(request).pogingen, klant(request)
    if teller.geblokkeerd(adres):
        return te_veel(request)
    inhoud = staat(request).ondertekenaar.lees("persoonlijk", ondertekend, PERSOONLIJK_GELDIG)
    persoon = None
    if isinstance(inhoud, dict):
        persoon = await run_in_threadpool(lambda: diensten.persoon_met_email(omgeving(request), email=inhoud["e"]))
    if persoon is None:
        teller.mislukt(adres, "ongeldige persoonlijke link")
        return fout(
            request,
            404,
            "Deze link werkt niet",
            "Deze persoonlijke link is onbekend of verlopen. Vraag een nieuwe aan.",
            link_aanvragen=True,
        )
    return persoon


@router.get("/persoonlijk/{ondertekend}", response_class=HTMLResponse)
async def persoonlijk(request: Request, ondertekend: str) -> Response:
    persoon = await _persoon_of_fout(request, ondertekend)
    if isinstance(persoon, Response):
        return persoon
    keuzes = [(r, TITELS[r]) for r in MELDBAAR]
    return toon(request, "persoonlijk.html", titel="Iets melden", persoon=persoon, link=ondertekend, keuzes=keuzes)


def _meldpagina(request, persoon, ondertekend, register, waarden=None, fouten=None, status=200) -> HTMLResponse:
    return toon(
        request,
        "melden.html",
        status=status,
        titel=f"{TITELS[register]}: melden",
        persoon=persoon,
        link=ondertekend,
        register=register,
        registertitel=TITELS[register],
        velden=registerformulier.velden(register),
        waarden=waarden or {},
        fouten=fouten or {},
        gemeld=False,
    )


@router.get("/persoonlijk/{ondertekend}/{register}", response_class=HTMLResponse)
async def melden_vraag(request: Request, ondertekend: str, register: str) -> Response:
    persoon = await _persoon_of_fout(request, ondertekend)
    if isinstance(persoon, Response):
        return persoon
    if register not in MELDBAAR:
        return fout(request, 404, "Pagina niet gevonden", "Dit register kunt u hier niet melden.")
    return _meldpagina(request, persoon, ondertekend, register)


@router.post("/persoonlijk/{ondertekend}/{register}", response_class=HTMLResponse)
async def melden(request: Request, ondertekend: str, register: str) -> Response:
    persoon = await _persoon_of_fout(request, ondertekend)
    if isinstance(persoon, Response):
        return persoon
    if register not in MELDBAAR:
        return fout(request, 404, "Pagina niet gevonden", "Dit register kunt u hier niet melden.")
    gegevens = await formulier(request)
    regels = registerformulier.lees_regels(gegevens, register)[:1] or [{}]
    velden = {k: v for k, v in regels[0].items() if k != "regel"}
    try:
        await run_in_threadpool(
            diensten.melding,
            omgeving(request),
            persoon_id=persoon.id,
            register=register,
            invoer=[velden],
            nu=nu(request),
            kanaal="web",
        )
    except OngeldigeInvoer as ongeldig:
        fouten = {registerformulier.veld_id(0, veld): bericht for (_i, veld), bericht in ongeldig.fouten.items()}
        waarden = {registerformulier.veld_id(0, k): v for k, v in velden.items()}
        return _meldpagina(request, persoon, ondertekend, register, waarden, fouten, status=400)
    return toon(
        request,
        "gemeld.html",
        titel="Melding ontvangen",
        persoon=persoon,
        link=ondertekend,
        registertitel=TITELS[register],
    )
