"""The daily watch isolates processen: one that fails is rolled back alone, recorded, reported and shown,
and every other proces still runs that day; on SQLite and PostgreSQL. A watch that missed the deadline day still
escalates before it closes, and tells the eigenaar who did not answer. And the sample context that `valideer`
renders templates with has exactly the keys the engine passes."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from engine import bewaking as bewaking_module
from engine import rondes
from engine.agenda import stapplan
from engine.antwoorden import Invoer, leg_vast
from engine.bewaking import bewaking
from engine.catalogus import laad_catalogus
from engine.onbestelbaar import markeer_onbestelbaar
from engine.overzicht import openstaand
from engine.personen import PersoonInvoer, importeer
from engine.rondes import start_ronde
from engine.uitgaand import voorbeeldcontext
from models.statussen import RondeStatus, VerzoekStatus
from models.tabellen import Bericht, Gebeurtenis, Persoon, Ronde, Verzoek
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


def _watched_until(session, catalogus, laatste: date) -> Ronde:
    """The ronde of nevenfuncties-statenleden of March 2027 (deadline Tuesday 30 March, after Easter Monday, and
    its escalation the same day: `escalatie.na` equals the termijn), which Persoon 1 answered, watched every day
    from its start up to `laatste`."""
    proces = catalogus.proces("nevenfuncties-statenleden")
    ronde = start_ronde(session=session, catalogus=catalogus, proces=proces, nu=om("2027-03-01T09:00")).ronde
    assert ronde.deadline == stapplan(catalogus, ronde.proces, 0, ronde.start).escalatie == date(2027, 3, 30)
    [token] = session.exec(
        select(Verzoek.token)
        .join(Persoon, Persoon.id == Verzoek.persoon_id)
        .where(Verzoek.ronde_id == ronde.id, Persoon.naam == "Persoon 1")
    ).all()
    leg_vast(
        session,
        catalogus=catalogus,
        antwoorden=[Invoer(token, kanaal="cli", geen_wijzigingen=True)],
        nu=om("2027-03-02T10:00"),
    )
    dag = date(2027, 3, 2)
    while dag <= laatste:
        bewaking(session=session, catalogus=catalogus, nu=om(f"{dag}T08:00"))
        dag += timedelta(days=1)
    return ronde


def _aan_de_eigenaar(session, ronde: Ronde) -> list[Bericht]:
    return session.exec(
        select(Bericht)
        .where(Bericht.ronde_id == ronde.id, Bericht.soort.in_(["escalatie", "gesloten"]))
        .order_by(Bericht.id)
    ).all()


def test_a_watch_that_missed_the_deadline_day_escalates_then_closes(org, catalogus):
    ronde = _watched_until(org, catalogus, date(2027, 3, 29))

    bewaking(session=org, catalogus=catalogus, nu=om("2027-03-31T08:00"))  # 30 March was missed

    assert (ronde.status, ronde.geescaleerd) == (RondeStatus.VERLOPEN, True)
    statussen = org.exec(select(Verzoek.status).where(Verzoek.ronde_id == ronde.id)).all()
    assert sorted(statussen) == [VerzoekStatus.BEANTWOORD, *[VerzoekStatus.VERLOPEN] * 3]
    escalatie, gesloten = _aan_de_eigenaar(org, ronde)
    assert (escalatie.soort, escalatie.aan) == ("escalatie", "p10@demo.example")
    assert "3 van de 4 personen nog niet geantwoord" in " ".join(escalatie.tekst.split())
    assert (gesloten.soort, gesloten.aan) == ("gesloten", "p10@demo.example")
    assert gesloten.onderwerp == (
        "Ronde gesloten: Actualisatie nevenfuncties Statenleden: 3 van 4 zonder antwoord; publiceer het register"
    )
    tekst = " ".join(gesloten.tekst.split())
    assert "Van de 4 gevraagde personen hebben er 3 niet geantwoord: - Persoon 2 (statenlid) - Persoon 3" in tekst
    assert "- Persoon 1 (" not in tekst  # who answered is not listed
    assert "Vraag wie niet antwoordde het alsnog te doen, met de link in het verzoek" in tekst
    assert "Laat daarna het register nevenfuncties publiceren" in tekst and "knop" not in tekst


def test_a_watch_on_a_non_working_day_waits_with_the_escalation_and_the_closing(org, catalogus):
    ronde = _watched_until(org, catalogus, date(2027, 3, 21))  # after the first reminder (P2W)

    bewaking(session=org, catalogus=catalogus, nu=om("2027-04-03T08:00"))  # Saturday; 22 March - 2 April missed

    assert (ronde.status, ronde.geescaleerd, _aan_de_eigenaar(org, ronde)) == (RondeStatus.LOPEND, False, [])
    bewaking(session=org, catalogus=catalogus, nu=om("2027-04-05T08:00"))  # Monday
    assert (ronde.status, ronde.geescaleerd) == (RondeStatus.VERLOPEN, True)
    assert [b.soort for b in _aan_de_eigenaar(org, ronde)] == ["escalatie", "gesloten"]
    # the second reminder (P3W, 22 March) passed along with the deadline: it is not sent late
    herinneringen = org.exec(
        select(Bericht.aangemaakt).where(Bericht.ronde_id == ronde.id, Bericht.soort == "herinnering")
    )
    assert {moment.astimezone(TIJDZONE).date() for moment in herinneringen} == {date(2027, 3, 15)}


def test_the_sample_context_has_the_keys_the_engine_passes(org, catalogus, monkeypatch):
    """verzoek, herinnering, escalatie and the eigenaar's closing message of a real ronde, and the undeliverable
    notice: the keys a template gets every time it is rendered are exactly those `valideer` renders it with.
    (`vorige_stap_ontbrekend` comes only with the verzoeken made when a stap starts, not with those of someone who
    joins later, so a template cannot count on it.)"""
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
    for dag in range(2, 32):  # closed on 31 March
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
        ("gesloten", "gesloten"),
    ]:
        assert gezien[sjabloon] == set(voorbeeldcontext(soort, proces, stap)), soort
