"""The jaarverslag of a simulated year (the real engine on a simulated clock, with the demo organisation) plus
the coordinator's anonymous figures: every heading and figure of Bijlage 2, each with its source in plain words;
and the Markdown to edit, which shows what the HTML shows and escapes only what Markdown needs."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from markupsafe import escape
from sqlmodel import select

from engine import diensten, jaarverslag
from engine.bewaking import bewaking
from engine.database import maak_engine
from engine.diensten import Omgeving, OngeldigJaarcijfer
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from engine.simulator import simuleer_op
from models.instellingen import Instellingen
from models.jaarcijfers import CATEGORIEEN
from models.tabellen import Bericht
from models.werkdagen import TIJDZONE
from notifications.opmaak import datum

pytestmark = pytest.mark.traag  # a simulated year: about 30 s
NU = datetime(2028, 2, 16, 10, 0, tzinfo=TIJDZONE)
OPGAVEN = (
    ("melding-aantal", 2, "<b>Twee</b> meldingen via de vertrouwenspersoon"),
    ("trainingen", 5, "Dilemmasessies in vijf teams"),
    ("trainingen", 3, "E-learning ambtseed_2027 [nieuw]: *verplicht* voor 1 | 2 teams"),
    ("onderzoeken", 1, "1. Onderzoek naar declaraties [klik](javascript:alert(1)) & &amp; C:\\map\\_oud_ `code`"),
    ("incidenten", 3, "# Drie incidenten\n- twee <i>kleine</i>\n> één groot"),
    ("adviezen", 4, "~~~ vier adviezen (zie ook: het jaarprogramma)"),
)
"""The coordinator's figures: a description with everything Markdown could read as markup, at the start of a
line and within it; trainingen with two opgaven."""
KOPPEN = (
    "I. Kader",
    "II. Strategische/tactische managementparagraaf",
    "III. Kwalitatieve analyse",
    "IV. Cijfermatige analyse met inhoudelijke toelichtingen",
)


@pytest.fixture(scope="module")
def jaar(tmp_path_factory, catalogus):
    """2027 simulated (and January 2028, when inkoop delivers its overview), with the coordinator's figures."""
    map = tmp_path_factory.mktemp("jaarverslag")
    omg = Omgeving(maak_engine(f"sqlite:///{map / 'integriteit.db'}"), catalogus, Instellingen(smtp_host=None))
    diensten.importeer_personen(omg, bestand=None, nu=datetime(2026, 12, 31, 12, tzinfo=TIJDZONE))
    diensten.laad_demoregisters(omg, nu=datetime(2026, 12, 31, 12, tzinfo=TIJDZONE))
    simuleer_op(omg, van=date(2027, 1, 1), tot=date(2028, 1, 31), antwoordkans=0.8, zaad=3)
    for categorie, aantal, tekst in OPGAVEN:
        diensten.leg_jaarcijfer_vast(
            omg, jaar=2027, categorie=categorie, aantal=aantal, omschrijving=tekst, nu=NU, door=None
        )
    bestanden = diensten.schrijf_jaarverslag(omg, jaar=2027, map=map / "verslag", nu=NU)
    yield omg, {p.name: p.read_text(encoding="utf-8") for p in bestanden}
    omg.engine.dispose()


def _cijfers(html: str) -> dict[str, list[str]]:
    """The rows of section IV's table: subject (as HTML) -> [value, source]."""
    tabel = html.split('id="cijfers"')[1].split("</table>")[0]
    rijen = [re.findall(r"<td>(.*?)</td>", rij) for rij in re.findall(r"<tr>(<td>.*?)</tr>", tabel)]
    return {onderwerp: rest for onderwerp, *rest in rijen}


