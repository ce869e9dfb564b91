"""Deterministic generator of a synthetic demo organisation for Provincie Utrecht, and of its turnover.

Every person is invented. Run `python -m demo.genereer` to (re)write `demo/organisatie.csv`. `verloop` gives the
organisation's later HR exports: each quarter some staff leave and as many join, and after each election most
Statenleden are replaced, and then most gedeputeerden; the simulator replays them as imports.
"""

from __future__ import annotations

import csv
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

SEED = 2027
CSV_PATH = Path(__file__).with_name("organisatie.csv")
COLUMNS = [
    "extern_id",
    "naam",
    "email",
    "rollen",
    "fractie",
    "team",
    "afdeling",
    "functie",
    "leidinggevende",
    "schaal",
    "inhuur",
    "ambtseed",
    "in_dienst",
    "uit_dienst",
    "benoemd",
]
TOTAL_MEDEWERKERS = 1500
INHUUR_KANS = 0.08
GEEN_EED_KANS = 0.03
AANTAL_GS = 6
AANTREDEN = (date(2027, 3, 30), date(2031, 3, 27))
"""The days new Provinciale Staten take office after the elections of March 2027 and 2031."""
COLLEGE = (date(2027, 6, 2), date(2031, 6, 4))
"""The days a new college of Gedeputeerde Staten takes office after those elections."""
HERKOZEN = 0.3
"""The share of Statenleden who return after an election, and of gedeputeerden in the new college."""
VERLOOP_PER_KWARTAAL = 0.02
"""The share of staff who leave each quarter; as many join."""

VOORNAMEN = [
    "Anna",
    "Emma",
    "Sophie",
    "Julia",
    "Sanne",
    "Lisa",
    "Eva",
    "Fleur",
    "Iris",
    "Lotte",
    "Noor",
    "Anouk",
    "Femke",
    "Marieke",
    "Esther",
    "Linda",
    "Monique",
    "Petra",
    "Ingrid",
    "Karin",
    "Marloes",
    "Ilse",
    "Suzanne",
    "Yvonne",
    "Hanneke",
    "Maaike",
    "Nienke",
    "Renée",
    "Zoë",
    "Chloë",
    "Inès",
    "Fatima",
    "Yasmina",
    "Samira",
    "Priya",
    "Mei",
    "Anne-Marie",
    "Daan",
    "Sem",
    "Lucas",
    "Thomas",
    "Bram",
    "Ruben",
    "Tim",
    "Niels",
    "Jeroen",
    "Bas",
    "Joost",
    "Sander",
    "Pieter",
    "Jan",
    "Kees",
    "Erik",
    "Marco",
    "Dennis",
    "Martijn",
    "Rick",
    "Stefan",
    "Wouter",
    "Maarten",
    "Koen",
    "Thijs",
    "Lars",
    "Gijs",
    "Jasper",
    "Vincent",
    "Paul",
    "René",
    "André",
    "Mohamed",
    "Youssef",
    "Ahmet",
    "Mehmet",
    "Rahul",
    "Kevin",
    "Jan-Willem",
]
ACHTERNAMEN = [
    "de Vries",
    "Jansen",
    "de Jong",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Maas",
    "Verhoeven",
    "Koster",
    "van der Wal",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "de Lange",
    "Kuipers",
    "van Wijk",
    "Post",
    "Kuiper",
    "Veenstra",
    "Kramer",
    "van den Brink",
    "Scholten",
    "Martens",
    "Vink",
    "Timmer",
    "Hoogendoorn",
    "van Dongen",
    "Groen",
    "Evers",
    "van der Laan",
    "Verbeek",
    "Gerritsen",
    "Jonker",
    "Sanders",
    "Willemsen",
    "Bosman",
    "Koning",
    "van Loon",
    "Lammers",
    "Driessen",
    "Zwart",
    "Snijders",
    "Verschoor",
    "van 't Hof",
    "Şahin",
    "Öztürk",
    "El Amrani",
    "Bouzid",
    "Ramdin",
    "Nguyen",
]
# Combinations that happen to match well-known (former) politicians are skipped.
VERMIJDEN = {"Jan de Vries", "Sander Dekker", "Esther de Lange", "Kees Verhoeven", "Dennis de Jong", "Erik Meijer"}

