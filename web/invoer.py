"""Reading what people typed into a form: dates in three fields (GOV.UK's pattern), text with a maximum
length; each problem as a Dutch message under the id of the field it belongs to."""

from __future__ import annotations

from datetime import date
from typing import Any

Fouten = dict[str, str]
"""field id -> message, in the order of the form: the error summary links to each id."""


def tekst(gegevens: dict[str, Any], naam: str, fouten: Fouten, *, label: str, maximum: int, verplicht=False) -> str:
    waarde = gegevens.get(naam, "")
    waarde = (waarde[0] if waarde else "") if isinstance(waarde, list) else waarde
    waarde = waarde.strip()
    if verplicht and not waarde:
        fouten[naam] = f"Vul {label} in"
    elif len(waarde) > maximum:
        fouten[naam] = f"{label[0].upper()}{label[1:]} mag hoogstens {maximum} tekens zijn (nu {len(waarde)})"
    return waarde


def datum(gegevens: dict[str, Any], naam: str, fouten: Fouten, *, label: str, verplicht=False) -> date | None:
    """The date in `<naam>-dag`, `-maand`, `-jaar`; the message goes under the first of them that is wrong."""
    delen = {deel: str(gegevens.get(f"{naam}-{deel}", "")).strip() for deel in ("dag", "maand", "jaar")}
    if not any(delen.values()):
        if verplicht:
            fouten[f"{naam}-dag"] = f"Vul {label} in"
        return None
    for deel, waarde in delen.items():
        if not waarde:
            fouten[f"{naam}-{deel}"] = f"{label[0].upper()}{label[1:]} moet een {deel} hebben"
            return None
    if not all(w.isdigit() for w in delen.values()) or len(delen["jaar"]) != 4:
        fouten[f"{naam}-dag"] = f"{label[0].upper()}{label[1:]} moet een echte datum zijn, bijvoorbeeld 18 5 2027"
        return None
    try:
        return date(int(delen["jaar"]), int(delen["maand"]), int(delen["dag"]))
    except ValueError:
        fouten[f"{naam}-dag"] = f"{label[0].upper()}{label[1:]} moet een echte datum zijn, bijvoorbeeld 18 5 2027"
        return None


def datumvelden(naam: str, waarde: date | None, gegevens: dict[str, Any] | None = None) -> dict[str, str]:
    """The three fields' values: as posted (to show again after an error), else from `waarde`."""
    if gegevens is not None:
        return {deel: str(gegevens.get(f"{naam}-{deel}", "")) for deel in ("dag", "maand", "jaar")}
    if waarde is None:
        return {"dag": "", "maand": "", "jaar": ""}
    return {"dag": str(waarde.day), "maand": str(waarde.month), "jaar": str(waarde.year)}


def email(gegevens: dict[str, Any], naam: str, fouten: Fouten) -> str:
    waarde = tekst(gegevens, naam, fouten, label="uw e-mailadres", maximum=254, verplicht=True)
    if waarde and ("@" not in waarde or " " in waarde or waarde.startswith("@") or waarde.endswith("@")):
        fouten[naam] = "Vul een e-mailadres in zoals naam@provincie-utrecht.nl"
    return waarde