def test_every_heading_of_bijlage_2_with_marked_places_for_the_coordinator(jaar):
    omg, bestanden = jaar
    for naam in ("jaarverslag-2027.html", "jaarverslag-2027.md"):
        for kop in KOPPEN:
            assert kop in bestanden[naam], (naam, kop)
        assert bestanden[naam].count("In te vullen door de integriteitscoördinator") == 4
    medewerkers = omg.catalogus.proces("nevenfuncties-medewerkers")  # ran in January: pre-filled in section I
    assert str(escape(f"{medewerkers.titel} ({medewerkers.bron}): 1 ronde")) in bestanden["jaarverslag-2027.html"]


def test_every_figure_of_section_iv_is_there_with_its_source_in_plain_words(jaar):
    omg, bestanden = jaar
    html = bestanden["jaarverslag-2027.html"]
    rijen = _cijfers(html)
    onderwerpen = [
        "Aantal keer dat de ambtseed of -belofte is afgelegd",
        *CATEGORIEEN.values(),
        "Aantal afwijkingen van de inkoop- en aanbestedingsregels, met redenen",
        "Gemelde geschenken (bestuurders en medewerkers)",
        "Waarvan boven € 50, gemeld en ingeleverd",
    ]
    assert sorted(rijen) == sorted(str(escape(o)) for o in onderwerpen)
    for _, bron in rijen.values():
        assert re.match(r"(registratie van de integriteitsprocessen|(nog niet )?vastgelegd|geschenkenregisters)", bron)
    ambtseed = rijen["Aantal keer dat de ambtseed of -belofte is afgelegd"]
    assert int(ambtseed[0]) >= 0
    assert ambtseed[1] == (
        "registratie van de integriteitsprocessen: ambtseden en -beloften waarvan de afname in 2027 is bevestigd"
    )
    assert rijen["Meldingen van vermoedelijke misstanden: a. aantal meldingen"] == [
        "2",
        "vastgelegd door de integriteitscoördinator (1 opgave, laatst op 16 februari 2028)",
    ]
    assert rijen[str(escape(CATEGORIEEN["trainingen"]))][0] == "8"
    waarde, bron = rijen["Aantal afwijkingen van de inkoop- en aanbestedingsregels, met redenen"]
    assert waarde.startswith("overzicht ontvangen")
    assert re.fullmatch(
        r"registratie van de integriteitsprocessen: het overzicht over 2027, gevraagd aan inkoop op \d+ januari 2028, "
        r"ontvangen op \d+ (januari|februari) 2028",
        bron,
    )
    for naam, inhoud in bestanden.items():
        assert "motor" not in inhoud, naam
        for proces in omg.catalogus.processen:
            assert f"'{proces.id}'" not in inhoud and f"&#39;{proces.id}&#39;" not in inhoud, (naam, proces.id)


def test_a_figure_prints_its_count_once_and_each_opgave_its_own_only_beside_others(jaar):
    _, bestanden = jaar
    for naam in ("jaarverslag-2027.html", "jaarverslag-2027.md"):
        toelichting = bestanden[naam].split("Toelichting bij de cijfers:")[1].split("Respons op de registerrondes")[0]
        assert "Twee" in toelichting and not re.search(r"2: \S*Twee", toelichting), naam
        assert "5: Dilemmasessies in vijf teams" in toelichting and "3: E-learning" in toelichting, naam


