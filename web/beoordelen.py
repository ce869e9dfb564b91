"""The eigenaar's review (`/beoordelen`): proposals per person, old and new side by side; accept, edit and
accept, or send back with a remark. Only for a logged-in reviewer, and only the proposals their roles review
(`diensten.voorstellen`: the processen they are eigenaar of; the integriteitscoordinator sees all); the use
cases refuse a decision on any other (`GeenBevoegdheid`).

A decision that cannot be taken as asked (a value that does not fit, "Terugsturen" without a remark) shows the
review again with the message beside the field and everything the reviewer typed kept. After a decision the page
says what was decided on whose entry.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from engine import diensten
from engine.registers.beoordeling import Voorstel
from engine.registers.fouten import AlBeoordeeld, GeenBevoegdheid, OnbekendVoorstel, OngeldigeInvoer
from engine.registers.versies import Versie
from models.registers import ENKELVOUD
from web import invoer, registerformulier
from web.aanmelden import Aanmelding, huidige_persoon
from web.weergave import formulier, fout, nu, omgeving, staat, toon

router = APIRouter()
Aangemeld = Annotated[Aanmelding | None, Depends(huidige_persoon)]
BESLUIT_GELDIG = 600
"""Seconds the signed "what was decided" in the address after a decision is shown."""


@router.get("/beoordelen", response_class=HTMLResponse)
async def overzicht(request: Request, aanmelding: Aangemeld) -> Response:
    if aanmelding is None:
        return RedirectResponse("/aanmelden", status_code=303)
    besluit = staat(request).ondertekenaar.lees("besluit", request.query_params.get("besluit", ""), BESLUIT_GELDIG)
    return _toon(request, aanmelding, await _voorstellen(request, aanmelding), besluit=besluit)


async def _voorstellen(request: Request, aanmelding: Aanmelding) -> list[Voorstel]:
    omg = omgeving(request)
    lijst = await run_in_threadpool(lambda: diensten.voorstellen(omg, rollen=aanmelding.persoon.rolset))
    return sorted(lijst, key=lambda v: (v.naam, v.nieuw.persoon_id, v.nieuw.id))


def _toon(
    request: Request,
    aanmelding: Aanmelding,
    voorstellen: list[Voorstel],
    *,
    besluit: str | None = None,
    mislukt: int | None = None,
    gegevens: dict[str, Any] | None = None,
    fouten: invoer.Fouten | None = None,
) -> HTMLResponse:
    """The review page; after a refused decision on proposal `mislukt`, its fields as posted (`gegevens`)."""

    def invulling(v: Voorstel, naam: str) -> str:
        sleutel = f"voorstel-{v.nieuw.id}-{naam}"
        if v.nieuw.id == mislukt and gegevens is not None:
            return registerformulier.een(gegevens.get(sleutel, ""))
        return _waarde(v.nieuw, naam, ja_nee=True)

    return toon(
        request,
        "beoordelen.html",
        status=400 if fouten else 200,
        titel="Beoordelen",
        aangemeld=aanmelding,
        sessie=aanmelding.sessie,
        voorstellen=voorstellen,
        velden=lambda register: registerformulier.velden(register, eigenaar=True),
        waarde=_waarde,
        invulling=invulling,
        opmerking=lambda v: (
            registerformulier.een((gegevens or {}).get(f"opmerking-{v.nieuw.id}", "")) if v.nieuw.id == mislukt else ""
        ),
        besluit=besluit,
        fouten=fouten or {},
    )


def _waarde(versie: Versie | None, naam: str, ja_nee: bool = False) -> str:
    """A field of a version (or of none) as the form shows it; a yes/no as ja or nee when `ja_nee`."""
    if versie is None or not versie.velden:
        return ""
    waarde = versie.velden.get(naam)
    return "nee" if ja_nee and waarde is False else registerformulier.als_tekst(waarde)


@router.post("/beoordelen/{versie_id}", response_class=HTMLResponse)
async def beslis(request: Request, versie_id: int, aanmelding: Aangemeld) -> Response:
    """One decision on one proposal: `besluit` is aanvaard (with the fields as shown, perhaps edited) or terug."""
    if aanmelding is None:
        return RedirectResponse("/aanmelden", status_code=303)
    gegevens = await formulier(request, aanmelding.sessie)
    omg, moment, door = omgeving(request), nu(request), aanmelding.persoon.id
    voorstellen = await _voorstellen(request, aanmelding)
    voorstel = next((v for v in voorstellen if v.nieuw.id == versie_id), None)

    def opnieuw(fouten: invoer.Fouten) -> HTMLResponse:
        return _toon(request, aanmelding, voorstellen, mislukt=versie_id, gegevens=gegevens, fouten=fouten)

    try:
        if gegevens.get("besluit") == "terug":
            fouten: invoer.Fouten = {}
            opmerking = invoer.tekst(
                gegevens,
                f"opmerking-{versie_id}",
                fouten,
                label="de opmerking bij terugsturen",
                maximum=2000,
                verplicht=True,
            )
            if fouten:
                return opnieuw(fouten)
            verslag = await run_in_threadpool(
                lambda: diensten.stuur_terug(
                    omg, versie_id=versie_id, door_persoon_id=door, opmerking=opmerking, nu=moment
                )
            )
            besluit = f"Teruggestuurd: {_beschrijf(verslag.uitkomst.versie, voorstel)}"
        elif gegevens.get("besluit") == "niets":
            await run_in_threadpool(
                lambda: diensten.verwerk_tekst(
                    omg, versie_id=versie_id, door_persoon_id=door, wijzigingen=[], nu=moment
                )
            )
            besluit = (
                f"Verwerkt zonder iets vast te leggen: de tekst van {voorstel.naam if voorstel else 'de indiener'}"
            )
        else:
            voorvoegsel = f"voorstel-{versie_id}-"
            velden = {k.removeprefix(voorvoegsel): v for k, v in gegevens.items() if k.startswith(voorvoegsel)}
            verslag = await run_in_threadpool(
                lambda: diensten.aanvaard(omg, versie_id=versie_id, door_persoon_id=door, nu=moment, velden=velden)
            )
            besluit = f"Aanvaard: {_beschrijf(verslag.uitkomst, voorstel)}"
    except OngeldigeInvoer as ongeldig:
        return opnieuw(_per_veld(versie_id, voorstel, ongeldig))
    except (AlBeoordeeld, OnbekendVoorstel) as reden:
        return _probleem(request, aanmelding, str(reden), status=409)
    except GeenBevoegdheid:
        return _probleem(request, aanmelding, "Dit voorstel beoordeelt u niet.", status=403)
    ondertekend = staat(request).ondertekenaar.teken("besluit", besluit)
    return RedirectResponse(f"/beoordelen?besluit={ondertekend}", status_code=303)


def _beschrijf(versie: Versie, voorstel: Voorstel | None) -> str:
    """ "de nevenfunctie 'Lid raad van advies' van Jan Jansen"."""
    wat = (versie.velden or {}).get("omschrijving") or (versie.tekst or "")[:80]
    van = f" van {voorstel.naam}" if voorstel else ""
    return f"{ENKELVOUD.get(versie.register, 'de opgave')} '{wat}'{van}"


def _per_veld(versie_id: int, voorstel: Voorstel | None, ongeldig: OngeldigeInvoer) -> invoer.Fouten:
    """Each problem under its field's id, the message naming the field; one of the whole entry under the
    proposal's own id."""
    titels = (
        {v.naam: v.titel for v in registerformulier.velden(voorstel.nieuw.register, eigenaar=True)} if voorstel else {}
    )
    return {
        f"voorstel-{versie_id}-{veld}" if veld in titels else f"voorstel-{versie_id}": (
            f"{titels[veld]}: {bericht}" if veld in titels else bericht
        )
        for (_, veld), bericht in sorted(ongeldig.fouten.items())
    }


def _probleem(request: Request, aanmelding: Aanmelding, tekst: str, status: int = 400) -> HTMLResponse:
    return fout(request, status, "Er is een probleem", f"Er is niets vastgelegd: {tekst}", aangemeld=aanmelding)
