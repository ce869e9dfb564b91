"""The shared files beside the specs: `kalender.yaml` (anchors, closing days) and `rollen.yaml` (roles)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.duur import DuurVeld
from models.planning import EERSTE_JAAR, LAATSTE_JAAR, binnen_bereik


class _Strikt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Anker(_Strikt):
    """Dates a proces can be planned against, such as each election; `herhaling` extends the list."""

    omschrijving: str = Field(description="What happens on these dates.")
    datums: list[date] = Field(min_length=1, description="Known dates, ascending.", examples=[["2027-03-17"]])
    herhaling: DuurVeld | None = Field(
        None, description="Repeat after the last known date at this interval.", examples=["P4Y"]
    )

    @field_validator("datums")
    @classmethod
    def _in_bereik(cls, datums: list[date]) -> list[date]:
        for datum in datums:
            if not binnen_bereik(datum):
                raise ValueError(f"'{datum}' ligt buiten de jaren {EERSTE_JAAR}-{LAATSTE_JAAR}")
        return datums

    @field_validator("herhaling")
    @classmethod
    def _kalendereenheden(cls, duur):
        if duur is not None and duur.werkdagen:
            raise ValueError(f"'{duur}': herhaal een anker in kalendertijd (P4Y, P3Y), niet in werkdagen")
        return duur

    def datums_tot(self, tot: date) -> list[date]:
        """Every anchor date before `tot`: the known ones, then repeats of the last one."""
        gevonden = [d for d in self.datums if d < tot]
        if self.herhaling is None:
            return gevonden
        laatste, n = self.datums[-1], 1
        while (volgende := laatste + self.herhaling.delta * n) < tot:
            gevonden.append(volgende)
            n += 1
        return gevonden


class Kalender(_Strikt):
    """processen/kalender.yaml."""

    ankers: dict[str, Anker] = Field(default_factory=dict, description="Named anchors, by name.")
    vrije_dagen: list[date] = Field(
        default_factory=list,
        description="Closing days on top of the Dutch public holidays.",
        examples=[["2027-12-27"]],
    )


class Rollen(_Strikt):
    """processen/rollen.yaml: every role a spec may name, with what it means."""

    rollen: dict[str, str] = Field(description="Role name to description.", examples=[{"statenlid": "Lid van PS"}])
