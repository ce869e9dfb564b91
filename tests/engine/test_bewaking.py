"""The daily watch isolates processen: one that fails is rolled back alone, recorded, reported and shown,
and every other proces still runs that day; on SQLite and PostgreSQL. And the sample context that `valideer`
renders templates with has exactly the keys the engine passes."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from engine import bewaking as bewaking_module
from engine import rondes
from engine.bewaking import bewaking
from engine.catalogus import laad_catalogus
from engine.onbestelbaar import markeer_onbestelbaar
from engine.overzicht import openstaand
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from engine.uitgaand import voorbeeldcontext
from models.tabellen import Bericht, Gebeurtenis, Ronde
from models.werkdagen import TIJDZONE

PROCESSEN = ("a-eerste", "b-kapot", "c-laatste")
"""Three processen started on one day; the middle one's herinnering template breaks after valideer."""


def om(tekst: str) -> datetime:
    return datetime.fromisoformat(tekst).replace(tzinfo=TIJDZONE)


def _persoon(nummer: int, *rollen: str) -> PersoonInvoer:
    return PersoonInvoer(
        extern_id=f"T{nummer}", naam=f"Persoon {nummer}", email=f"p{nummer}@demo.example", rollen=list(rollen)
    )


@pytest.fixture
def map(tmp_path) -> Path:
    for naam in PROCESSEN:
        sjabloon = "sjablonen: {herinnering: eigen/herinnering}\n" if naam == "b-kapot" else ""
        (tmp_path / f"{naam}.yaml").write_text(
            f"id: {naam}\ntitel: Proces {naam}\nbron: test\neigenaar: statengriffie\n"
            "doelgroep: {rollen: [statenlid]}\nplanning: {datum: 2027-03-01}\ntermijn: P4W\nherinneringen: [P2W]\n"
            + sjabloon,
            encoding="utf-8",
        )
    (tmp_path / "sjablonen" / "eigen").mkdir(parents=True)
    _herinnering(tmp_path, "Beste {{ persoon.naam }}, denkt u aan {{ proces.titel }}? {{ link }}\n")
    return tmp_path


def _herinnering(map: Path, tekst: str) -> None:
    (map / "sjablonen" / "eigen" / "herinnering.txt.j2").write_text(tekst, encoding="utf-8")


@pytest.fixture
def org(session):
    importeer(
        session,
        [*(_persoon(i, "statenlid") for i in range(1, 5)), _persoon(10, "statengriffie")],
        om("2027-01-01T08:00"),
    )
    session.flush()
    return session


@pytest.fixture
def alarmen(monkeypatch) -> list[tuple[str, str]]:
    verstuurd: list[tuple[str, str]] = []
    monkeypatch.setattr(
        bewaking_module.meldingen, "alarmeer", lambda urls, titel, tekst: verstuurd.append((titel, tekst))
    )
    return verstuurd


def _herinneringen(session, proces: str) -> int:
    return len(
        session.exec(
            select(Bericht)
            .join(Ronde, Ronde.id == Bericht.ronde_id)
            .where(Bericht.soort == "herinnering", Ronde.proces == proces)
        ).all()
    )


REDEN = "sjabloon eigen/herinnering.txt.j2, regel 1: onbekende variabele 'jaar'"


def test_a_broken_reminder_template_stops_only_its_own_proces(org, map, alarmen):
    catalogus = laad_catalogus(map)  # valid: the template breaks after valideer, while the engine runs
    assert bewaking(session=org, catalogus=catalogus, nu=om("2027-03-01T09:30"))["gestart"] == 3
    _herinnering(map, "Beste {{ persoon.naam }}, {{ jaar }}\n")

    verslag = bewaking(session=org, catalogus=catalogus, nu=om("2027-03-15T08:30"))  # P2W: the reminder day

    assert (verslag["herinneringen"], verslag["fouten"]) == (8, 1)
    assert [_herinneringen(org, p) for p in PROCESSEN] == [4, 0, 4]
    kapot = org.exec(select(Ronde).where(Ronde.proces == "b-kapot")).one()
    assert kapot.herinnering_nr == 0  # rolled back: tried again by the next watch
    [fout] = org.exec(select(Gebeurtenis).where(Gebeurtenis.soort == "bewaking-fout")).all()
    assert (fout.proces, fout.ronde_id, json.loads(fout.details)["reden"]) == ("b-kapot", kapot.id, REDEN)
    [(titel, tekst)] = alarmen
    assert titel == "Integriteit: 1 proces met een fout"
    assert f"- b-kapot: {REDEN}" in tekst and "Alle andere processen zijn gewoon doorgegaan." in tekst
    assert openstaand(org, catalogus=catalogus, nu=om("2027-03-15T09:00")).fouten == [("b-kapot", REDEN)]

    _herinnering(map, "Beste {{ persoon.naam }}, denkt u er nog aan?\n")  # the coordinator repairs it
    verslag = bewaking(session=org, catalogus=catalogus, nu=om("2027-03-16T08:30"))
    assert (verslag["herinneringen"], verslag["fouten"]) == (4, 0)
    assert [_herinneringen(org, p) for p in PROCESSEN] == [4, 4, 4]
    assert openstaand(org, catalogus=catalogus, nu=om("2027-03-16T09:00")).fouten == []
    assert len(alarmen) == 1