FRACTIES = {
    "Groen Utrecht": 9,
    "Provinciaal Belang": 7,
    "Utrechts Midden": 6,
    "Stad en Ommeland": 5,
    "Burgers Centraal": 5,
    "Sociaal Utrecht": 4,
    "Vrijzinnig Utrecht": 4,
    "Vecht en Rijn Partij": 3,
    "Lijst Kromme Rijn": 2,
    "Eemland Verbonden": 2,
    "Duurzaam Utrecht": 1,
    "Nieuwe Toekomst": 1,
}

AFDELINGEN = {
    "Ruimte en Wonen": [
        "Ruimtelijke Ordening",
        "Wonen",
        "Omgevingsvisie",
        "Bodem en Water",
        "Grondzaken",
        "Vergunningverlening Ruimte",
        "Erfgoed",
        "Ruimtelijke Projecten",
    ],
    "Mobiliteit": [
        "Verkeersveiligheid",
        "Openbaar Vervoer",
        "Fiets",
        "Wegbeheer",
        "Infraprojecten",
        "Verkeersmanagement",
        "Mobiliteitsbeleid",
        "Vaarwegen",
        "Assetmanagement",
    ],
    "Natuur en Landbouw": [
        "Natuurbeleid",
        "Landbouw en Voedsel",
        "Stikstof",
        "Gebiedsgerichte Aanpak",
        "Soortenbescherming",
        "Recreatie en Groen",
        "Water en Klimaatadaptatie",
        "Natuurbeheer",
    ],
    "Milieu en Energie": [
        "Energietransitie",
        "Luchtkwaliteit",
        "Geluid",
        "Circulaire Economie",
        "Toezicht en Handhaving",
        "Vergunningen Milieu",
        "Externe Veiligheid",
        "Klimaat",
    ],
    "Economie en Cultuur": [
        "Economische Zaken",
        "Arbeidsmarkt",
        "Cultuur",
        "Sport",
        "Innovatie",
        "Vrijetijdseconomie",
        "Kennisinstellingen",
        "Sociaal Domein",
        "Digitale Economie",
    ],
    "Bedrijfsvoering": [
        "HRM",
        "Matchpoint",
        "Inkoop",
        "Financiën",
        "ICT",
        "Informatiebeheer",
        "Facilitaire Zaken",
        "Juridische Zaken",
        "Huisvesting",
        "Data en Digitalisering",
    ],
    "Concernstaf": [
        "Bestuursondersteuning",
        "Communicatie",
        "Strategie",
        "Concerncontrol",
        "Integriteit en Veiligheid",
        "Interbestuurlijk Toezicht",
        "Europa en Internationaal",
        "Kabinet",
    ],
}

# (title, lowest scale, highest scale, weight)
FUNCTIES_ALGEMEEN = [
    ("Beleidsmedewerker", 9, 11, 20),
    ("Senior beleidsmedewerker", 11, 12, 10),
    ("Adviseur", 10, 12, 10),
    ("Projectleider", 11, 13, 6),
    ("Projectmedewerker", 8, 10, 6),
    ("Jurist", 10, 12, 4),
    ("Communicatieadviseur", 10, 11, 2),
    ("Data-analist", 10, 12, 2),
    ("Managementassistent", 7, 8, 4),
    ("Administratief medewerker", 5, 7, 3),
    ("Trainee", 8, 8, 1),
    ("Strategisch adviseur", 12, 14, 2),
    ("Programmamanager", 13, 15, 1),
    ("Concernadviseur", 14, 16, 0.3),
]
FUNCTIES_AFDELING = {
    "Ruimte en Wonen": [("Planoloog", 10, 12, 6), ("Stedenbouwkundige", 10, 12, 3)],
    "Mobiliteit": [("Verkeerskundige", 9, 11, 6), ("Wegbeheerder", 8, 10, 5), ("Weginspecteur", 7, 9, 4)],
    "Natuur en Landbouw": [("Ecoloog", 10, 11, 5), ("Gebiedsmakelaar", 10, 12, 4)],
    "Milieu en Energie": [("Toezichthouder", 8, 10, 6), ("Vergunningverlener", 9, 11, 6)],
    "Economie en Cultuur": [("Accountmanager", 10, 11, 5), ("Cultuurconsulent", 9, 11, 3)],
    "Bedrijfsvoering": [
        ("Financieel adviseur", 10, 12, 5),
        ("ICT-specialist", 9, 12, 6),
        ("Informatiebeheerder", 8, 10, 4),
        ("Facilitair medewerker", 5, 7, 3),
    ],
    "Concernstaf": [("Concerncontroller", 11, 13, 3), ("Woordvoerder", 11, 12, 2)],
}


