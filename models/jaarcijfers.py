"""The figures of Bijlage 2 section IV the engine cannot know, recorded anonymously by the coordinator during
the year: per category a count and a short description, never a name."""

from __future__ import annotations

CATEGORIEEN: dict[str, str] = {
    "melding-aantal": "Meldingen van vermoedelijke misstanden: a. aantal meldingen",
    "melding-aard": "Meldingen: b. indicatie van de aard van de meldingen",
    "melding-uitkomst": "Meldingen: c. de uitkomsten van de onderzoeken",
    "melding-standpunt": "Meldingen: d. standpunten van de werkgever",
    "melding-benadeling": "Meldingen: e. ervaringen met het tegengaan van benadeling van de melder",
    "benadeling-verzoeken": "Meldingen: f. aantal verzoeken om onderzoek naar benadeling",
    "benadeling-uitkomst": "Meldingen: g. uitkomsten van de onderzoeken onder f",
    "benadeling-standpunt": "Meldingen: h. standpunten van de werkgever over de uitkomsten onder f",
    "onderzoeken": "Verrichte integriteitsonderzoeken (en de resultaten ervan)",
    "incidenten": "Integriteitsincidenten (en de genomen acties)",
    "klachten": "Ontvangen klachten (intern en extern)",
    "vertrouwenspersonen": "Gesprekken van de vertrouwenspersonen",
    "trainingen": "Uitgevoerde trainingen, cursussen, workshops en conferenties/campagnes",
    "adviezen": "Adviezen van de coördinator integriteit",
    "diversen": "Diversen",
}
"""Category id -> the line of Bijlage 2 section IV it counts for, in the template's order."""

OMSCHRIJVING_MAX = 300