def test_the_inkoop_figure_says_whether_its_ronde_was_held_and_answered(session, catalogus):
    """The overview over 2027 is asked in the inkoop ronde of January 2028: before it starts the report says that
    ronde has not been held (not that nobody answered), then that it is awaited, then that nobody answered."""

    def inkoop(nu: datetime) -> tuple[str, str]:
        cijfers = jaarverslag.verslag(session, catalogus=catalogus, jaar=2027, nu=nu).cijfers
        cijfer = next(c for c in cijfers if c.onderwerp == jaarverslag.INKOOPAFWIJKINGEN)
        return cijfer.waarde, cijfer.bron

    start = datetime(2028, 1, 10, 9, 0, tzinfo=TIJDZONE)  # planned on Saturday 8 January, moved to Monday
    assert inkoop(start - timedelta(days=30)) == (
        "nog niet gevraagd",
        "registratie van de integriteitsprocessen: de ronde van 10 januari 2028, waarin inkoop het overzicht over "
        "2027 aanlevert, is nog niet gehouden",
    )
    inkoper = PersoonInvoer(extern_id="I1", naam="Ida Inkoop", email="inkoop@example.org", rollen=["inkoop"])
    importeer(session, [inkoper], start - timedelta(days=30))
    proces = catalogus.proces("inkoop-afwijkingen")
    ronde = start_ronde(session=session, catalogus=catalogus, proces=proces, nu=start).ronde
    gevraagd = (
        "registratie van de integriteitsprocessen: het overzicht over 2027, gevraagd aan inkoop op 10 januari 2028"
    )
    assert inkoop(start) == ("nog niet ontvangen", f"{gevraagd}, uiterlijk {datum(ronde.deadline)}")
    for dag in range((ronde.deadline - start.date()).days + 5):
        bewaking(session=session, catalogus=catalogus, nu=start + timedelta(days=dag))
    assert inkoop(start + timedelta(days=60)) == ("niet ontvangen", f"{gevraagd}, niet beantwoord")


def test_the_response_to_every_register_ronde_and_the_progress_of_every_proces(jaar):
    omg, bestanden = jaar
    html = bestanden["jaarverslag-2027.html"]
    respons = html.split('id="respons"')[1].split("</table>")[0]
    rijen = re.findall(
        r"<tr><td>(.*?)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>", respons
    )
    assert any(r[0].startswith("Actualisatie nevenfuncties Statenleden, ") for r in rijen)
    for _, gevraagd, op_tijd, te_laat, niet, _ in rijen:
        assert int(gevraagd) == int(op_tijd) + int(te_laat) + int(niet)
    assert sum(int(r[5]) for r in rijen) > 0  # with an answer chance of 0.8, escalations happened
    voortgang = html.split('id="voortgang"')[1]
    for proces in omg.catalogus.processen:
        assert str(escape(proces.titel)) in voortgang, proces.id
    kwetsbaar = omg.catalogus.proces("kwetsbare-functies")  # two stappen, named by their titles
    for stap in kwetsbaar.alle_stappen:
        assert re.search(
            rf"\d+ \w+ 2027 – {re.escape(str(escape(stap.titel)))}: (afgerond|gesloten op de deadline)", voortgang
        )


def test_the_markdown_shows_the_text_of_the_html_block_for_block(jaar):
    """Rendered back to HTML (raw HTML allowed, as the most permissive viewer would), the Markdown shows every
    heading, paragraph, list item and table cell of the HTML report with the same text: nothing the coordinator
    typed turned into markup, nothing lost."""
    _, bestanden = jaar
    html = bestanden["jaarverslag-2027.html"]
    markdown = bestanden["jaarverslag-2027.md"]
    assert "<br" not in markdown
    verwacht = _zichtbaar(html.split("<main", 1)[1].split(">", 1)[1].split("</main>")[0])
    gekregen = _zichtbaar(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown))
    assert gekregen == verwacht
    for _, _, tekst in OPGAVEN:
        assert any(" ".join(tekst.split()) in t for _, t in verwacht), tekst


def test_the_markdown_escapes_only_what_markdown_needs(jaar):
    _, bestanden = jaar
    markdown = bestanden["jaarverslag-2027.md"]
    assert not re.search(r"\\[:()]", markdown)
    assert _onnodig(markdown) == []
    assert len(re.findall(r"\\.", markdown)) >= 15  # the opgaven's markup did get escaped


def test_a_figure_is_anonymous_a_description_naming_a_person_is_refused(jaar):
    omg, _ = jaar
    with pytest.raises(OngeldigJaarcijfer, match="noemt een persoon"):
        diensten.leg_jaarcijfer_vast(
            omg, jaar=2027, categorie="klachten", aantal=1, omschrijving="Klacht over Tim Maas", nu=NU, door=None
        )
    with pytest.raises(OngeldigJaarcijfer, match="onbekende categorie"):
        diensten.leg_jaarcijfer_vast(omg, jaar=2027, categorie="roddels", aantal=1, omschrijving="", nu=NU, door=None)
    assert [c.categorie for c in diensten.jaarcijfers(omg, jaar=2027)] == [categorie for categorie, _, _ in OPGAVEN]