def test_a_proces_that_fails_to_start_does_not_keep_the_others_from_starting(org, map, alarmen, monkeypatch):
    catalogus = laad_catalogus(map)
    echt = rondes.nieuwe_verzoeken

    def nieuwe_verzoeken(session, *, ronde, **kwargs):
        if ronde.proces == "b-kapot":
            raise RuntimeError("een fout in de motor")
        return echt(session, ronde=ronde, **kwargs)

    monkeypatch.setattr(rondes, "nieuwe_verzoeken", nieuwe_verzoeken)
    verslag = bewaking(session=org, catalogus=catalogus, nu=om("2027-03-01T09:30"))

    assert (verslag["gestart"], verslag["fouten"]) == (2, 1)
    assert sorted(org.exec(select(Ronde.proces)).all()) == ["a-eerste", "c-laatste"]
    assert not org.exec(
        select(Gebeurtenis).where(Gebeurtenis.proces == "b-kapot", Gebeurtenis.soort != "bewaking-fout")
    ).all()
    [fout] = org.exec(select(Gebeurtenis).where(Gebeurtenis.soort == "bewaking-fout")).all()
    assert json.loads(fout.details)["reden"] == "onverwachte fout (RuntimeError: een fout in de motor)"
    assert fout.ronde_id is None and fout.proces == "b-kapot"
    assert "- b-kapot: onverwachte fout (RuntimeError: een fout in de motor)" in alarmen[0][1]

    monkeypatch.setattr(rondes, "nieuwe_verzoeken", echt)
    assert bewaking(session=org, catalogus=catalogus, nu=om("2027-03-02T08:30"))["gestart"] == 1


def test_the_sample_context_has_the_keys_the_engine_passes(org, catalogus, monkeypatch):
    """verzoek, herinnering and escalatie of a real ronde, and the undeliverable notice: the keys a template
    gets every time it is rendered are exactly those `valideer` renders it with. (`vorige_stap_ontbrekend`
    comes only with the verzoeken made when a stap starts, not with those of someone who joins later, so a
    template cannot count on it.)"""
    import engine.uitgaand as uitgaand

    gezien: dict[str, set[str]] = {}
    echt = uitgaand.render

    def render(env, naam, context):
        soort = naam.rsplit("/", 1)[-1]
        gezien[soort] = gezien.get(soort, set(context)) & set(context)  # the keys that are always there
        return echt(env, naam, context)

    monkeypatch.setattr(uitgaand, "render", render)
    proces = catalogus.proces("nevenfuncties-statenleden")
    ronde = start_ronde(session=org, catalogus=catalogus, proces=proces, nu=om("2027-03-01T09:00")).ronde
    importeer(
        org, [*(_persoon(i, "statenlid") for i in range(1, 6)), _persoon(10, "statengriffie")], om("2027-03-03T08:00")
    )
    for dag in range(2, 31):
        bewaking(session=org, catalogus=catalogus, nu=om(f"{date(2027, 3, dag)}T08:30"))
    markeer_onbestelbaar(
        session=org, catalogus=catalogus, adres="p1@demo.example", reden="550", nu=om("2027-03-30T09:00"), ronde=ronde
    )

    stap = proces.alle_stappen[0]
    for soort, sjabloon in [
        ("verzoek", "verzoek"),
        ("herinnering", "herinnering"),
        ("escalatie", "escalatie"),
        ("onbestelbaar", "onbestelbaar"),
    ]:
        assert gezien[sjabloon] == set(voorbeeldcontext(soort, proces, stap)), soort
