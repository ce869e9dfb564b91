"""The web app: the third shell beside the CLI and the flows.

Server-rendered Dutch pages that work without JavaScript: a recipient's personal page and one-click answer,
the standing personal link, the staff's passwordless login and review. Every page handler parses the
request, calls one use case (`engine.diensten`) and renders what it reports; no SQL and no session here.

    maak_app(omgeving_factory)      the FastAPI app; the factory gives the use cases' environment per request
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.diensten import Omgeving
from web import aanmelden, antwoord, beoordelen, bevestigen, jaarverslag, links, overzicht, registers
from web.beveiliging import Ondertekenaar, OngeldigFormulier, Pogingenteller, geheim
from web.weergave import STATISCH, Staat, fout, toon

log = logging.getLogger("integriteit.web")

BEVEILIGINGSKOPPEN = {
    # Only our own files; no inline script at all, and forms post only to ourselves.
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Personal pages carry their token in the address: never hand it to another site.
    "Referrer-Policy": "no-referrer",
}


def maak_app(
    omgeving_factory: Callable[[], Omgeving] | None = None,
    *,
    pogingen: Pogingenteller | None = None,
    klok: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The app. `omgeving_factory` gives the environment for each request (default: from the settings, the
    catalogue reloaded when its files change); `klok` the time (default: now, in Amsterdam). Raises
    Configuratiefout when the signing key is missing or weak while SMTP is set (see `web.beveiliging.geheim`)."""
    factory = omgeving_factory or Omgeving.uit_instellingen
    inst = factory().inst
    app = FastAPI(title="Integriteit", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.integriteit = Staat(
        omgeving=factory,
        ondertekenaar=Ondertekenaar(geheim(inst)),
        pogingen=pogingen or Pogingenteller(),
        beveiligd=inst.basis_url.startswith("https://"),
    )
    if klok is not None:
        app.state.integriteit.klok = klok
    app.mount("/statisch", StaticFiles(directory=STATISCH), name="statisch")
    for module in (antwoord, links, aanmelden, beoordelen, bevestigen, registers, jaarverslag, overzicht):
        app.include_router(module.router)
    app.add_api_route("/", startpagina, methods=["GET"], response_class=HTMLResponse)
    _foutafhandeling(app)

    @app.middleware("http")
    async def koppen(request: Request, volgende):
        antwoord_ = await volgende(request)
        antwoord_.headers.update(BEVEILIGINGSKOPPEN)
        if not request.url.path.startswith("/statisch/"):
            antwoord_.headers["Cache-Control"] = "no-store"
        return antwoord_

    return app


def startpagina(request: Request) -> HTMLResponse:
    return toon(request, "start.html", titel="Integriteit")


_STATUSTEKST = {
    400: ("Het verzoek klopt niet", "De pagina kon dit verzoek niet lezen. Ga terug en probeer het opnieuw."),
    404: (
        "Pagina niet gevonden",
        "Deze pagina bestaat niet. Controleer het adres, of gebruik de link uit uw e-mail.",
    ),
    405: ("Dat kan hier niet", "Deze pagina kan dat niet. Ga terug naar de vorige pagina."),
}


def _foutafhandeling(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_fout(request: Request, uitzondering: StarletteHTTPException) -> Response:
        titel, tekst = _STATUSTEKST.get(uitzondering.status_code, _STATUSTEKST[400])
        return fout(request, uitzondering.status_code, titel, tekst)

    @app.exception_handler(RequestValidationError)
    async def ongeldig(request: Request, _uitzondering: RequestValidationError) -> Response:
        return fout(request, 400, *_STATUSTEKST[400])

    @app.exception_handler(OngeldigFormulier)
    async def vervalst(request: Request, _uitzondering: OngeldigFormulier) -> Response:
        log.warning("Formulier zonder geldig CSRF-token van %s naar %s", request.client, request.url.path)
        return fout(
            request,
            403,
            "Dit formulier is niet geaccepteerd",
            "Het formulier was verlopen of kwam niet van deze website. Er is niets vastgelegd. Open de pagina "
            "opnieuw en verstuur het formulier nog een keer.",
        )

    @app.exception_handler(Exception)
    async def onverwacht(request: Request, uitzondering: Exception) -> Response:
        log.error("Onverwachte fout bij %s %s", request.method, request.url.path, exc_info=uitzondering)
        return fout(
            request,
            500,
            "Er ging iets mis",
            "Er ging aan onze kant iets mis. Probeer het over een paar minuten opnieuw. Lukt het dan nog niet, "
            "neem dan contact op met de integriteitscoördinator.",
        )
