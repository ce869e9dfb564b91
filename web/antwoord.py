"""A recipient's personal page (`/antwoord/<token>`, the link in every verzoek) and the one-click "geen
wijzigingen" (`/antwoord/<token>/geen-wijzigingen`).

What the page asks follows the verzoek (`diensten.pagina`): a register's entries to edit, end or add (as
proposals for the eigenaar); a confirmation with date, kenmerk and text; or a plain answer. Every answer is
translated into one `Invoer` for `diensten.beantwoord`, which decides what it means (late, closed, proposals).
A link in a mail only shows: mail scanners open every link, so a GET never records anything; the buttons
post. An unknown token counts as a guess (`Pogingenteller`); too many from one address gets 429 before any
lookup.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import diensten
from engine.antwoorden import Invoer, OnbekendVerzoek
from engine.registers.fouten import OngeldigeInvoer
from engine.registers.pagina import Persoonlijkepagina
from engine.registers.versies import Versie
from web import gebeurtenissen, invoer, registerformulier
from web.weergave import formulier, fout, klant, nu, omgeving, staat, te_veel, toon

router = APIRouter()
KANAAL = "web"


async def _pagina_of_fout(request: Request, token: str) -> Persoonlijkepagina | Response:
    """The verzoek's page, or the page that says why there is none (429, 404)."""
    teller, adres = staat(request).pogingen, klant(request)
    if teller.geblokkeerd(adres):
        return te_veel(request)
    try:
        p = await run_in_threadpool(diensten.pagina, omgeving(request), token=token, nu=nu(request))
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
    return p


@router.get("/antwoord/{token}", response_class=HTMLResponse)
async def pagina(request: Request, token: str) -> Response:
    p = await _pagina_of_fout(request, token)
    if isinstance(p, Response):
        return p
    return _toon(request, p, waarden=_huidige_waarden(p), nieuw=1 if p.register else 0)


def _formregels(p: Persoonlijkepagina) -> list[Versie]:
    """The entries the form shows, in a stable order: the accepted ones, then new ones the eigenaar sent back
    (to correct and send again, not to retype)."""
    bestaand = {v.regel for v in p.regels}
    return [*p.regels, *(v for v in p.teruggestuurd if v.velden and v.regel not in bestaand)]


def _huidige_waarden(p: Persoonlijkepagina) -> dict[str, str]:
    """The form's values: each entry as proposed when a proposal waits, as sent back when the eigenaar returned
    it, else as it stands."""
    laatste = {v.regel: v for v in [*p.teruggestuurd, *p.voorstellen] if v.velden}
    waarden: dict[str, str] = {}
    for i, regel in enumerate(_formregels(p)):
        waarden[registerformulier.veld_id(i, "regel")] = regel.regel
        for naam, waarde in (laatste.get(regel.regel, regel).velden or {}).items():
            waarden[registerformulier.veld_id(i, naam)] = registerformulier.als_tekst(waarde)
    return waarden


def _wachtend(p: Persoonlijkepagina) -> list[tuple[str, Versie]]:
    """Every proposal waiting for the eigenaar, with what kind of change it is."""
    geldend = {v.regel: v for v in p.regels}
    soorten = []
    for v in p.voorstellen:
        oud = geldend.get(v.regel)
        if v.velden is None:
            soort = "Uw tekst"
        elif oud is None:
            soort = "Nieuw"
        elif v.tot and v.tot != oud.tot:
            soort = f"Beëindigd per {registerformulier.als_tekst(v.tot)}"
        else:
            soort = "Gewijzigd"
        soorten.append((soort, v))
    return soorten


def _toon(request, p, *, waarden=None, nieuw=0, fouten=None, status=200) -> HTMLResponse:
    """The personal page; for a register its entries and `nieuw` empty ones to add."""
    return toon(
        request,
        "antwoord.html",
        status=status,
        titel=p.titel,
        p=p,
        fouten=fouten or {},
        waarden=waarden or {},
        velden=registerformulier.velden(p.register) if p.register else [],
        regels=_formregels(p),
        terug={v.regel: v for v in p.teruggestuurd if v.velden},
        nieuw=nieuw,
        wachtend=_wachtend(p),
        datum=invoer.datumvelden("datum", None, waarden if fouten else None),
        melding=request.query_params.get("ontvangen"),
    )


