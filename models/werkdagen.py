"""Working days in the Netherlands: no weekend, no Dutch public holiday, no extra closing day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

TIJDZONE = ZoneInfo("Europe/Amsterdam")
"""Every wall-clock time in specs, agendas and messages is Amsterdam time, across daylight saving."""


class Werkdagen:
    """Knows which dates are working days; `vrije_dagen` adds closing days on top of the public holidays."""

    def __init__(self, vrije_dagen: Iterable[date] = ()) -> None:
        self._vrije_dagen = frozenset(vrije_dagen)

    @cached_property
    def _feestdagen(self) -> holidays.HolidayBase:
        # Imported here: the package loads every country's calendar (about 21 MB), which a process that never
        # asks about a date (the one serving the Prefect deployments) need not carry. Years are added lazily by
        # the package on first lookup of a date in that year.
        import holidays

        return holidays.country_holidays("NL")

    def is_werkdag(self, dag: date) -> bool:
        return dag.weekday() < 5 and dag not in self._feestdagen and dag not in self._vrije_dagen

    def eerstvolgende(self, dag: date) -> date:
        """`dag` itself when it is a working day, else the next working day."""
        while not self.is_werkdag(dag):
            dag += timedelta(days=1)
        return dag

    def plus(self, dag: date, aantal: int) -> date:
        """The date `aantal` working days after `dag` (counting from the next working day)."""
        for _ in range(aantal):
            dag = self.eerstvolgende(dag + timedelta(days=1))
        return dag
