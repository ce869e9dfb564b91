"""The coordinator's overview (engine.overzicht.Openstaand) as the Markdown of the Prefect artifact `openstaand`,
with links into the Prefect UI (a waiting confirmation's form, a closed ronde's table) and to the review page.

Pure text: no Prefect import, so it is tested without a server. Every name and title is escaped (`veilig`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.overzicht import Bevestiging, Inhaalronde, Lopend, Onbeantwoord, Openstaand, Rondeverwijzing, veilig
from models.tabellen import Ronde
from models.werkdagen import TIJDZONE
from notifications.opmaak import lange_datum

UI_V2 = "/v2"
"""Where Prefect 3 serves the UI it opens by default (the older one answers at the root)."""


@dataclass(frozen=True)
class Links:
    """Where the overview's links go: the Prefect UI (`ui`; '' makes them relative to the UI that shows the
    artifact), the website (`web`), and per waiting ronde the id of its confirmation run (`formulieren`)."""

    ui: str
    web: str
    formulieren: dict[int, str] = field(default_factory=dict)
    tabellen: dict[str, str] = field(default_factory=dict)
    """Artifact key -> the id of its latest version (without: the key's page, one click further)."""

    def run(self, run_id: str) -> str:
        return f"{self.ui.rstrip('/')}{UI_V2}/runs/flow-run/{run_id}"

    def tabel(self, ronde: Rondeverwijzing) -> str:
        """The ronde's table artifact: everyone asked, with their status."""
        if artefact := self.tabellen.get(sleutel(ronde)):
            return f"{self.ui.rstrip('/')}{UI_V2}/artifacts/artifact/{artefact}"
        return f"{self.ui.rstrip('/')}{UI_V2}/artifacts/key/{sleutel(ronde)}"


def sleutel(ronde: Ronde | Rondeverwijzing) -> str:
    """A stable artifact key per ronde (lowercase and dashes, as Prefect requires); a ronde for one person adds
    its id (never anything of the person)."""
    persoonlijk = str(ronde.id) if ronde.persoon_id is not None else None
    return "-".join(filter(None, ["ronde", ronde.proces, ronde.stap, ronde.startdatum.isoformat(), persoonlijk]))


def als_markdown(overzicht: Openstaand, links: Links) -> str:
    """The overview as Markdown: what is late first, then what waits for someone, then what needs a decision."""
    moment = overzicht.moment.astimezone(TIJDZONE)
    regels = [f"# Openstaand op {lange_datum(moment.date())} om {moment:%H:%M}", ""]
    regels += _lopend(overzicht.lopend)
    regels += _bevestigingen(overzicht.bevestigingen, links)
    regels += _onbeantwoord(overzicht.onbeantwoord, links)
    regels += _gemist(overzicht.gemist)
    regels += ["", "## Vraagt uw aandacht", ""]
    regels += [
        f"- Registervoorstellen die wachten op {veilig(v.rol)}"
        + (f" ({veilig(', '.join(v.wie))})" if v.wie else " (niemand heeft die rol)")
        + f": {v.aantal} ([beoordelen]({links.web.rstrip('/')}/beoordelen))"
        for v in overzicht.voorstellen
    ] or ["- Registervoorstellen die wachten op een eigenaar: 0"]
    regels.append(f"- Antwoorden om te beoordelen (map Beoordelen): {overzicht.beoordelen}")
    regels.append(
        f"- Onbestelbare adressen: {len(overzicht.onbestelbaar)}"
        + "".join(f"\n  - {veilig(n)}" for n in overzicht.onbestelbaar)
    )
    if overzicht.fouten:
        regels += ["", "## Processen met een fout", ""]
        regels.append("De laatste bewaking kon het werk van deze processen niet doen; de andere liepen gewoon door.")
        regels.append("")
        regels += [f"- {veilig(proces)}: {veilig(reden)}" for proces, reden in overzicht.fouten]
    return "\n".join(regels) + "\n"


def _wat(rij: Lopend | Bevestiging | Onbeantwoord | Inhaalronde) -> str:
    """The proces by its title, and for a ronde for one person whom it is about (their function: HR typed it)."""
    return f"{veilig(rij.titel)} ({veilig(rij.betreft)})" if rij.betreft else veilig(rij.titel)


def _lopend(lopend: list[Lopend]) -> list[str]:
    regels = ["## Lopende rondes", ""]
    if not lopend:
        return [*regels, "Er loopt geen ronde."]
    regels += ["| proces | stap | deadline | beantwoord | escalatie |", "|---|---|---|---|---|"]
    for r in lopend:
        wat, termijn = _wat(r), str(r.termijn)
        if r.termijn.te_laat:
            wat, termijn = f"**Te laat:** {wat}", f"**{termijn}**"
        escalatie = "geëscaleerd" if r.geescaleerd else ""
        regels.append(
            f"| {wat} | {veilig(r.stap or '')} | {termijn} | {r.beantwoord} van {r.verzoeken} | {escalatie} |"
        )
    if bevestigd := [r for r in lopend if r.bevestigd]:
        regels += ["", "### Bevestigd, met datum", ""]
        regels += [
            f"- {_wat(r)}: " + "; ".join(f"{veilig(b['persoon'])} op {b['datum']}" for b in r.bevestigd)
            for r in bevestigd
        ]
    return regels


def _bevestigingen(wachtend: list[Bevestiging], links: Links) -> list[str]:
    if not wachtend:
        return []
    regels = ["", "## Wacht op een bevestiging", ""]
    for b in wachtend:
        stap = f" ({veilig(b.stap)})" if b.stap else ""
        wie = veilig(", ".join(b.wie)) if b.wie else "niemand (geef iemand die rol)"
        te_laat = "**Te laat:** " if b.termijn.te_laat else ""
        if run_id := links.formulieren.get(b.ronde.id):
            hoe = f"[open het formulier]({links.run(run_id)}), dan ⋮ rechtsboven en *Resume*"
        else:
            hoe = "het formulier staat klaar na de volgende bewaking"
        regels.append(
            f"- {te_laat}{_wat(b)}{stap}: te bevestigen door {veilig(b.rol)}: {wie}; deadline {b.termijn}. "
            f"In Prefect: {hoe}. Of per e-mail, of `integriteit bevestig {b.ronde.proces}"
            + (f" --stap {b.ronde.stap}" if b.ronde.stap else "")
            + " --datum JJJJ-MM-DD`."
        )
    return regels


def _onbeantwoord(gesloten: list[Onbeantwoord], links: Links) -> list[str]:
    if not gesloten:
        return []
    regels = ["", "## Gesloten zonder alle antwoorden (laatste 30 dagen)", ""]
    regels += [
        f"- {_wat(o)}"
        + (f" ({veilig(o.stap)})" if o.stap else "")
        + f", gesloten op {lange_datum(o.gesloten)}: {o.ontbrekend} van {o.verzoeken} niet geantwoord "
        f"([wie]({links.tabel(o.ronde)}))"
        for o in gesloten
    ]
    return regels


def _gemist(gemist: list[Inhaalronde]) -> list[str]:
    if not gemist:
        return []
    regels = [
        "",
        "## Gemist: niet gestart",
        "",
        "Deze rondes hadden moeten starten toen de motor niet draaide (of de database nieuw was). Nu starten zou de "
        "ontvangers minder dan de helft van hun termijn laten, of geen; daarom startte de bewaking ze niet. Start "
        "er een met een volle termijn: `integriteit ronde start PROCES`, of in de Prefect UI: *Deployments*, het "
        "proces, *Run* > *Custom run*, `alsnog` aan. Laat u een ronde gaan, dan neemt de volgende geplande ronde "
        "haar plaats in.",
    ]
    for kop, lijst in (
        ("Nog binnen de termijn", [g for g in gemist if not g.termijn.te_laat]),
        ("Deadline verstreken", [g for g in gemist if g.termijn.te_laat]),
    ):
        if lijst:
            regels += ["", f"### {kop}", ""]
            regels += [
                f"- {_wat(g)}: gepland op {lange_datum(g.gepland)}, deadline {lange_datum(g.termijn.deadline)}"
                + ("" if g.termijn.te_laat else f" (nog {g.termijn.dagen} van de {g.dagen} dagen)")
                + f": `integriteit ronde start {g.proces}`"
                for g in lijst
            ]
    return regels