@router.post("/antwoord/{token}", response_class=HTMLResponse)
async def leg_vast(request: Request, token: str) -> Response:
    p = await _pagina_of_fout(request, token)
    if isinstance(p, Response):
        return p
    gegevens = await formulier(request)
    if p.register:
        return await _register(request, p, gegevens)
    fouten: invoer.Fouten = {}
    bevestiging = p.gevraagd == "bevestiging"
    datum = invoer.datum(gegevens, "datum", fouten, label="de datum", verplicht=True) if bevestiging else None
    kenmerk = invoer.tekst(gegevens, "kenmerk", fouten, label="het kenmerk", maximum=200) if bevestiging else ""
    tekst = invoer.tekst(gegevens, "tekst", fouten, label="uw antwoord", maximum=10_000, verplicht=not bevestiging)
    if fouten:
        return _toon(request, p, waarden=gegevens, fouten=fouten, status=400)
    await run_in_threadpool(
        diensten.beantwoord,
        omgeving(request),
        invoer=[Invoer(token, kanaal=KANAAL, tekst=tekst or None, datum=datum, kenmerk=kenmerk or None)],
        nu=nu(request),
    )
    return RedirectResponse(f"/antwoord/{token}?ontvangen=ja", status_code=303)


async def _register(request: Request, p: Persoonlijkepagina, gegevens: dict[str, Any]) -> Response:
    """Edit, end or add entries: "Nog een toevoegen" only shows one more empty entry; "Versturen" proposes."""
    regels = registerformulier.lees_regels(gegevens, p.register)
    if gegevens.get("actie") == "toevoegen":
        return _toon(request, p, waarden=gegevens, nieuw=_nieuw(gegevens) + 1)
    fouten: invoer.Fouten = {}
    toelichting = invoer.tekst(gegevens, "toelichting", fouten, label="de toelichting", maximum=10_000)
    # empty new entries are left out; `plek` maps an entry sent back to its index in the form
    plek = [i for i, r in enumerate(regels) if r.get("regel") or any(v for k, v in r.items() if k != "regel")]
    wijzigingen = [{k: v for k, v in regels[i].items() if v or k != "regel"} for i in plek]
    if not fouten:
        try:
            antwoord = Invoer(p.token, kanaal=KANAAL, regels=tuple(wijzigingen), tekst=toelichting or None)
            verslag = await run_in_threadpool(diensten.beantwoord, omgeving(request), invoer=[antwoord], nu=nu(request))
        except OngeldigeInvoer as ongeldig:
            fouten = _per_veld(p, plek, ongeldig)
        else:
            gebeurtenissen.meld(verslag.gebeurtenissen)
            uitkomst = "al" if verslag.uitkomst[0].al_beantwoord else "ja"
            return RedirectResponse(f"/antwoord/{p.token}?ontvangen={uitkomst}", status_code=303)
    return _toon(request, p, waarden=gegevens, nieuw=_nieuw(gegevens), fouten=fouten, status=400)


def _per_veld(p: Persoonlijkepagina, plek: list[int], ongeldig: OngeldigeInvoer) -> invoer.Fouten:
    """Each problem under the id of its field, the message naming the entry and the field."""
    titels = {v.naam: v.titel for v in registerformulier.velden(p.register)}
    fouten: invoer.Fouten = {}
    for (i, veld), bericht in sorted(ongeldig.fouten.items()):
        if veld in titels:
            fouten[registerformulier.veld_id(plek[i], veld)] = f"{titels[veld]} ({_regelnaam(p, plek[i])}): {bericht}"
        else:
            fouten[f"regels-{plek[i]}"] = f"{_regelnaam(p, plek[i])}: {bericht}"
    return fouten


def _regelnaam(p: Persoonlijkepagina, index: int) -> str:
    return f"{(p.register_titel or '').lower()} {index + 1}"


def _nieuw(gegevens: dict[str, Any]) -> int:
    """How many empty entries to add the form showed (a hidden field), at most 50."""
    aantal = str(gegevens.get("nieuw", "1"))
    return min(int(aantal), 50) if aantal.isdigit() else 1


@router.get("/antwoord/{token}/geen-wijzigingen", response_class=HTMLResponse)
async def een_klik_vraag(request: Request, token: str) -> Response:
    """Only shows the button: a mail scanner that opens this link records nothing."""
    p = await _pagina_of_fout(request, token)
    if isinstance(p, Response):
        return p
    return toon(request, "geen_wijzigingen.html", titel=f"Geen wijzigingen: {p.titel}", p=p)


@router.post("/antwoord/{token}/geen-wijzigingen", response_class=HTMLResponse)
async def een_klik(request: Request, token: str) -> Response:
    p = await _pagina_of_fout(request, token)
    if isinstance(p, Response):
        return p
    await formulier(request)
    antwoord = Invoer(token, kanaal=KANAAL, geen_wijzigingen=True)
    try:
        verslag = await run_in_threadpool(diensten.beantwoord, omgeving(request), invoer=[antwoord], nu=nu(request))
    except OngeldigeInvoer:  # a confirmation needs its date: the personal page asks for it
        return RedirectResponse(f"/antwoord/{token}", status_code=303)
    gebeurtenissen.meld(verslag.gebeurtenissen)
    return toon(request, "vastgelegd.html", titel="Geen wijzigingen", p=p, nieuw=not verslag.uitkomst[0].al_beantwoord)