@dataclass(frozen=True)
class Special:
    """Employees in a team who carry an extra role; functie None means an ordinary title."""

    rol: str
    team: str
    aantal: int
    functie: str | None = None
    schalen: tuple[int, int] = (10, 11)
    benoemd: str = ""
    meer_rollen: tuple[str, ...] = ()


SPECIALS = [
    Special("integriteitscoordinator", "Integriteit en Veiligheid", 1, "Integriteitscoördinator", (12, 12)),
    Special("bestuursadviseur-gs", "Bestuursondersteuning", 2, "Bestuursadviseur GS", (11, 13)),
    Special("po", "HRM", 3, "HR-adviseur"),
    Special("inkoop", "Inkoop", 3, "Inkoopadviseur", (9, 11), meer_rollen=("meldplichtig",)),
    Special("matchpoint", "Matchpoint", 2, "Adviseur instroom"),
    Special("vertrouwenspersoon", "Juridische Zaken", 1, benoemd="2025-06-01"),
    Special("vertrouwenspersoon", "Gebiedsgerichte Aanpak", 1, benoemd="2022-01-01"),
]
GRIFFIE_STAF = [("Plaatsvervangend griffier", 13), ("Commissiegriffier", 11), ("Commissiegriffier", 10)]


@dataclass(frozen=True)
class Unit:
    """Where an employee sits and who their manager is."""

    team: str
    afdeling: str
    leidinggevende: str


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def _ja_nee(value: bool) -> str:
    return "ja" if value else "nee"


