"""The process spec: one obligation of the Integriteitsplan, as written in `processen/<id>.yaml`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.doelgroep import Doelgroep
from models.duur import DuurVeld
from models.planning import PerPersoonPlanning, Planning

ID_PATROON = r"^[a-z][a-z0-9-]*$"
ID_LENGTE = 100
"""The longest id of a proces or stap: the database keeps at most this many characters (ronde.proces, ronde.stap)."""
MAX_STAPPEN = 20
"""Stappen run one after the other, each up to five years: a bound keeps every date far from the year 9999."""
Maand = Annotated[int, Field(ge=1, le=12)]
Voltooiing = Literal["alle-antwoorden", "bevestiging"]
Register = Literal["nevenfuncties", "financiele-belangen", "geschenken"]


class _Strikt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True)


def _niet_te_lang(waarde):
    """An id the database cannot hold is refused before anything runs (checked before the pattern)."""
    if isinstance(waarde, str) and len(waarde) > ID_LENGTE:
        raise ValueError(
            f"'{waarde[:30]}...' is {len(waarde)} tekens lang; een id mag hoogstens {ID_LENGTE} tekens hebben, "
            "meer bewaart de database niet"
        )
    return waarde


class Escalatie(_Strikt):
    """A notice to a role listing who has not answered, this long after the start."""

    na: DuurVeld = Field(description="How long after the start; at most the termijn.", examples=["P4W"])
    naar: str | None = Field(
        None, description="Role that receives it; the eigenaar when left out.", examples=["integriteitscoordinator"]
    )


class Sjablonen(_Strikt):
    """Message templates (under notifications/sjablonen/, without extension); `standaard/...` when left out."""

    verzoek: str | None = Field(None, examples=["nevenfuncties/verzoek"])
    herinnering: str | None = Field(None, examples=["standaard/herinnering"])
    escalatie: str | None = Field(None, examples=["standaard/escalatie"])

    def naam(self, soort: Literal["verzoek", "herinnering", "escalatie"], stap: _StapVelden) -> str:
        """The template of `soort` for `stap`: as chosen, else the standard one for what the stap asks."""
        gekozen = getattr(self, soort)
        if gekozen:
            return gekozen
        if stap.bevestiging_door and soort != "escalatie":
            return f"standaard/bevestiging-{soort}"
        return "standaard/taak" if soort == "verzoek" and stap.voltooiing == "bevestiging" else f"standaard/{soort}"


class _StapVelden(_Strikt):
    """What a stage asks, of whom, and how long it runs: written on the proces, or on each stap."""

    doelgroep: Doelgroep | None = Field(
        None,
        description="Who gets a verzoek. Required for alle-antwoorden; for bevestiging the eigenaar. In a proces "
        "that starts with a person (planning gebeurtenis or a person's date): whose event or date starts a ronde; "
        "a bevestiging of it goes to the eigenaar.",
    )
    termijn: DuurVeld | None = Field(None, description="Deadline, counted from the start.", examples=["P4W"])
    herinneringen: list[DuurVeld] = Field(
        default_factory=list,
        description="Reminders to those who have not answered, counted from the start; before the termijn.",
        examples=[["P2W", "P3W"]],
    )
    escalatie: Escalatie | None = Field(None, description="Notice listing who has not answered.")
    voltooiing: Voltooiing = Field(
        "alle-antwoorden",
        description="alle-antwoorden: done when every recipient answered; bevestiging: the owner confirms.",
    )
    bevestiging_door: str | None = Field(
        None,
        description=(
            "Role that confirms, for each person of the doelgroep, that it happened and on which date (the cvdK "
            "per fractievoorzitter): the verzoek of each person goes to the holders of this role, who answer with "
            "the date; the stap is done when every person is confirmed."
        ),
        examples=["cvdk"],
    )
    datum_in_maanden: list[Maand] | None = Field(
        None,
        description=(
            "A confirmation's date must fall in one of these months (1-12), within a year from the ronde's start "
            "(the September meeting of PS). A confirmation with another date is kept but does not count; the "
            "integriteitscoordinator is told."
        ),
        examples=[[9]],
    )
    # `register` is also a method of pydantic's metaclass, so the attribute carries another name.
    register_naam: Register | None = Field(None, alias="register", description="The register a verzoek asks to update.")
    sjablonen: Sjablonen = Field(default_factory=Sjablonen, description="Message templates.")

    def buiten_periode(self, datum: date, start: date) -> bool:
        """Whether a confirmed `datum` falls outside `datum_in_maanden`, in the year from the ronde's `start`."""
        if not self.datum_in_maanden:
            return False
        return not (start <= datum < start + timedelta(days=365) and datum.month in self.datum_in_maanden)

    @property
    def vraagt_datum(self) -> bool:
        """The answer is a confirmation with a date: the eigenaar's, or a third party's per person."""
        return self.voltooiing == "bevestiging" or self.bevestiging_door is not None


