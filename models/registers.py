"""The registers of the Integriteitsplan: one pydantic model per register, the fields of one entry.

A shell renders a form from a model generically: every field has a Dutch `title` and `description`, its type is
one of str, bool, date, Decimal (or optional), and a field marked `alleen_eigenaar` (in `json_schema_extra`)
is filled and decided by the eigenaar only: a person's own submission never sets it. Validation speaks Dutch:
`fouten_nl` turns pydantic's errors into one message per field.

The `description` speaks to the person filling in the form ("Wat u doet"); the public pages and the open data
explain a field to its reader with the field's `openbaar` text (in `json_schema_extra`, read by
`openbare_omschrijving`).

The entries themselves are versioned rows (`models.tabellen.Registerregel`); their `velden` hold JSON that one of
these models validates.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

EIGENAAR = {"alleen_eigenaar": True}
"""`json_schema_extra` of a field only the eigenaar fills."""


def openbaar(uitleg: str, **extra: object) -> dict[str, object]:
    """`json_schema_extra` with the field's description for the public: what the value means to a reader."""
    return {"openbaar": uitleg, **extra}


GRENS_GESCHENK = Decimal(50)
"""A gift worth more than this is reported and handed in (Integriteitsplan actie 10; gedragscode art. 4.1)."""

_DATUM_NL = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DATUM_WOORDEN = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?\s+(\d{4})$")
_MAANDEN = ("jan", "feb", "maa", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
"""The first three letters of each Dutch month: "1 maart 2027", "1 mrt 2027" and "1 mrt. 2027" alike."""
_AFKORTINGEN = {"mrt": 3, "mar": 3, "oct": 10}
_DUIZENDTALLEN = re.compile(r"^\d{1,3}(\.\d{3})+$")


def datum_nl(waarde: str) -> str:
    """A date as Dutch people write it ("1 maart 2027", "1-3-2027", "01-03-2027") as ISO; anything else as it
    came (ISO passes through; pydantic reports the rest)."""
    tekst = " ".join(waarde.strip().lower().split())
    if m := _DATUM_NL.match(tekst):
        return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    if (m := _DATUM_WOORDEN.match(tekst)) and (maand := _maand(m[2])):
        return f"{m[3]}-{maand:02d}-{int(m[1]):02d}"
    return waarde


def _maand(woord: str) -> int | None:
    if woord[:3] in _AFKORTINGEN:
        return _AFKORTINGEN[woord[:3]]
    return _MAANDEN.index(woord[:3]) + 1 if woord[:3] in _MAANDEN else None


def bedrag_nl(waarde: str) -> str:
    """An amount as Dutch people write it ("€ 75,-", "75,50", "€75", "1.250,00", "1.250") as a plain decimal
    ("75", "75.50", "1250.00"); anything else as it came, for pydantic to report."""
    bedrag = re.sub(r"(?i)€|eur(o)?|\s", "", waarde)
    bedrag = re.sub(r",[-=]$", "", bedrag)  # "75,-" and "75,=": whole euros
    if "," in bedrag:
        return bedrag.replace(".", "").replace(",", ".")
    return bedrag.replace(".", "") if _DUIZENDTALLEN.match(bedrag) else bedrag


class Registerregel(BaseModel):
    """What every register entry shares: Dutch input (ja/nee, 1-3-2027, 75,50) and no characters a database
    cannot keep."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _invoer(cls, waarde: Any, info: ValidationInfo) -> Any:
        if not isinstance(waarde, str):
            return waarde
        if "\x00" in waarde:
            raise ValueError("Bevat een teken dat niet kan worden opgeslagen (een nul-teken).")
        veld = cls.model_fields[info.field_name]
        soort = str(veld.annotation)  # e.g. "<class 'bool'>", "datetime.date | None"
        if not waarde.strip():
            # an empty form field: an unticked ja/nee, or no value; a required text stays "" (its min_length)
            return False if "bool" in soort else (waarde if veld.is_required() else None)
        if "bool" in soort:
            return {"ja": True, "nee": False}.get(waarde.strip().lower(), waarde)
        if "date" in soort:
            return datum_nl(waarde)
        if "Decimal" in soort:
            return bedrag_nl(waarde)
        return waarde


class Nevenfunctie(Registerregel):
    """A side position (nevenfunctie, nevenwerkzaamheid): public per person for Statenleden, GS-leden and the
    cvdK (q.q. or not, bezoldigd or not), for staff from schaal 14 by function name with the beperkende maatregel
    GS set (Bijlage 4); an ended one stays in the history with its `tot`."""

    omschrijving: str = Field(
        min_length=1,
        max_length=500,
        title="Omschrijving",
        description="Wat u doet, bijvoorbeeld 'bestuurslid van de stichting' of 'zelfstandig adviseur'.",
        json_schema_extra=openbaar("Wat de nevenfunctie inhoudt, bijvoorbeeld bestuurslid van een stichting."),
    )
    organisatie: str | None = Field(
        None,
        max_length=300,
        title="Organisatie",
        description="Bij welke organisatie, vereniging of onderneming.",
        json_schema_extra=openbaar("De organisatie, vereniging of onderneming waar de nevenfunctie wordt vervuld."),
    )
    functie: str | None = Field(
        None,
        max_length=200,
        title="Functie",
        description="Uw rol daar, bijvoorbeeld voorzitter of penningmeester.",
        json_schema_extra=openbaar("De functie die bij die organisatie wordt vervuld, bijvoorbeeld voorzitter."),
    )
    bezoldigd: bool = Field(
        False,
        title="Bezoldigd",
        description="Ontvangt u er een vergoeding of salaris voor?",
        json_schema_extra=openbaar("Ja als er een vergoeding of salaris tegenover staat."),
    )
    qq: bool = Field(
        False,
        title="Uit hoofde van het ambt (q.q.)",
        description="Vervult u deze functie omdat u Statenlid, gedeputeerde of Commissaris bent?",
        json_schema_extra=openbaar(
            "Ja als de functie uit hoofde van het ambt wordt vervuld (qualitate qua), nee bij een overige nevenfunctie."
        ),
    )
    sinds: date | None = Field(
        None,
        title="Sinds",
        description="Vanaf wanneer u deze functie vervult.",
        json_schema_extra=openbaar("Sinds wanneer de functie wordt vervuld."),
    )
    tot: date | None = Field(
        None,
        title="Tot",
        description="Wanneer de functie eindigde of eindigt; laat leeg als ze doorloopt.",
        json_schema_extra=openbaar("Wanneer de functie eindigt of eindigde; leeg als ze doorloopt."),
    )
    beperkende_maatregel: str | None = Field(
        None,
        max_length=2000,
        title="Beperkende maatregel",
        description="Voor medewerkers: de beperking die Gedeputeerde Staten aan deze nevenwerkzaamheid stellen "
        "(Bijlage 4). Vult de eigenaar in.",
        json_schema_extra=openbaar(
            "De beperking die Gedeputeerde Staten aan de nevenwerkzaamheid stellen (Bijlage 4); leeg als er geen is.",
            **EIGENAAR,
        ),
    )

    @field_validator("tot")
    @classmethod
    def _tot_na_sinds(cls, tot: date | None, info: ValidationInfo) -> date | None:
        return _na_sinds(tot, info)


class FinancieelBelang(Registerregel):
    """A financial interest that may touch the province's interests: public per person for Statenleden, GS-leden
    and the cvdK."""

    soort: str = Field(
        min_length=1,
        max_length=200,
        title="Soort belang",
        description="Bijvoorbeeld aandelen, een deelneming, onroerend goed of een lening.",
        json_schema_extra=openbaar("Het soort belang: aandelen, een deelneming, onroerend goed, een lening, ..."),
    )
    omschrijving: str = Field(
        min_length=1,
        max_length=500,
        title="Omschrijving",
        description="Waarin u het belang heeft, zo dat duidelijk is of het de provincie raakt.",
        json_schema_extra=openbaar("Waarin het belang bestaat, zo dat te zien is of het provinciale belangen raakt."),
    )
    sinds: date | None = Field(
        None,
        title="Sinds",
        description="Vanaf wanneer u dit belang heeft.",
        json_schema_extra=openbaar("Sinds wanneer het belang bestaat."),
    )
    tot: date | None = Field(
        None,
        title="Tot",
        description="Wanneer het belang eindigde; laat leeg als u het nog heeft.",
        json_schema_extra=openbaar("Wanneer het belang eindigt of eindigde; leeg als het nog bestaat."),
    )

    @field_validator("tot")
    @classmethod
    def _tot_na_sinds(cls, tot: date | None, info: ValidationInfo) -> date | None:
        return _na_sinds(tot, info)


class Geschenk(Registerregel):
    """A gift received: up to EUR 50 the receiver may keep it; above, it is reported and handed in, and the
    eigenaar decides and records its bestemming (Integriteitsplan acties 10 en 11)."""

    omschrijving: str = Field(
        min_length=1,
        max_length=500,
        title="Omschrijving",
        description="Wat u kreeg.",
        json_schema_extra=openbaar("Welk geschenk is ontvangen."),
    )
    gever: str = Field(
        min_length=1,
        max_length=300,
        title="Gever",
        description="Van wie (persoon of organisatie).",
        json_schema_extra=openbaar("Van wie het geschenk kwam (een persoon of een organisatie)."),
    )
    datum: date = Field(
        title="Datum ontvangen",
        description="Wanneer u het kreeg.",
        json_schema_extra=openbaar("Wanneer het geschenk is ontvangen."),
    )
    geschatte_waarde: Decimal = Field(
        ge=0,
        max_digits=10,
        decimal_places=2,
        title="Geschatte waarde (EUR)",
        description="Uw schatting in euro's, bijvoorbeeld 25 of 75,50.",
        json_schema_extra=openbaar("De geschatte waarde van het geschenk in euro."),
    )
    ingeleverd_bij: str | None = Field(
        None,
        max_length=300,
        validate_default=True,
        title="Ingeleverd bij",
        description="Bij wie u het geschenk heeft ingeleverd.",
        json_schema_extra=openbaar("Bij wie het geschenk is ingeleverd.", verplicht_als="bij een waarde boven € 50"),
    )
    bestemming: str | None = Field(
        None,
        max_length=500,
        title="Bestemming",
        description="Wat er met het geschenk gebeurt. Besluit en vult de eigenaar in.",
        json_schema_extra=openbaar(
            "De bestemming die aan het geschenk is gegeven; leeg zolang daarover nog niet is besloten.", **EIGENAAR
        ),
    )

    @field_validator("ingeleverd_bij")
    @classmethod
    def _inleveren(cls, bij: str | None, info: ValidationInfo) -> str | None:
        waarde = info.data.get("geschatte_waarde")
        if not bij and waarde is not None and waarde > GRENS_GESCHENK:
            raise ValueError(
                "Een geschenk van meer dan € 50 wordt gemeld en ingeleverd: vul in bij wie u het heeft ingeleverd."
            )
        return bij


def _na_sinds(tot: date | None, info: ValidationInfo) -> date | None:
    sinds = info.data.get("sinds")
    if tot is not None and sinds is not None and tot < sinds:
        raise ValueError("De einddatum ligt vóór de begindatum.")
    return tot


REGISTERS: dict[str, type[Registerregel]] = {
    "nevenfuncties": Nevenfunctie,
    "financiele-belangen": FinancieelBelang,
    "geschenken": Geschenk,
}
"""Every register by the name a proces uses (`models.proces.Register`)."""

TITELS: dict[str, str] = {
    "nevenfuncties": "Nevenfuncties",
    "financiele-belangen": "Financiële belangen",
    "geschenken": "Geschenken",
}
"""How a register is called in pages and messages."""

ENKELVOUD: dict[str, str] = {
    "nevenfuncties": "de nevenfunctie",
    "financiele-belangen": "het financiële belang",
    "geschenken": "het geschenk",
}
"""One entry of a register, as a sentence names it ("Aanvaard: de nevenfunctie ...")."""


def alleen_eigenaar(model: type[BaseModel]) -> set[str]:
    """The fields of `model` only the eigenaar fills."""
    return {naam for naam in model.model_fields if _extra(model, naam).get("alleen_eigenaar")}


def verplicht_als(model: type[BaseModel], naam: str) -> str | None:
    """When an optional field of `model` must be filled after all (e.g. "bij een waarde boven € 50"), if ever."""
    voorwaarde = _extra(model, naam).get("verplicht_als")
    return str(voorwaarde) if voorwaarde else None


def openbare_omschrijving(model: type[BaseModel], naam: str) -> str:
    """What field `naam` of `model` means, for a reader of the public registers (not the form's instructions)."""
    return str(_extra(model, naam)["openbaar"])


def _extra(model: type[BaseModel], naam: str) -> dict[str, object]:
    extra = model.model_fields[naam].json_schema_extra
    return extra if isinstance(extra, dict) else {}


_BERICHTEN = {
    "missing": "Vul dit veld in.",
    "string_too_short": "Vul dit veld in.",
    "string_type": "Vul hier tekst in.",
    "bool_parsing": "Kies ja of nee.",
    "bool_type": "Kies ja of nee.",
    "date_parsing": "Geen geldige datum; schrijf bijvoorbeeld 1 maart 2027 of 1-3-2027.",
    "date_from_datetime_parsing": "Geen geldige datum; schrijf bijvoorbeeld 1 maart 2027 of 1-3-2027.",
    "date_from_datetime_inexact": "Vul alleen een datum in, zonder tijd.",
    "date_type": "Geen geldige datum; schrijf bijvoorbeeld 1 maart 2027 of 1-3-2027.",
    "decimal_parsing": "Geen geldig bedrag; schrijf bijvoorbeeld 75 of 75,50.",
    "decimal_type": "Geen geldig bedrag; schrijf bijvoorbeeld 75 of 75,50.",
    "decimal_max_places": "Hoogstens twee cijfers achter de komma.",
    "decimal_max_digits": "Dit bedrag is te groot.",
    "decimal_whole_digits": "Dit bedrag is te groot.",
    "greater_than_equal": "Een bedrag kan niet negatief zijn.",
    "extra_forbidden": "Dit veld hoort niet bij dit register.",
}


def fouten_nl(fout: ValidationError) -> dict[str, str]:
    """One Dutch message per field (the first problem found); a problem of the whole entry under ''."""
    berichten: dict[str, str] = {}
    for f in fout.errors():
        veld = str(f["loc"][0]) if f["loc"] else ""
        if veld in berichten:
            continue
        soort = f["type"]
        if soort == "value_error" and "error" in f.get("ctx", {}):
            berichten[veld] = str(f["ctx"]["error"])
        elif soort == "string_too_long":
            berichten[veld] = f"Te lang: hoogstens {f['ctx']['max_length']} tekens."
        elif f.get("input") in (None, "") and soort != "extra_forbidden":
            berichten[veld] = "Vul dit veld in."
        else:
            berichten[veld] = _BERICHTEN.get(soort, "Deze waarde klopt niet.")
    return berichten
