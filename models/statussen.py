"""The states of the engine as types: one StrEnum per state set, and the transitions written in one place.

The members are strings (`enum.StrEnum`), so what is stored stays what it was, and a member equals its text:
`RondeStatus.LOPEND == "lopend"`. The database holds the same sets as CHECK constraints (`models.tabellen`,
migration 0006).

Every status change of a ronde or a verzoek goes through `zet_status` (or `overgang`), which refuses a
transition the tables below do not list. An illegal transition is a bug in the engine, not a user error, so
`OngeldigeOvergang` is a plain exception. A set-based UPDATE names the allowed previous states in its WHERE
clause: `Verzoek.status.in_(voorgangers(VerzoekStatus.VERLOPEN))`.

A bericht (the outbox) has no status column: its state follows from its timestamps, see `berichtstatus`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Protocol, TypeVar


class RondeStatus(enum.StrEnum):
    """Where a ronde (one stap of one occurrence of a proces) stands."""

    LOPEND = "lopend"
    """Gestart: verzoeken staan uit, herinneringen en escalatie volgen het plan."""
    VOLTOOID = "voltooid"
    """Gesloten omdat iedereen antwoordde, of omdat de eigenaar bevestigde."""
    VERLOPEN = "verlopen"
    """Gesloten op de deadline, met wie ontbrak."""


class VerzoekStatus(enum.StrEnum):
    """Where a verzoek to one person stands."""

    OPEN = "open"
    """Verstuurd (of klaargezet), nog geen antwoord."""
    HERINNERD = "herinnerd"
    """Minstens één herinnering gehad, nog geen antwoord."""
    GEESCALEERD = "geescaleerd"
    """Zonder antwoord gemeld bij de escalatie-ontvanger; een latere herinnering laat dat zo."""
    BEANTWOORD = "beantwoord"
    """Op tijd beantwoord; telt als antwoord van de ronde."""
    VERLOPEN = "verlopen"
    """De ronde sloot op de deadline zonder antwoord van deze persoon."""
    VERVALLEN = "vervallen"
    """Telt niet meer mee: de persoon verliet de doelgroep, of de ronde sloot voltooid zonder dit antwoord."""


class Berichtstatus(enum.StrEnum):
    """Where an outgoing message stands; derived from its timestamps by `berichtstatus`, never stored."""

    KLAAR = "klaar"
    """Klaargezet: wacht op een verzender (en op `verzenden_vanaf`)."""
    GECLAIMD = "geclaimd"
    """Een verzender heeft het in handen, tot `geclaimd_tot` (echte tijd)."""
    UITGESTELD = "uitgesteld"
    """Voorlopig geweigerd (4xx): volgende keer opnieuw, na vijf dagen opgegeven."""
    VERZONDEN = "verzonden"
    """Door de SMTP-server aangenomen."""
    GEWEIGERD = "geweigerd"
    """Blijvend geweigerd, of opgegeven; gaat nooit meer uit."""


class Map(enum.StrEnum):
    """The folder of the reply mailbox an incoming message is moved to (`Inkomend.map`)."""

    VERWERKT = "Verwerkt"
    """Antwoorden die telden, en late antwoorden op een gesloten ronde."""
    ONBEKEND = "Onbekend"
    """Post die bij geen verzoek hoort."""
    AUTOMATISCH = "Automatisch"
    """Afwezigheidsmeldingen en bounces."""
    BEOORDELEN = "Beoordelen"
    """Voor de coördinator: twijfel over afzender of inhoud, of niet te verwerken."""


class Uitkomst(enum.StrEnum):
    """What was concluded about an incoming message (`Inkomend.uitkomst`)."""

    ANTWOORD = "antwoord"
    """Een antwoord met tekst, vastgelegd bij het verzoek."""
    GEEN_WIJZIGINGEN = "geen-wijzigingen"
    """Een antwoord "geen wijzigingen", vastgelegd bij het verzoek."""
    TE_LAAT = "te-laat"
    """Een antwoord op een gesloten ronde of vervallen verzoek: bewaard, telt niet."""
    AFWEZIG = "afwezig"
    """Een automatisch antwoord (afwezigheid); geen antwoord."""
    BOUNCE = "bounce"
    """Een bounce van een bericht van ons: het adres is onbestelbaar gemarkeerd."""
    BOUNCE_TIJDELIJK = "bounce-tijdelijk"
    """Een bounce van een bericht van ons zonder blijvende weigering: niets veranderd."""
    BOUNCE_ONBEKEND = "bounce-onbekend"
    """Een bounce die geen bericht van ons terugbrengt: niets veranderd."""
    ONBEKEND = "onbekend"
    """Geen antwoordsleutel die bij een verzoek hoort."""
    DOORGESTUURD = "doorgestuurd"
    """Een doorgestuurd bericht."""
    AFZENDER_WIJKT_AF = "afzender-wijkt-af"
    """Van een ander adres dan waar het verzoek heen ging."""
    AFZENDER_ONDUIDELIJK = "afzender-onduidelijk"
    """Een From met meer dan één adres, of een naam die zich als adres voordoet."""
    AUTHENTICATIE_MISLUKT = "authenticatie-mislukt"
    """DMARC, SPF of DKIM faalde."""
    ALLEEN_ONDERWERP = "alleen-onderwerp"
    """Alleen het (raadbare) onderwerplabel wijst een verzoek aan."""
    LEEG = "leeg"
    """Een antwoord zonder eigen tekst."""
    ONLEESBAAR = "onleesbaar"
    """Niet te verwerken; de reden staat bij het bericht."""
    ZONDER_DATUM = "zonder-datum"
    """Een bevestiging per e-mail zonder volledige datum (dag, maand en jaar) van vergadering of besluit."""


class Regelstatus(enum.StrEnum):
    """Where one version of one register entry stands (`Registerregel.status`)."""

    VOORGESTELD = "voorgesteld"
    """Ingediend door de persoon (of uit een e-mail): wacht op de eigenaar."""
    AANVAARD = "aanvaard"
    """Door de eigenaar aanvaard: dit is wat het register over deze regel zegt."""
    TERUGGESTUURD = "teruggestuurd"
    """Door de eigenaar teruggestuurd, met een opmerking; de persoon dient opnieuw in."""
    VERVANGEN = "vervangen"
    """Opgevolgd door een nieuwere versie: een aanvaarde versie na aanvaarding van de volgende, een voorstel
    wanneer de persoon het vóór de beoordeling opnieuw indient (of de eigenaar het bewerkt aanvaardt)."""


OPEN: tuple[VerzoekStatus, ...] = (VerzoekStatus.OPEN, VerzoekStatus.HERINNERD, VerzoekStatus.GEESCALEERD)
"""A verzoek still waiting for its answer: what reminders, escalations and the close look at."""

_V = VerzoekStatus
VERZOEK_OVERGANGEN: Mapping[VerzoekStatus, frozenset[VerzoekStatus]] = MappingProxyType(
    {
        # a reminder; an escalation; an answer; a leaver, or the ronde closed complete; the deadline closed it
        _V.OPEN: frozenset({_V.HERINNERD, _V.GEESCALEERD, _V.BEANTWOORD, _V.VERVALLEN, _V.VERLOPEN}),
        # the same, and a second reminder
        _V.HERINNERD: frozenset({_V.HERINNERD, _V.GEESCALEERD, _V.BEANTWOORD, _V.VERVALLEN, _V.VERLOPEN}),
        # an answer; a leaver, or the ronde closed complete; the deadline (a later reminder keeps it escalated)
        _V.GEESCALEERD: frozenset({_V.BEANTWOORD, _V.VERVALLEN, _V.VERLOPEN}),
        _V.BEANTWOORD: frozenset(),  # a second answer is recorded but changes nothing
        _V.VERLOPEN: frozenset(),  # a late answer is recorded as late
        _V.VERVALLEN: frozenset({_V.OPEN}),  # the person returned to the doelgroep of the lopende ronde
    }
)
"""Verzoek: open -> herinnerd -> beantwoord, or on to geescaleerd and verlopen; a leaver makes it vervallen,
and a returner reopens it."""

RONDE_OVERGANGEN: Mapping[RondeStatus, frozenset[RondeStatus]] = MappingProxyType(
    {
        RondeStatus.LOPEND: frozenset({RondeStatus.VOLTOOID, RondeStatus.VERLOPEN}),
        RondeStatus.VOLTOOID: frozenset(),
        RondeStatus.VERLOPEN: frozenset(),
    }
)
"""Ronde: lopend -> voltooid | verlopen; a closed ronde never reopens (a late answer is only recorded)."""

_G = Regelstatus
REGEL_OVERGANGEN: Mapping[Regelstatus, frozenset[Regelstatus]] = MappingProxyType(
    {
        # the eigenaar accepts; sends it back; a newer proposal (or the eigenaar's edit) replaces it
        _G.VOORGESTELD: frozenset({_G.AANVAARD, _G.TERUGGESTUURD, _G.VERVANGEN}),
        _G.AANVAARD: frozenset({_G.VERVANGEN}),  # a newer version of the entry is accepted
        _G.TERUGGESTUURD: frozenset(),  # the person submits a new version
        _G.VERVANGEN: frozenset(),
    }
)
"""Registerregel: voorgesteld -> aanvaard -> vervangen, or teruggestuurd; a version is never changed, a change
is a new version."""

_OVERGANGEN: dict[type[enum.StrEnum], Mapping] = {
    RondeStatus: RONDE_OVERGANGEN,
    VerzoekStatus: VERZOEK_OVERGANGEN,
    Regelstatus: REGEL_OVERGANGEN,
}

S = TypeVar("S", RondeStatus, VerzoekStatus, Regelstatus)


class OngeldigeOvergang(Exception):
    """A status change the transition tables do not allow: a bug in the engine."""


def overgang(huidig: str, nieuw: S) -> S:
    """`nieuw`, when a ronde or verzoek may go there from `huidig`; raises OngeldigeOvergang otherwise.

    `huidig` may be the plain text a row was built with; `nieuw` says which state set applies."""
    soort = type(nieuw)
    if soort not in _OVERGANGEN:
        raise TypeError(f"geen overgangen bekend voor {nieuw!r}")
    try:
        van = soort(huidig)
    except ValueError:
        raise OngeldigeOvergang(f"{huidig!r} is geen {soort.__name__}") from None
    if nieuw not in _OVERGANGEN[soort][van]:
        raise OngeldigeOvergang(f"{soort.__name__}: van '{van}' naar '{nieuw}' mag niet")
    return nieuw


def voorgangers(nieuw: S) -> tuple[S, ...]:
    """Every state a ronde or verzoek may reach `nieuw` from: the WHERE clause of a set-based UPDATE."""
    tabel = _OVERGANGEN[type(nieuw)]
    return tuple(van for van, naar in tabel.items() if nieuw in naar)


class _MetStatus(Protocol):
    status: str


def zet_status(rij: _MetStatus, nieuw: S) -> None:
    """Give a ronde, verzoek or register version the status `nieuw`, when the transition tables allow it."""
    rij.status = overgang(rij.status, nieuw)


class _Bericht(Protocol):
    verzonden: datetime | None
    geweigerd: datetime | None
    uitgesteld_sinds: datetime | None
    geclaimd_tot: datetime | None


def berichtstatus(bericht: _Bericht, echt: datetime | None = None) -> Berichtstatus:
    """The state of an outgoing message, from its timestamps. `echt` is the real time (default: now), as a
    sender's lease runs in real time, not on the engine's (possibly simulated) clock."""
    if bericht.verzonden is not None:
        return Berichtstatus.VERZONDEN
    if bericht.geweigerd is not None:
        return Berichtstatus.GEWEIGERD
    if bericht.geclaimd_tot is not None and bericht.geclaimd_tot > (echt or datetime.now(UTC)):
        return Berichtstatus.GECLAIMD
    if bericht.uitgesteld_sinds is not None:
        return Berichtstatus.UITGESTELD
    return Berichtstatus.KLAAR


def in_sql(kolom: str, waarden: type[enum.StrEnum]) -> str:
    """The CHECK condition that `kolom` holds one of `waarden`: `status IN ('lopend', 'voltooid', 'verlopen')`."""
    lijst = ", ".join(f"'{w}'" for w in waarden)
    return f"{kolom} IN ({lijst})"
