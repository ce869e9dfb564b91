"""What every page handler shares: the app's state (environment, signer, guess counter), rendering a template
with its CSRF tokens, reading a form with its CSRF check, and the client's address.

Jinja2 escapes everything (autoescape on for every template), so what people type never becomes markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from engine.diensten import Omgeving
from models.werkdagen import TIJDZONE
from notifications.opmaak import paginaomgeving
from web.beveiliging import Ondertekenaar, Pogingenteller

SJABLONEN = Path(__file__).resolve().parent / "sjablonen"
STATISCH = Path(__file__).resolve().parent / "statisch"


@dataclass
class Staat:
    """What the app holds between requests: how to get the environment, the signer and the guess counter."""

    omgeving: Callable[[], Omgeving]
    ondertekenaar: Ondertekenaar
    pogingen: Pogingenteller
    beveiligd: bool
    """The app is served over https: cookies get the Secure flag."""
    klok: Callable[[], datetime] = lambda: datetime.now(TIJDZONE)


def staat(request: Request) -> Staat:
    return request.app.state.integriteit


def omgeving(request: Request) -> Omgeving:
    return staat(request).omgeving()


def nu(request: Request) -> datetime:
    """The app's clock: the real time, or the one a test or a simulation gave `maak_app`."""
    return staat(request).klok()


def klant(request: Request) -> str:
    """The client's address, for the limit on guesses (behind a proxy: run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "onbekend"


SJABLOONOMGEVING = paginaomgeving(SJABLONEN)


def toon(request: Request, sjabloon: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page `sjabloon` with `context`; `csrf(pad)` gives the form that posts to `pad` its token."""
    ondertekenaar = staat(request).ondertekenaar
    sessie = context.get("sessie", "")
    context.setdefault("fouten", {})
    context.setdefault("aangemeld", None)
    html = SJABLOONOMGEVING.get_template(sjabloon).render(
        request=request, csrf=lambda pad: ondertekenaar.csrf(pad, sessie), **context
    )
    return HTMLResponse(html, status_code=status)


def fout(request: Request, status: int, titel: str, tekst: str, **context: Any) -> HTMLResponse:
    """A Dutch page for something that went wrong, with its HTTP status."""
    return toon(request, "fout.html", status=status, titel=titel, tekst=tekst, **context)


def te_veel(request: Request) -> HTMLResponse:
    """429: this address guessed too many tokens or links lately."""
    antwoord = fout(
        request,
        429,
        "Te veel pogingen",
        "Vanaf uw adres zijn te veel onbekende links geprobeerd. Wacht tien minuten en probeer het dan opnieuw.",
    )
    antwoord.headers["Retry-After"] = str(int(staat(request).pogingen.venster))
    return antwoord


async def formulier(request: Request, sessie: str = "") -> dict[str, Any]:
    """The posted form as a dict (repeated names as lists), after checking its CSRF token for this path.
    Raises OngeldigFormulier."""
    gegevens = await request.form()
    staat(request).ondertekenaar.controleer_csrf(_tekst(gegevens.get("csrf")), request.url.path, sessie)
    uit: dict[str, Any] = {}
    for sleutel in gegevens:
        waarden = [w for w in gegevens.getlist(sleutel) if isinstance(w, str)]
        uit[sleutel] = waarden[0] if len(waarden) == 1 else waarden
    return uit


def _tekst(waarde: Any) -> str | None:
    return waarde if isinstance(waarde, str) else None