class Stap(_StapVelden):
    """One stage of a multi-stage proces; the next stap starts when this one completes or closes."""

    id: str | None = Field(
        None,
        pattern=ID_PATROON,
        max_length=ID_LENGTE,
        description="Stage id, unique in the proces.",
        examples=["inventarisatie"],
    )
    titel: str | None = Field(None, description="Short title of the stage.")

    _id_lengte = field_validator("id", mode="before")(_niet_te_lang)


class Proces(_StapVelden):
    """One recurring (or one-off) obligation. Single-stage fields sit on the proces; or use `stappen`."""

    id: str = Field(
        pattern=ID_PATROON,
        max_length=ID_LENGTE,
        description="Permanent key; the file is named <id>.yaml.",
        examples=["nevenfuncties-statenleden"],
    )
    titel: str = Field(min_length=1, description="Title shown in emails and the agenda.")
    omschrijving: str | None = Field(None, description="What this obligation is for, in a few sentences.")
    bron: str = Field(
        min_length=1,
        description="Where the plan or the law asks for it.",
        examples=["Integriteitsplan actie 5; Provinciewet art. 11"],
    )
    actief: bool = Field(True, description="false pauses the proces without losing its history.")
    eigenaar: str = Field(description="Role responsible; gets owner tasks and escalations.", examples=["statengriffie"])
    planning: Planning = Field(description="When a ronde starts: exactly one of rrule, cron, anker, datum.")
    stappen: list[Stap] | None = Field(
        None, min_length=1, max_length=MAX_STAPPEN, description="Stages, in order, for multi-stage processes."
    )

    _id_lengte = field_validator("id", mode="before")(_niet_te_lang)

    @property
    def alle_stappen(self) -> list[Stap]:
        """The stages as the engine sees them: `stappen`, or the proces itself as one stage without an id."""
        if self.stappen:
            return list(self.stappen)
        velden = {naam: getattr(self, naam) for naam in _StapVelden.model_fields}
        return [Stap(**velden)]

    @property
    def per_persoon(self) -> bool:
        """Whether a ronde starts with a person (an event in their life, a date of theirs), not on a calendar date."""
        return isinstance(self.planning, PerPersoonPlanning)

    def ontvangers(self, stap: Stap) -> Doelgroep:
        """Who gets a verzoek in `stap`: its doelgroep, or the eigenaar for a confirmation."""
        return stap.doelgroep or Doelgroep(rollen=[self.eigenaar])

    def aangeschreven(self, stap: Stap) -> Doelgroep:
        """Who the verzoek of `stap` is sent to: `ontvangers`, but where a ronde for one person waits for the
        eigenaar's confirmation (a melding), the eigenaar; the doelgroep then says whom the ronde is about."""
        if self.per_persoon and stap.voltooiing == "bevestiging":
            return Doelgroep(rollen=[self.eigenaar])
        return self.ontvangers(stap)


STAPVELDEN = tuple(veld.alias or naam for naam, veld in _StapVelden.model_fields.items())
"""The keys of a stap as written in YAML."""