class Organisation:
    """Collects rows and hands out ids, names and unique e-mail addresses."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.rows: list[dict[str, str]] = []
        self._emails: set[str] = set()
        self._counters = {"P": 0, "M": 0}

    def _name(self) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(VOORNAMEN), self.rng.choice(ACHTERNAMEN)
            if f"{first} {last}" not in VERMIJDEN:
                return first, last

    def _email(self, first: str, last: str) -> str:
        base, number = f"{_slug(first)}.{_slug(last)}", 1
        local = base
        while local in self._emails:
            number += 1
            local = f"{base}{number}"
        self._emails.add(local)
        return f"{local}@demo.example"

    def add(self, prefix: str, rollen: list[str], functie: str, **fields: str) -> str:
        self._counters[prefix] += 1
        extern_id = f"{prefix}{self._counters[prefix]:05d}"
        first, last = self._name()
        row = dict.fromkeys(COLUMNS, "")
        row.update(extern_id=extern_id, naam=f"{first} {last}", email=self._email(first, last))
        row.update(rollen=";".join(rollen), functie=functie, inhuur="nee", ambtseed="nee")
        row.update(fields)
        self.rows.append(row)
        return extern_id

    def employee(
        self,
        unit: Unit,
        rollen: list[str],
        functie: str,
        schaal: int,
        *,
        inhuur: bool = False,
        ambtseed: bool = True,
        **fields: str,
    ) -> str:
        return self.add(
            "M",
            ["medewerker", *rollen],
            functie,
            team=unit.team,
            afdeling=unit.afdeling,
            leidinggevende=unit.leidinggevende,
            schaal=str(schaal),
            inhuur=_ja_nee(inhuur),
            ambtseed=_ja_nee(ambtseed),
            **fields,
        )


def _add_bestuur(org: Organisation) -> None:
    org.add("P", ["cvdk"], "Commissaris van de Koning")
    for _ in range(AANTAL_GS):
        org.add("P", ["gs-lid"], "Gedeputeerde")


def _add_staten(org: Organisation) -> None:
    for fractie, size in FRACTIES.items():
        chair = org.rng.randrange(size)
        for index in range(size):
            if index == chair:
                org.add("P", ["statenlid", "fractievoorzitter"], "Fractievoorzitter", fractie=fractie)
            else:
                org.add("P", ["statenlid"], "Statenlid", fractie=fractie)


def _team_sizes(rng: random.Random, teams: int, total: int) -> list[int]:
    """Random team sizes (excluding the teamleider) nudged until they add up to total."""
    sizes = [rng.randint(14, 34) for _ in range(teams)]
    while (diff := total - sum(sizes)) != 0:
        index, step = rng.randrange(teams), 1 if diff > 0 else -1
        if 10 <= sizes[index] + step <= 40:
            sizes[index] += step
    return sizes


def _functie(rng: random.Random, afdeling: str) -> tuple[str, int]:
    pool = FUNCTIES_ALGEMEEN + FUNCTIES_AFDELING.get(afdeling, [])
    title, low, high, _ = rng.choices(pool, weights=[f[3] for f in pool])[0]
    return title, rng.randint(low, high)


def _add_special(org: Organisation, unit: Unit, special: Special) -> None:
    for _ in range(special.aantal):
        functie, schaal = _functie(org.rng, unit.afdeling)
        if special.functie:
            functie, schaal = special.functie, org.rng.randint(*special.schalen)
        org.employee(unit, [special.rol, *special.meer_rollen], functie, schaal, benoemd=special.benoemd)


def _add_member(org: Organisation, unit: Unit) -> None:
    functie, schaal = _functie(org.rng, unit.afdeling)
    inhuur = org.rng.random() < INHUUR_KANS
    ambtseed = not inhuur and org.rng.random() >= GEEN_EED_KANS
    org.employee(unit, [], functie, schaal, inhuur=inhuur, ambtseed=ambtseed)


def _add_team(org: Organisation, unit: Unit, size: int) -> None:
    leader = org.employee(unit, ["teamleider"], "Teamleider", org.rng.randint(12, 14))
    members = Unit(unit.team, unit.afdeling, leader)
    specials = [s for s in SPECIALS if s.team == unit.team]
    for special in specials:
        _add_special(org, members, special)
    for _ in range(size - sum(s.aantal for s in specials)):
        _add_member(org, members)


def _add_griffie(org: Organisation) -> None:
    """The griffie serves Provinciale Staten, so the griffier has no manager in the organisation."""
    griffier = org.employee(Unit("Statengriffie", "Statengriffie", ""), ["statengriffie"], "Griffier", 15)
    staff = Unit("Statengriffie", "Statengriffie", griffier)
    for functie, schaal in GRIFFIE_STAF:
        org.employee(staff, ["statengriffie"], functie, schaal)


def _add_medewerkers(org: Organisation) -> None:
    teams = sum(len(names) for names in AFDELINGEN.values())
    members = TOTAL_MEDEWERKERS - 1 - len(AFDELINGEN) - teams - 1 - len(GRIFFIE_STAF)
    sizes = iter(_team_sizes(org.rng, teams, members))
    top = org.employee(Unit("", "Concernstaf", ""), ["algemeen-directeur", "directie"], "Algemeen directeur", 18)
    for afdeling, names in AFDELINGEN.items():
        director = org.employee(Unit("", afdeling, top), ["directie"], f"Directeur {afdeling}", org.rng.randint(15, 17))
        for team in names:
            _add_team(org, Unit(team, afdeling, director), next(sizes))
    _add_griffie(org)


def genereer() -> list[dict[str, str]]:
    """All rows of the demo organisation; identical on every run."""
    org = Organisation()
    _add_bestuur(org)
    _add_staten(org)
    _add_medewerkers(org)
    return org.rows


REGISTERS_PATH = Path(__file__).with_name("registers.json")


def register_regels(rows: list[dict[str, str]]) -> list[dict]:
    """Synthetic register entries for every case the publication rules distinguish: q.q. and other, paid,
    ended, gifts above and below EUR 50, staff on both sides of schaal 14, and hired staff."""

    def eerste(**criteria) -> str:
        return next(r["extern_id"] for r in rows if all(test(r.get(k, "")) for k, test in criteria.items()))

    cvdk, gs, gs2 = eerste(rollen=lambda v: v == "cvdk"), eerste(rollen=lambda v: v == "gs-lid"), "P00003"
    statenlid = eerste(rollen=lambda v: v.startswith("statenlid"))
    schaal = lambda pred: lambda v: v.isdigit() and pred(int(v))  # noqa: E731
    hoog = eerste(rollen=lambda v: v == "medewerker", schaal=schaal(lambda s: s >= 14), inhuur=lambda v: v == "nee")
    laag = eerste(rollen=lambda v: v == "medewerker", schaal=schaal(lambda s: s < 14), inhuur=lambda v: v == "nee")
    inhuur = eerste(rollen=lambda v: v == "medewerker", schaal=schaal(lambda s: s >= 14), inhuur=lambda v: v == "ja")
    nf, fb, gk = "nevenfuncties", "financiele-belangen", "geschenken"
    return [
        {
            "persoon": cvdk,
            "register": nf,
            "velden": {
                "omschrijving": "Voorzitter van het veiligheidsberaad",
                "organisatie": "Veiligheidsregio Voorbeeld",
                "functie": "Voorzitter",
                "qq": True,
                "sinds": "2025-01-01",
            },
        },
        {
            "persoon": gs,
            "register": nf,
            "velden": {
                "omschrijving": "Lid algemeen bestuur",
                "organisatie": "Recreatieschap Voorbeeldplas",
                "functie": "Lid",
                "qq": True,
                "sinds": "2025-05-01",
            },
        },
        {
            "persoon": gs,
            "register": nf,
            "velden": {
                "omschrijving": "Voorzitter van een stichting",
                "organisatie": "Stichting Vrienden van het Voorbeeldmuseum",
                "functie": "Voorzitter",
                "bezoldigd": True,
                "sinds": "2019-09-01",
            },
        },
        {
            "persoon": gs,
            "register": nf,
            "velden": {
                "omschrijving": "Bestuurslid sportvereniging",
                "organisatie": "Hockeyclub Voorbeeld",
                "functie": "Secretaris",
                "sinds": "2015-01-01",
                "tot": "2026-12-31",
            },
        },
        {
            "persoon": statenlid,
            "register": nf,
            "velden": {
                "omschrijving": "Docent bestuurskunde",
                "organisatie": "Hogeschool Voorbeeldstad",
                "functie": "Docent",
                "bezoldigd": True,
                "sinds": "2020-02-01",
            },
        },
        {
            "persoon": statenlid,
            "register": fb,
            "velden": {
                "soort": "Aandelen",
                "omschrijving": "Aandelen in Voorbeeld Energie B.V., actief in de provincie",
                "sinds": "2018-06-01",
            },
        },
        {
            "persoon": gs2,
            "register": gk,
            "velden": {
                "omschrijving": "Fles wijn en een boek",
                "gever": "Voorbeeld Bouw B.V.",
                "datum": "2026-11-12",
                "geschatte_waarde": "120",
                "ingeleverd_bij": "Bestuurssecretariaat",
                "bestemming": "Verloot onder medewerkers",
            },
        },
        {
            "persoon": gs2,
            "register": gk,
            "velden": {
                "omschrijving": "Bos bloemen",
                "gever": "Dorpsraad Voorbeeld",
                "datum": "2026-11-20",
                "geschatte_waarde": "25",
            },
        },
        {
            "persoon": statenlid,
            "register": gk,
            "velden": {
                "omschrijving": "Dinerbon",
                "gever": "Voorbeeld Vastgoed",
                "datum": "2026-10-02",
                "geschatte_waarde": "75",
                "ingeleverd_bij": "Statengriffie",
                "bestemming": "Geschonken aan de voedselbank",
            },
        },
        {
            "persoon": hoog,
            "register": nf,
            "velden": {
                "omschrijving": "Bestuurder vereniging",
                "organisatie": "Vereniging Voorbeeldwater",
                "functie": "Penningmeester",
                "sinds": "2021-03-01",
                "beperkende_maatregel": "Geen bemoeienis bij aangelegenheden over subsidies aan de vereniging",
            },
        },
        {
            "persoon": hoog,
            "register": gk,
            "velden": {
                "omschrijving": "Kerstpakket",
                "gever": "Voorbeeld Advies",
                "datum": "2026-12-18",
                "geschatte_waarde": "60",
                "ingeleverd_bij": "Algemeen directeur",
            },
        },
        {
            "persoon": laag,
            "register": nf,
            "velden": {
                "omschrijving": "Zelfstandig fotograaf",
                "organisatie": "Eigen onderneming",
                "bezoldigd": True,
                "sinds": "2022-01-01",
            },
        },
        {
            "persoon": inhuur,
            "register": nf,
            "velden": {
                "omschrijving": "Eigen adviesbureau",
                "organisatie": "Adviesbureau Voorbeeld",
                "functie": "Eigenaar",
                "bezoldigd": True,
                "sinds": "2016-01-01",
            },
        },
    ]


def verloop(rows: list[dict[str, str]], van: date, tot: date, seed: int) -> list[tuple[date, list[dict[str, str]]]]:
    """The HR exports that follow `rows` between `van` and `tot`: on the first day of each quarter some staff
    (with no role but medewerker) leave and as many join, in the same team, function and scale; on the day new
    Staten take office most Statenleden are replaced, and on the day the new college takes office most
    gedeputeerden. Identical for the same seed."""
    org = Organisation(seed)
    org.rows = [dict.fromkeys(COLUMNS, "") | row for row in rows]
    org._emails = {row["email"].split("@")[0] for row in rows}  # noqa: SLF001 - the organisation's own ledger
    for prefix in org._counters:  # noqa: SLF001
        org._counters[prefix] = max((int(r["extern_id"][1:]) for r in rows if r["extern_id"][0] == prefix), default=0)  # noqa: SLF001
    kwartalen = [date(jaar, maand, 1) for jaar in range(van.year, tot.year + 1) for maand in (1, 4, 7, 10)]
    exports = []
    for dag in sorted(d for d in {*kwartalen, *AANTREDEN, *COLLEGE} if van <= d <= tot):
        if dag in AANTREDEN:
            _verkiezing(org, dag, "statenlid")
        elif dag in COLLEGE:
            _verkiezing(org, dag, "gs-lid")
        else:
            _kwartaal(org, dag)
        exports.append((dag, [dict(row) for row in org.rows]))
    return exports


def _kwartaal(org: Organisation, dag: date) -> None:
    staf = [row for row in org.rows if row["rollen"] == "medewerker"]
    for vertrekker in org.rng.sample(staf, round(len(staf) * VERLOOP_PER_KWARTAAL)):
        org.rows.remove(vertrekker)
        unit = Unit(vertrekker["team"], vertrekker["afdeling"], vertrekker["leidinggevende"])
        inhuur = org.rng.random() < INHUUR_KANS
        org.employee(
            unit,
            [],
            vertrekker["functie"],
            int(vertrekker["schaal"]),
            inhuur=inhuur,
            ambtseed=False,
            in_dienst=str(dag),
        )


def _verkiezing(org: Organisation, dag: date, rol: str) -> None:
    """Most holders of `rol` replaced by newcomers appointed on `dag`."""
    for lid in [row for row in org.rows if rol in row["rollen"].split(";")]:
        if org.rng.random() >= HERKOZEN:
            org.rows.remove(lid)
            org.add("P", lid["rollen"].split(";"), lid["functie"], fractie=lid["fractie"], benoemd=str(dag))


def main() -> None:
    rows = genereer()
    REGISTERS_PATH.write_text(json.dumps(register_regels(rows), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with CSV_PATH.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows written to {CSV_PATH}")


if __name__ == "__main__":
    main()
