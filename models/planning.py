"""When a proces comes due: exactly one of an RRULE, a cron expression, a calendar anchor, or a date.

Every kind yields naive wall-clock datetimes in Amsterdam time, so a 09:00 start stays 09:00 across
daylight saving; the agenda attaches the time zone and moves starts to working days.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from typing import Annotated, Any, Protocol

from croniter import CroniterBadCronError, CroniterBadDateError, croniter
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from models.duur import DuurVeld

STANDAARD_TIJD = time(9, 0)
_RRULE_STANDAARD_START = datetime(2020, 1, 1, 9, 0)
_ZOEKHORIZON = relativedelta(years=100)


class Anker(Protocol):
    def datums_tot(self, tot: date) -> list[date]: ...


class _Soort(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def momenten(self, van: datetime, tot: datetime, ankers: Mapping[str, Anker]) -> list[datetime]:
        """Planned moments in [van, tot), naive Amsterdam wall-clock time."""
        return [m for m in self._alle(tot, ankers) if van <= m < tot]

    def _alle(self, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        raise NotImplementedError


_RRULE_BEREIKEN = {
    "BYMONTH": (1, 12, "a month"),
    "BYMONTHDAY": (-31, 31, "a day of the month"),
    "BYHOUR": (0, 23, "an hour"),
    "BYMINUTE": (0, 59, "a minute"),
    "BYSECOND": (0, 59, "a second"),
    "BYYEARDAY": (-366, 366, "a day of the year"),
    "BYWEEKNO": (-53, 53, "a week number"),
    "BYSETPOS": (-366, 366, "a position"),
}
_FREQUENTIES = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}


def _controleer_rrule_delen(regel: str) -> None:
    """Range checks dateutil does not make (it accepts BYMONTH=13 and then never fires)."""
    delen = dict(deel.split("=", 1) for deel in regel.split(";") if "=" in deel)
    freq = delen.get("FREQ")
    if freq is None:
        raise ValueError("FREQ is missing (e.g. FREQ=YEARLY)")
    if freq not in _FREQUENTIES:
        raise ValueError(f"FREQ={freq} is not supported here; use one of {', '.join(sorted(_FREQUENTIES))}")
    for sleutel, (laag, hoog, wat) in _RRULE_BEREIKEN.items():
        for item in filter(None, delen.get(sleutel, "").split(",")):
            if not re.fullmatch(r"[+-]?\d+", item) or not laag <= int(item) <= hoog or int(item) == 0 and laag < 0:
                raise ValueError(f"{sleutel}={item} is not {wat} ({laag if laag > 0 else 1}-{hoog})")
    if "INTERVAL" in delen and not (delen["INTERVAL"].isdigit() and int(delen["INTERVAL"]) >= 1):
        raise ValueError(f"INTERVAL={delen['INTERVAL']} must be a whole number of at least 1")


def _maak_rrule(tekst: str) -> rrule:
    regels = [r.strip() for r in tekst.strip().splitlines() if r.strip()]
    for r in regels:
        if not r.startswith("DTSTART"):
            _controleer_rrule_delen(r.removeprefix("RRULE:"))
    regel = rrulestr("\n".join(regels), dtstart=_RRULE_STANDAARD_START, ignoretz=True, forceset=False)
    if not isinstance(regel, rrule):
        raise ValueError("give one RRULE (with an optional DTSTART line), not a set of rules")
    return regel


class RRulePlanning(_Soort):
    """An iCalendar RRULE; add a `DTSTART:` line for rules with an INTERVAL, such as every four years."""

    rrule: str = Field(
        description="RFC 5545 RRULE in Amsterdam time; without DTSTART the time is 09:00.",
        examples=[
            "FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1;BYHOUR=9",
            "DTSTART:20270301T090000\nRRULE:FREQ=YEARLY;INTERVAL=4",
        ],
    )

    @field_validator("rrule")
    @classmethod
    def _geldig(cls, tekst: str) -> str:
        try:
            regel = _maak_rrule(tekst)
        except (ValueError, TypeError) as fout:
            raise ValueError(f"{tekst!r}: {_schoon(fout)}") from None
        start = regel._dtstart  # noqa: SLF001 - dateutil keeps DTSTART only here
        if next(iter(regel.replace(until=start + _ZOEKHORIZON, count=None)), None) is None:
            raise ValueError(f"{tekst!r}: this rule never produces a date")
        return tekst

    def _alle(self, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        return iter(_maak_rrule(self.rrule).between(datetime.min, tot, inc=True))


class CronPlanning(_Soort):
    """A five-field cron expression (minute hour day month weekday) in Amsterdam time."""

    cron: str = Field(description="minute hour day-of-month month day-of-week", examples=["0 9 1 1,4,7,10 *"])

    @field_validator("cron")
    @classmethod
    def _geldig(cls, tekst: str) -> str:
        velden = tekst.split()
        if len(velden) != 5:
            raise ValueError(
                f"{tekst!r}: a cron expression has 5 fields (minute hour day month weekday), not {len(velden)}"
            )
        try:
            croniter(tekst, _RRULE_STANDAARD_START).get_next(datetime)
        except CroniterBadDateError:
            raise ValueError(f"{tekst!r}: this expression never produces a date") from None
        except (CroniterBadCronError, ValueError, KeyError) as fout:
            raise ValueError(f"{tekst!r}: {_schoon(fout)}") from None
        return tekst

    def _alle(self, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        reeks = croniter(self.cron, datetime(2000, 1, 1))
        while (moment := reeks.get_next(datetime)) < tot:
            yield moment


class AnkerPlanning(_Soort):
    """A date from `kalender.yaml` (such as each election), moved by `voor` or `na`."""

    anker: str = Field(description="Name of an anchor in kalender.yaml.", examples=["provinciale-statenverkiezingen"])
    voor: DuurVeld | None = Field(None, description="Start this long before each anchor date.", examples=["P12M"])
    na: DuurVeld | None = Field(None, description="Start this long after each anchor date.", examples=["P3Y"])
    tijd: time = Field(STANDAARD_TIJD, description="Start time, Amsterdam time.", examples=["09:00"])

    @model_validator(mode="after")
    def _een_richting(self) -> AnkerPlanning:
        if self.voor is not None and self.na is not None:
            raise ValueError("give either voor or na, not both")
        return self

    @field_validator("voor", "na")
    @classmethod
    def _kalendereenheden(cls, duur):
        if duur is not None and duur.werkdagen:
            raise ValueError(f"'{duur}': anchor offsets are in calendar units (P12M, P6W), not working days")
        return duur

    def _alle(self, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        verschuiving = (self.na.delta if self.na else relativedelta()) - (
            self.voor.delta if self.voor else relativedelta()
        )
        for dag in ankers[self.anker].datums_tot(tot.date() - verschuiving + relativedelta(days=1)):
            yield datetime.combine(dag + verschuiving, self.tijd)


class DatumPlanning(_Soort):
    """One fixed date: a one-off action with a deadline."""

    datum: date = Field(description="The start date (YYYY-MM-DD).", examples=["2027-01-11"])
    tijd: time = Field(STANDAARD_TIJD, description="Start time, Amsterdam time.", examples=["09:00"])

    def _alle(self, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        yield datetime.combine(self.datum, self.tijd)


_SOORTEN = ("rrule", "cron", "anker", "datum")


def _soort(waarde: Any) -> str | None:
    if isinstance(waarde, BaseModel):
        return next(s for s in _SOORTEN if s in type(waarde).model_fields)
    if isinstance(waarde, dict):
        gevonden = [s for s in _SOORTEN if s in waarde]
        return gevonden[0] if len(gevonden) == 1 else None
    return None


Planning = Annotated[
    Annotated[RRulePlanning, Tag("rrule")]
    | Annotated[CronPlanning, Tag("cron")]
    | Annotated[AnkerPlanning, Tag("anker")]
    | Annotated[DatumPlanning, Tag("datum")],
    Discriminator(
        _soort,
        custom_error_type="planning_soort",
        custom_error_message="give exactly one of: rrule, cron, anker (with voor/na), datum",
    ),
]


def _schoon(fout: Exception) -> str:
    return str(fout).strip().rstrip(".") or type(fout).__name__
