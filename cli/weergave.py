"""The agenda as a table for people, JSON for programs, and iCalendar for calendars."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar, Event

from engine.agenda import Rondeplan
from models.proces import Proces

_DAGEN = ("ma", "di", "wo", "do", "vr", "za", "zo")


def agenda_json(plannen: list[Rondeplan]) -> list[dict]:
    """The dated stappen (what starts with a person has no dates: the table lists it apart)."""
    return [
        {
            "proces": p.proces.id,
            "stap": p.stap_id,
            "titel": p.titel,
            "eigenaar": p.proces.eigenaar,
            "start": p.start.date().isoformat(),
            "starttijd": p.start.isoformat(),
            "deadline": p.deadline.isoformat(),
            "herinneringen": [h.isoformat() for h in p.herinneringen],
            "escalatie": p.escalatie.isoformat() if p.escalatie else None,
        }
        for p in plannen
    ]


def agenda_tabel(plannen: list[Rondeplan], van: date, tot: date, per_persoon: list[Proces]) -> str:
    kop = ("start", "proces", "stap", "deadline", "herinneringen", "eigenaar")
    rijen = [
        (
            f"{_dag(p.start.date())} {p.start:%H:%M}",
            p.proces.id,
            p.stap_id or "",
            _dag(p.deadline),
            ", ".join(f"{h:%d-%m}" for h in p.herinneringen) or "-",
            p.proces.eigenaar,
        )
        for p in plannen
    ]
    titel = f"Agenda {van} t/m {tot}: {len(plannen)} {'ronde' if len(plannen) == 1 else 'rondes'}"
    regels = [titel, "", *_kolommen(kop, rijen)]
    if per_persoon:
        regels += ["", "Per persoon, zonder vaste datum: een ronde voor wie het overkomt", ""]
        regels += _kolommen(
            ("wanneer", "proces", "termijn", "eigenaar"),
            [(p.planning.beschrijving(), p.id, str(p.alle_stappen[0].termijn), p.eigenaar) for p in per_persoon],
        )
    return "\n".join(regels)


def _kolommen(kop: tuple[str, ...], rijen: list[tuple[str, ...]]) -> list[str]:
    breedtes = [max(len(r[i]) for r in [kop, *rijen]) for i in range(len(kop))]
    return ["  ".join(cel.ljust(b) for cel, b in zip(rij, breedtes, strict=True)).rstrip() for rij in [kop, *rijen]]


def agenda_ics(plannen: list[Rondeplan]) -> bytes:
    """A calendar with the start and the deadline of each stap; UIDs are stable, so re-imports update."""
    agenda = Calendar()
    agenda.add("prodid", "-//Provincie Utrecht//Integriteitsplan procesmotor//NL")
    agenda.add("version", "2.0")
    agenda.add("x-wr-calname", "Integriteitsplan")
    for p in plannen:
        sleutel = f"{p.proces.id}-{p.stap_id or 'ronde'}-{p.start:%Y%m%d}"
        agenda.add_component(
            _gebeurtenis(f"{sleutel}-start@integriteit", f"Start: {p.titel}", p.start, p.start + timedelta(hours=1), p)
        )
        agenda.add_component(
            _gebeurtenis(
                f"{sleutel}-deadline@integriteit", f"Deadline: {p.titel}", p.deadline, p.deadline + timedelta(days=1), p
            )
        )
    agenda.add_missing_timezones()
    return agenda.to_ical()


def _gebeurtenis(uid: str, samenvatting: str, begin, einde, p: Rondeplan) -> Event:
    gebeurtenis = Event()
    gebeurtenis.add("uid", uid)
    gebeurtenis.add("summary", samenvatting)
    gebeurtenis.add("dtstart", begin)
    gebeurtenis.add("dtend", einde)
    gebeurtenis.add("dtstamp", p.start)
    gebeurtenis.add("description", f"{p.proces.bron}\nEigenaar: {p.proces.eigenaar}\nDeadline: {p.deadline}")
    return gebeurtenis


def _dag(dag: date) -> str:
    return f"{_DAGEN[dag.weekday()]} {dag.isoformat()}"
