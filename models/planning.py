"""When a proces comes due: exactly one of an RRULE, a cron expression, a calendar anchor, or a date; or, for
obligations that start with a person, an event in their life or a date of their own.

Every kind yields naive wall-clock datetimes in Amsterdam time, so a 09:00 start stays 09:00 across
daylight saving; the agenda attaches the time zone and moves starts to working days.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal, Protocol, get_args

from croniter import CroniterBadCronError, CroniterBadDateError, croniter
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from models.duur import DuurVeld

STANDAARD_TIJD = time(9, 0)
_RRULE_STANDAARD_START = datetime(2020, 1, 1, 9, 0)
_ZOEKHORIZON = relativedelta(years=100)
EERSTE_JAAR, LAATSTE_JAAR = 1900, 2200
"""The years a plan can lie in: every date the engine computes stays between them (plus a termijn of at most
five years), so no computation reaches the end of the calendar or runs for ever."""
BEGIN, EINDE = datetime(EERSTE_JAAR, 1, 1), datetime(LAATSTE_JAAR + 1, 1, 1)
_BEREIK = f"{EERSTE_JAAR}-{LAATSTE_JAAR}"
_PROEF = 50
"""How many starts of a rule are looked at to see that it starts at most once a day (a rule that starts
several times a day does so on its first day already)."""


def binnen_bereik(dag: date) -> bool:
    """Whether `dag` lies in the years a plan can lie in."""
    return EERSTE_JAAR <= dag.year <= LAATSTE_JAAR


class Anker(Protocol):
    def datums_tot(self, tot: date) -> list[date]: ...


class _Soort(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def momenten(self, van: datetime, tot: datetime, ankers: Mapping[str, Anker]) -> list[datetime]:
        """Planned moments in [van, tot), naive Amsterdam wall-clock time; never outside the years
        EERSTE_JAAR-LAATSTE_JAAR, however wide the window asked for."""
        van, tot = max(van, BEGIN), min(tot, EINDE)
        if van >= tot:
            return []
        return [m for m in self._alle(van, tot, ankers) if van <= m < tot]

    def volgende(self, na: datetime, ankers: Mapping[str, Anker]) -> datetime | None:
        """The first planned moment at or after `na`, or None when the plan never starts again."""
        na = max(na, BEGIN)
        if na >= EINDE:
            return None
        return next((m for m in self._alle(na, EINDE, ankers) if na <= m < EINDE), None)

    def _alle(self, van: datetime, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        """The planned moments from about `van` up to `tot`, ascending (a few outside may be included)."""
        raise NotImplementedError


class _MeerDanDagelijks(ValueError):
    """The plan would start more than one ronde on one day."""


def _hoogstens_dagelijks(momenten: Iterator[datetime], tekst: str, hoe: str) -> None:
    vorige: datetime | None = None
    for moment in itertools.islice(momenten, _PROEF):
        if vorige is not None and moment.date() == vorige.date():
            raise _MeerDanDagelijks(
                f"{tekst!r}: start meer dan eens per dag (op {moment:%Y-%m-%d} om {vorige:%H:%M} en "
                f"{moment:%H:%M}); een ronde start hoogstens eens per dag: {hoe}"
            )
        vorige = moment


_RRULE_BEREIKEN = {
    "BYMONTH": (1, 12, "maand"),
    "BYMONTHDAY": (-31, 31, "dag van de maand"),
    "BYHOUR": (0, 23, "uur"),
    "BYMINUTE": (0, 59, "minuut"),
    "BYSECOND": (0, 59, "seconde"),
    "BYYEARDAY": (-366, 366, "dag van het jaar"),
    "BYWEEKNO": (-53, 53, "weeknummer"),
    "BYSETPOS": (-366, 366, "positie"),
}
_FREQUENTIES = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}


class _Uitleg(ValueError):
    """A problem with an RRULE, already worded for the coordinator."""


def _controleer_rrule_delen(regel: str) -> None:
    """Range checks dateutil does not make (it accepts BYMONTH=13 and then never fires)."""
    delen = dict(deel.split("=", 1) for deel in regel.split(";") if "=" in deel)
    freq = delen.get("FREQ")
    if freq is None:
        raise _Uitleg("FREQ ontbreekt (bijv. FREQ=YEARLY)")
    if freq not in _FREQUENTIES:
        raise _Uitleg(f"FREQ={freq} kan hier niet; kies uit {', '.join(sorted(_FREQUENTIES))}")
    for deel in regel.split(";"):
        if deel.strip() and "=" not in deel:
            raise _Uitleg(f"'{deel}' heeft geen waarde: schrijf elk onderdeel als NAAM=WAARDE, gescheiden door ;")
    for sleutel, (laag, hoog, wat) in _RRULE_BEREIKEN.items():
        for item in filter(None, delen.get(sleutel, "").split(",")):
            if not re.fullmatch(r"[+-]?\d+", item) or not laag <= int(item) <= hoog or int(item) == 0 and laag < 0:
                raise _Uitleg(f"{sleutel}={item} is geen {wat} ({laag if laag >= 0 else 1}-{hoog})")
    if "INTERVAL" in delen and not (delen["INTERVAL"].isdigit() and int(delen["INTERVAL"]) >= 1):
        raise _Uitleg(f"INTERVAL={delen['INTERVAL']} moet een geheel getal van minstens 1 zijn")
    if "INTERVAL" in delen and len(delen["INTERVAL"]) > 4:
        raise _Uitleg(f"INTERVAL={delen['INTERVAL']} is te groot (hoogstens 9999)")


def _maak_rrule(tekst: str) -> rrule:
    regels = [r.strip() for r in tekst.strip().splitlines() if r.strip()]
    for r in regels:
        if not r.startswith("DTSTART"):
            _controleer_rrule_delen(r.removeprefix("RRULE:"))
    regel = rrulestr("\n".join(regels), dtstart=_RRULE_STANDAARD_START, ignoretz=True, forceset=False)
    if not isinstance(regel, rrule):
        raise _Uitleg("geef één RRULE (eventueel met een DTSTART-regel), geen reeks regels")
    start = regel._dtstart  # noqa: SLF001 - dateutil keeps DTSTART only here
    if not binnen_bereik(start.date()):
        raise _Uitleg(f"DTSTART {start:%Y-%m-%d} ligt buiten de jaren {_BEREIK}")
    return regel


def _tot_horizon(regel: rrule) -> rrule:
    """The rule without COUNT and UNTIL, up to a hundred years after its DTSTART: a finite series to inspect."""
    return regel.replace(until=regel._dtstart + _ZOEKHORIZON, count=None)  # noqa: SLF001


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
        except _Uitleg as fout:
            raise ValueError(f"{tekst!r}: {fout}") from None
        except (ValueError, TypeError, OverflowError) as fout:
            raise ValueError(f"{tekst!r}: {_rrule_uitleg(fout)}") from None
        try:
            if next(iter(_tot_horizon(regel)), None) is None:
                raise ValueError(f"{tekst!r}: deze regel levert nooit een datum op")
            _hoogstens_dagelijks(iter(_tot_horizon(regel)), tekst, "geef één BYHOUR en één BYMINUTE")
        except _MeerDanDagelijks:
            raise
        except (ValueError, OverflowError):  # dateutil gives up beyond the year 9999
            raise ValueError(f"{tekst!r}: deze regel levert nooit een datum op") from None
        return tekst

    @property
    def einde(self) -> datetime | None:
        """The rule's UNTIL, if it has one."""
        return _maak_rrule(self.rrule)._until  # noqa: SLF001 - dateutil keeps UNTIL only here

    def _alle(self, van: datetime, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        for moment in _maak_rrule(self.rrule).xafter(van, inc=True):
            if moment >= tot:
                return
            yield moment


class CronPlanning(_Soort):
    """A five-field cron expression (minute hour day month weekday) in Amsterdam time."""

    cron: str = Field(description="minute hour day-of-month month day-of-week", examples=["0 9 1 1,4,7,10 *"])

    @field_validator("cron")
    @classmethod
    def _geldig(cls, tekst: str) -> str:
        velden = tekst.split()
        if len(velden) != 5:
            raise ValueError(
                f"{tekst!r}: een cron-uitdrukking heeft 5 velden (minuut uur dag maand weekdag), niet {len(velden)}"
            )
        try:
            reeks = croniter(tekst, _RRULE_STANDAARD_START)
            reeks.get_next(datetime)
        except CroniterBadDateError:
            raise ValueError(f"{tekst!r}: deze uitdrukking levert nooit een datum op") from None
        except (CroniterBadCronError, ValueError, KeyError) as fout:
            raise ValueError(f"{tekst!r}: {_cron_uitleg(fout)}") from None
        minuten, uren = reeks.expanded[:2]
        if len(minuten) != 1 or len(uren) != 1 or "*" in (minuten[0], uren[0]):
            raise ValueError(
                f"{tekst!r}: start meer dan eens per dag; een ronde start hoogstens eens per dag: "
                "geef één minuut (0-59) en één uur (0-23), bijv. '0 9 1 3,9 *'"
            )
        return tekst

    def _alle(self, van: datetime, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        reeks = croniter(self.cron, van - timedelta(minutes=1))
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
            raise ValueError("geef voor óf na, niet allebei")
        return self

    @field_validator("voor", "na")
    @classmethod
    def _kalendereenheden(cls, duur):
        if duur is not None and duur.werkdagen:
            raise ValueError(
                f"'{duur}': schrijf de afstand tot een anker in kalendertijd (P12M, P6W), niet in werkdagen"
            )
        return duur

    def _alle(self, van: datetime, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        verschuiving = (self.na.delta if self.na else relativedelta()) - (
            self.voor.delta if self.voor else relativedelta()
        )
        for dag in ankers[self.anker].datums_tot(tot.date() - verschuiving + relativedelta(days=1)):
            yield datetime.combine(dag + verschuiving, self.tijd)


class DatumPlanning(_Soort):
    """One fixed date: a one-off action with a deadline."""

    datum: date = Field(description="The start date (YYYY-MM-DD).", examples=["2027-01-11"])
    tijd: time = Field(STANDAARD_TIJD, description="Start time, Amsterdam time.", examples=["09:00"])

    @field_validator("datum")
    @classmethod
    def _in_bereik(cls, datum: date) -> date:
        if not binnen_bereik(datum):
            raise ValueError(f"'{datum}' ligt buiten de jaren {_BEREIK}")
        return datum

    def _alle(self, van: datetime, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        yield datetime.combine(self.datum, self.tijd)


Gebeurtenis = Literal["indiensttreding", "uitdiensttreding", "rol-gekregen", "rol-verloren", "melding"]
GEBEURTENISSEN: tuple[str, ...] = get_args(Gebeurtenis)
"""What can happen to a person: the persons import records the first four, a report on the personal page the last."""
Meldregister = Literal["nevenfuncties", "financiele-belangen", "geschenken"]
PERSOONSDATUMS = "in-dienst, uit-dienst of benoemd-<rol>"
_PERSOONSDATUM = re.compile(r"^(in-dienst|uit-dienst|benoemd-[a-z][a-z0-9-]*)$")


class PerPersoonPlanning(_Soort):
    """A plan that starts with a person, not a date: no calendar moments; a ronde per person (engine.persoonsrondes)."""

    def _alle(self, van: datetime, tot: datetime, ankers: Mapping[str, Anker]) -> Iterator[datetime]:
        return iter(())


class GebeurtenisPlanning(PerPersoonPlanning):
    """Something that happens to a person: a ronde for that person starts on the working day after its date (a
    melding at once)."""

    gebeurtenis: Gebeurtenis = Field(
        description="What happened to the person.", examples=["indiensttreding", "rol-gekregen"]
    )
    rol: str | None = Field(None, description="The role gained or lost (rol-gekregen, rol-verloren).")
    # `register` is also a method of pydantic's metaclass, so the attribute carries another name (as in Proces).
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)
    register_naam: Meldregister | None = Field(
        None, alias="register", description="The register reported in (melding).", examples=["geschenken"]
    )

    @model_validator(mode="after")
    def _aanvulling(self) -> GebeurtenisPlanning:
        met_rol = self.gebeurtenis in ("rol-gekregen", "rol-verloren")
        if met_rol != (self.rol is not None):
            raise ValueError(
                f"{self.gebeurtenis}: geef rol (welke rol)" if met_rol else f"{self.gebeurtenis} heeft geen rol"
            )
        if (self.gebeurtenis == "melding") != (self.register_naam is not None):
            raise ValueError(
                f"melding: geef register ({', '.join(get_args(Meldregister))})"
                if self.gebeurtenis == "melding"
                else f"{self.gebeurtenis} heeft geen register"
            )
        return self

    def beschrijving(self) -> str:
        """`bij indiensttreding`, `bij rol-gekregen statenlid`: how the agenda names it."""
        aanvulling = self.rol or self.register_naam
        return f"bij {self.gebeurtenis}: {aanvulling}" if aanvulling else f"bij {self.gebeurtenis}"


class PersoonsdatumPlanning(PerPersoonPlanning):
    """A date of each person's own (the day they joined, or were appointed in a role), moved by `na` and `voor`,
    `keer` times: a ronde for that person at each."""

    datum: str = Field(
        description=f"The person's date: {PERSOONSDATUMS} (the import's columns in_dienst, uit_dienst, benoemd).",
        examples=["benoemd-vertrouwenspersoon"],
    )
    na: DuurVeld = Field(description="This long after the date (and again after each term).", examples=["P3Y"])
    voor: DuurVeld | None = Field(None, description="Start this long before that.", examples=["P3M"])
    keer: int = Field(1, ge=1, le=10, description="How many terms: a ronde before the end of each.", examples=[3])
    tijd: time = Field(STANDAARD_TIJD, description="Start time, Amsterdam time.", examples=["09:00"])

    @field_validator("datum")
    @classmethod
    def _bekend(cls, naam: str) -> str:
        if not _PERSOONSDATUM.match(naam):
            raise ValueError(f"'{naam}' is geen datum en geen datum van een persoon ({PERSOONSDATUMS})")
        return naam

    @field_validator("na", "voor")
    @classmethod
    def _kalendereenheden(cls, duur):
        if duur is not None and duur.werkdagen:
            raise ValueError(f"'{duur}': schrijf de afstand tot de datum in kalendertijd (P3Y, P3M), niet in werkdagen")
        return duur

    @property
    def rol(self) -> str | None:
        """The role whose appointment date this is (`benoemd-<rol>`)."""
        return self.datum.removeprefix("benoemd-") if self.datum.startswith("benoemd-") else None

    def starts(self, dag: date) -> list[datetime]:
        """The moments for a person whose date is `dag`: before the end of each of `keer` terms."""
        terug = self.voor.delta if self.voor else relativedelta()
        return [datetime.combine(dag + self.na.delta * k - terug, self.tijd) for k in range(1, self.keer + 1)]

    def beschrijving(self) -> str:
        """`P3M vóór P3Y na benoemd-vertrouwenspersoon (3 termijnen)`: how the agenda names it."""
        voor = f"{self.voor} vóór " if self.voor else ""
        return f"{voor}{self.na} na {self.datum}" + (f" ({self.keer} termijnen)" if self.keer > 1 else "")


_SOORTEN = ("rrule", "cron", "anker", "datum", "gebeurtenis")


def _soort(waarde: Any) -> str | None:
    if isinstance(waarde, PersoonsdatumPlanning):
        return "persoonsdatum"
    if isinstance(waarde, BaseModel):
        return next(s for s in _SOORTEN if s in type(waarde).model_fields)
    if isinstance(waarde, dict):
        gevonden = [s for s in _SOORTEN if s in waarde]
        if gevonden == ["datum"] and isinstance(waarde["datum"], str) and _PERSOONSDATUM.match(waarde["datum"]):
            return "persoonsdatum"
        return gevonden[0] if len(gevonden) == 1 else None
    return None


Planning = Annotated[
    Annotated[RRulePlanning, Tag("rrule")]
    | Annotated[CronPlanning, Tag("cron")]
    | Annotated[AnkerPlanning, Tag("anker")]
    | Annotated[DatumPlanning, Tag("datum")]
    | Annotated[GebeurtenisPlanning, Tag("gebeurtenis")]
    | Annotated[PersoonsdatumPlanning, Tag("persoonsdatum")],
    Discriminator(
        _soort,
        custom_error_type="planning_soort",
        custom_error_message="geef precies één van: rrule, cron, anker (met voor of na), datum (een datum, of "
        f"{PERSOONSDATUMS} met na), gebeurtenis",
    ),
]


_RRULE_FOUTEN: list[tuple[str, str]] = [
    (r"unknown parameter '(.+)'", "onbekend onderdeel '{0}'"),
    (r"unknown parameter name", "onbekend onderdeel"),
    (r"invalid '(.+)': ?", "{0} heeft geen waarde"),
    (r"invalid '(.+)': (.+)", "'{1}' is geen geldige waarde voor {0}"),
    (r"not enough values to unpack.*", "schrijf elk onderdeel als NAAM=WAARDE, gescheiden door ;"),
    (r"empty string", "de regel is leeg; schrijf bijv. 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1'"),
    (
        r"Unknown string format: (.*)",
        "'{0}' is geen datum en tijd; schrijf bijv. DTSTART:20270301T090000",
    ),
    (r"Invalid rrule byxxx generates an empty set.*", "deze combinatie van onderdelen levert nooit een datum op"),
    (r"Invalid combination of interval.*", "deze combinatie van INTERVAL en BYHOUR/BYMINUTE levert nooit een datum op"),
    (r"Can't create weekday with n==0", "een weekdag met 0 ervoor bestaat niet; schrijf bijv. 1MO of -1FR"),
    (r"unsupported property: (.+)", "onbekende regel '{0}': alleen DTSTART en RRULE kunnen hier"),
    (r"unsupported (?:\w+ )?parm: (.+)", "onbekende toevoeging '{0}'"),
    (r"Multiple DTSTART.*", "geef maar één DTSTART"),
    (r"empty property name", "een regel begint met ':'; schrijf DTSTART:... of RRULE:..."),
    (r"hour must be in 0\.\.23: (.+)", "'{0}': het uur moet tussen 0 en 23 liggen"),
    (r"minute must be in 0\.\.59: (.+)", "'{0}': de minuut moet tussen 0 en 59 liggen"),
    (r"second must be in 0\.\.59: (.+)", "'{0}': de seconde moet tussen 0 en 59 liggen"),
    (r"month must be in 1\.\.12: (.+)", "'{0}': de maand moet tussen 1 en 12 liggen"),
    (r"day is out of range for month: (.+)", "'{0}': die dag bestaat niet in die maand"),
    (r"year (\d+) is out of range: (.+)", f"'{{1}}': het jaar {{0}} kan niet (kies {_BEREIK})"),
]
"""dateutil's messages about an RRULE in Dutch; `{n}` is the n-th group of the pattern."""

_CRON_VELDEN = ("minuut", "uur", "dag", "maand", "weekdag")
_CRON_BEREIK = "minuut 0-59, uur 0-23, dag 1-31, maand 1-12, weekdag 0-7, waarbij 0 en 7 zondag zijn"
_CRON_UITLEG = (
    "schrijf per veld een getal, een reeks (1-5), een lijst (1,4,7), een stap (*/15) of *, bijv. '0 9 1 3,9 *'"
)


def _rrule_uitleg(fout: Exception) -> str:
    return _vertaal(fout, _RRULE_FOUTEN, "deze regel wordt niet begrepen; schrijf bijv. 'FREQ=YEARLY;BYMONTH=3'")


def _cron_uitleg(fout: Exception) -> str:
    tekst = str(fout)
    if m := re.search(r"(step|bands) '(.+?)' in field (\d)", tekst):
        wat = "stap" if m[1] == "step" else "reeks"
        return f"{wat} '{m[2]}' in het {_CRON_VELDEN[int(m[3]) % 5]}-veld kan niet; {_CRON_UITLEG}"
    if "out of range" in tekst or "out of bands" in tekst:
        return f"een veld valt buiten het bereik ({_CRON_BEREIK})"
    if "negative numbers" in tekst:
        return f"negatieve getallen kunnen niet ({_CRON_BEREIK})"
    if "can never occur" in tekst:
        return "deze uitdrukking levert nooit een datum op: die dag bestaat niet in die maand"
    if "day_of_week" in tekst:
        return "onbekende weekdag; gebruik 0-7 of mon, tue, wed, thu, fri, sat, sun"
    return f"wordt niet begrepen; {_CRON_UITLEG}"


def _vertaal(fout: Exception, vertalingen: list[tuple[str, str]], anders: str) -> str:
    tekst = str(fout).strip().rstrip(".")
    for patroon, uitleg in vertalingen:
        if m := re.fullmatch(patroon, tekst, flags=re.DOTALL):
            return uitleg.format(*(g.strip() for g in m.groups()))
    return anders