def test_the_eigenaars_task_in_february_links_the_draft_of_the_year_before(jaar):
    omg, _ = jaar
    start = diensten.start_ronde(
        omg, proces="jaarverslag-integriteit", nu=datetime(2028, 2, 15, 9, tzinfo=TIJDZONE), verzenden=False
    ).uitkomst
    with omg.werk() as s:
        [taak] = s.exec(select(Bericht).where(Bericht.ronde_id == start.ronde.id, Bericht.soort == "verzoek")).all()
    assert "/jaarverslag/2027/jaarverslag-2027.html" in taak.tekst and "/jaarcijfers?jaar=2027" in taak.tekst
    verslagjaar, markdown = diensten.concept_bij_ronde(omg, ronde_id=start.ronde.id, nu=NU)
    assert verslagjaar == 2027 and markdown.startswith("# Jaarverslag integriteit 2027")


class _Tekstblokken(HTMLParser):
    """The visible text of an HTML fragment as (block, text): per heading, paragraph, list item and table cell,
    whitespace normalised, the lines (`div`) of a cell joined by a space; a caption hidden from view left out."""

    BLOKKEN = frozenset({"h1", "h2", "h3", "h4", "p", "li", "th", "td", "ul", "ol", "table", "tr", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blokken: list[tuple[str, str]] = []
        self._open: list[str] = []
        self._tekst: list[str] = []
        self._verborgen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._grens(tag)
        if tag in self.BLOKKEN:
            self._open.append(tag)
        self._verborgen = self._verborgen or (tag == "caption" and "verborgen" in (dict(attrs).get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        self._grens(tag)
        if tag in self.BLOKKEN:
            self._open.pop()
        self._verborgen = self._verborgen and tag != "caption"

    def handle_data(self, data: str) -> None:
        if not self._verborgen:
            self._tekst.append(data)

    def _grens(self, tag: str) -> None:
        if tag == "div":
            self._tekst.append(" ")
        if tag not in self.BLOKKEN:
            return
        if tekst := " ".join("".join(self._tekst).split()):
            self.blokken.append((self._open[-1] if self._open else "", tekst))
        self._tekst = []


def _zichtbaar(html: str) -> list[tuple[str, str]]:
    lezer = _Tekstblokken()
    lezer.feed(html)
    lezer.close()
    return lezer.blokken


_BLOKBEGIN = re.compile(r"^(?:\s*(?:[-+*]|>)\s+)*\s*$")
"""What may stand before a block marker in its line: nothing but list markers and quotes."""


def _onnodig(markdown: str) -> list[str]:
    """Every backslash escape in `markdown` that CommonMark (with tables) does not need, with its line: needed are
    inline markup anywhere (`\\`, `` ` ``, `*`, `[`, `]`; `_` unless between letters; `<` before a tag; `&`
    before an entity), `|` in a table row, and a block marker at the start of a line or list item."""
    onnodig = []
    for regel in markdown.splitlines():
        for teken in re.finditer(r"\\(.)", regel):
            voor, na, x = regel[: teken.start()], regel[teken.end() :], teken.group(1)
            nodig = (
                x in "\\`*[]"
                or (x == "_" and not (voor[-1:].isalnum() and na[:1].isalnum()))
                or (x == "<" and re.match(r"[A-Za-z/!?]", na) is not None)
                or (x == "&" and re.match(r"#?\w+;", na) is not None)
                or (x == "|" and regel.startswith("|"))
                or (x in "#-+>~" and _BLOKBEGIN.match(voor) is not None)
                or (x in ".)" and re.fullmatch(r"(?:\s*[-+*]\s+)*\d{1,9}", voor) is not None)
            )
            if not nodig:
                onnodig.append(f"\\{x} in: {regel}")
    return onnodig
