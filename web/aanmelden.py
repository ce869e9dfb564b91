"""Passwordless login for the staff who review (`/aanmelden`, `/afmelden`), and who is logged in.

Enter your address; only a person for whom `diensten.mag_beoordelen` holds gets a link by mail, valid 15
minutes and usable once; the page says the same either way. Opening the link only shows a button (mail
scanners open every link); pressing it spends the link (`diensten.gebruik_aanmeldlink`) and sets a signed,
HttpOnly, SameSite=Lax session cookie.

`huidige_persoon` is the one place that says who is logged in: replace it (e.g. with OIDC) through
`app.dependency_overrides[huidige_persoon]` and nothing else changes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import diensten
from engine.uitgaand import COORDINATOR
from models.tabellen import Persoon
from web import invoer
from web.beveiliging import AANMELDLINK_GELDIG, SESSIE_GELDIG, log
from web.weergave import formulier, fout, klant, nu, omgeving, staat, te_veel, toon

router = APIRouter()
KOEKJE = "integriteit_sessie"


@dataclass(frozen=True)
class Aanmelding:
    """Who is logged in, and the id of their session (the CSRF tokens of their forms are bound to it)."""

    persoon: object  # models.tabellen.Persoon
    sessie: str

    @property
    def naam(self) -> str:
        return self.persoon.naam


async def huidige_persoon(request: Request) -> Aanmelding | None:
    """The logged-in reviewer from the session cookie, or None. Checks again that they may still review."""
    inhoud = staat(request).ondertekenaar.lees("sessie", request.cookies.get(KOEKJE, ""), SESSIE_GELDIG)
    if not isinstance(inhoud, dict):
        return None
    omg = omgeving(request)
    persoon = await run_in_threadpool(lambda: diensten.persoon_met_email(omg, email=inhoud["email"]))
    if persoon is None or not diensten.mag_beoordelen(omg, persoon):
        return None
    return Aanmelding(persoon, inhoud["sessie"])


def alleen_voor_coordinator(request: Request, aanmelding: Aanmelding | None) -> Response | None:
    """The answer to anyone but a logged-in integriteitscoordinator on the coordinator's pages: to the login
    page, or 403; None for the coordinator."""
    if aanmelding is None:
        return RedirectResponse("/aanmelden", status_code=303)
    if COORDINATOR not in aanmelding.persoon.rolset:
        return fout(request, 403, "Geen toegang", "Alleen de integriteitscoördinator ziet deze pagina.")
    return None


@router.get("/aanmelden", response_class=HTMLResponse)
def aanmelden_vraag(request: Request) -> Response:
    return toon(request, "aanmelden.html", titel="Aanmelden", email="")


@router.post("/aanmelden", response_class=HTMLResponse)
async def aanmelden(request: Request) -> Response:
    def opstellen(persoon, basis: str) -> tuple[str, str]:
        link = staat(request).ondertekenaar.teken(
            "aanmelden", {"p": persoon.id, "e": persoon.email, "l": secrets.token_hex(16)}
        )
        return "Uw aanmeldlink voor Integriteit", (
            f"Beste {persoon.naam},\n\nMet deze link meldt u zich aan om meldingen te beoordelen. De link werkt "
            f"één keer en is 15 minuten geldig:\n\n{basis}/aanmelden/{link}\n\nHeeft u dit niet aangevraagd? "
            "Dan kunt u deze e-mail negeren.\n"
        )

    omg = omgeving(request)
    return await mail_een_link(
        request,
        pagina="aanmelden.html",
        titel="Aanmelden",
        soort="aanmeldlink",
        opstellen=opstellen,
        voorwaarde=lambda persoon: diensten.mag_beoordelen(omg, persoon),
    )


async def mail_een_link(
    request: Request,
    *,
    pagina: str,
    titel: str,
    soort: str,
    opstellen: Callable[[Persoon, str], tuple[str, str]],
    voorwaarde: Callable[[Persoon], bool] = lambda _p: True,
) -> Response:
    """The form that asks for an address and mails a link to it (`opstellen(persoon, basis_url)` writes the
    subject and text); the answer is the same whether the address is known or not."""
    gegevens = await formulier(request)
    fouten: invoer.Fouten = {}
    email = invoer.email(gegevens, "email", fouten)
    if fouten:
        return toon(request, pagina, status=400, titel=titel, email=email, fouten=fouten)
    basis = omgeving(request).inst.basis_url.rstrip("/")
    verslag = await run_in_threadpool(
        diensten.mail_persoon,
        omgeving(request),
        email=email,
        soort=soort,
        opstellen=lambda persoon: opstellen(persoon, basis),
        nu=nu(request),
        voorwaarde=voorwaarde,
    )
    if verslag.tekst is not None:  # without an SMTP server (a development machine) the text goes to the log
        log.warning("Geen SMTP-server ingesteld; deze e-mail is niet verstuurd:\n%s", verslag.tekst)
    return toon(request, "verstuurd.html", titel="Controleer uw e-mail", email=email, soort=soort)


def _lees_link(request: Request, link: str) -> dict | None:
    inhoud = staat(request).ondertekenaar.lees("aanmelden", link, AANMELDLINK_GELDIG)
    return inhoud if isinstance(inhoud, dict) else None


def _ongeldige_link(request: Request) -> HTMLResponse:
    return fout(
        request,
        410,
        "Deze aanmeldlink werkt niet meer",
        "Een aanmeldlink werkt één keer en is 15 minuten geldig. Vraag een nieuwe aan.",
        opnieuw_aanmelden=True,
    )


@router.get("/aanmelden/{link}", response_class=HTMLResponse)
def aanmeldlink(request: Request, link: str) -> Response:
    """Only shows the button: a mail scanner that opens the link does not spend it."""
    teller = staat(request).pogingen
    if teller.geblokkeerd(klant(request)):
        return te_veel(request)
    if _lees_link(request, link) is None:
        teller.mislukt(klant(request), "ongeldige aanmeldlink")
        return _ongeldige_link(request)
    return toon(request, "aanmeldlink.html", titel="Aanmelden", link=link)


@router.post("/aanmelden/{link}", response_class=HTMLResponse)
async def gebruik_aanmeldlink(request: Request, link: str) -> Response:
    await formulier(request)
    inhoud = _lees_link(request, link)
    if inhoud is None:
        staat(request).pogingen.mislukt(klant(request), "ongeldige aanmeldlink")
        return _ongeldige_link(request)
    eerste = await run_in_threadpool(
        diensten.gebruik_aanmeldlink, omgeving(request), link=inhoud["l"], persoon_id=inhoud["p"], nu=nu(request)
    )
    if not eerste:
        return _ongeldige_link(request)
    sessie = staat(request).ondertekenaar.teken("sessie", {"email": inhoud["e"], "sessie": secrets.token_hex(16)})
    persoon = await run_in_threadpool(lambda: diensten.persoon_met_email(omgeving(request), email=inhoud["e"]))
    # the coordinator starts at the overview of what is late; an eigenaar at what waits for their review
    start = "/overzicht" if persoon is not None and COORDINATOR in persoon.rolset else "/beoordelen"
    antwoord = RedirectResponse(start, status_code=303)
    antwoord.set_cookie(
        KOEKJE,
        sessie,
        max_age=SESSIE_GELDIG,
        httponly=True,
        samesite="lax",
        secure=staat(request).beveiligd,
        path="/",
    )
    return antwoord


@router.get("/afmelden", response_class=HTMLResponse)
async def afmelden_vraag(request: Request) -> Response:
    aanmelding = await huidige_persoon(request)
    if aanmelding is None:
        return toon(request, "afgemeld.html", titel="Afgemeld")
    return toon(request, "afmelden.html", titel="Afmelden", aangemeld=aanmelding, sessie=aanmelding.sessie)


@router.post("/afmelden", response_class=HTMLResponse)
async def afmelden(request: Request) -> Response:
    aanmelding = await huidige_persoon(request)
    await formulier(request, aanmelding.sessie if aanmelding else "")
    antwoord = toon(request, "afgemeld.html", titel="Afgemeld")
    antwoord.delete_cookie(KOEKJE, path="/", httponly=True, samesite="lax", secure=staat(request).beveiligd)
    return antwoord
