"""The engine's database: persons, rondes, verzoeken, antwoorden, the outbox, registers and the audit trail.

Datetimes are aware: stored in UTC (sqlmodel's UTCDateTime), shown in Amsterdam time by whoever prints them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, LargeBinary, Text, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel
from sqlmodel.sql.sqltypes import AutoString

from models.doelgroep import KENMERKEN
from models.statussen import Map, Regelstatus, RondeStatus, Uitkomst, VerzoekStatus, in_sql


class Keuze(TypeDecorator):
    """A column holding one member of a StrEnum: stored as its text (VARCHAR(length), as before the enums), read
    back as the member. Text that is no member goes to the database unchanged, where a CHECK refuses it.

    Its schema is its `impl`; a migration writes it as `sqlmodel.sql.sqltypes.AutoString(length=...)`."""

    impl = AutoString
    cache_ok = True

    def __init__(self, keuzes: type[enum.StrEnum], length: int) -> None:
        super().__init__(length=length)
        self.keuzes = keuzes

    def process_bind_param(self, value, dialect):
        return None if value is None else str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else self.keuzes(value)


class Persoon(SQLModel, table=True):
    """Someone who can be asked: from the HR export or the griffie's list; never deleted, only made inactive."""

    id: int | None = Field(default=None, primary_key=True)
    extern_id: str = Field(unique=True, index=True, max_length=64)
    naam: str = Field(max_length=200)
    slug: str | None = Field(
        default=None,
        unique=True,
        index=True,
        max_length=220,
        description="the address of their public pages: given once when stored (models.publicatie.vrije_slug), never "
        "changed, so a namesake who joins or leaves moves nobody's page",
    )
    email: str = Field(max_length=254)
    rollen: str = Field(default="", max_length=500, description="';'-separated role names")
    fractie: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=200)
    afdeling: str | None = Field(default=None, max_length=200)
    functie: str | None = Field(default=None, max_length=200)
    leidinggevende: str | None = Field(default=None, max_length=64, description="extern_id of the manager")
    schaal: int | None = None
    inhuur: bool = False
    ambtseed: bool = False
    in_dienst: date | None = Field(default=None, description="joined (the import's in_dienst)")
    uit_dienst: date | None = Field(
        default=None, description="leaves or left: the import's uit_dienst, or the day an import no longer had them"
    )
    benoemd: date | None = Field(default=None, description="appointed in their role(s), such as vertrouwenspersoon")
    actief: bool = Field(default=True, index=True)
    onbestelbaar: bool = False
    bijgewerkt: datetime = Field(index=True, description="the watch asks for the latest change every day")

    @property
    def rolset(self) -> set[str]:
        return set(filter(None, self.rollen.split(";")))

    @property
    def kenmerken(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in KENMERKEN}

    def datum(self, naam: str) -> date | None:
        """A date of the person's own, as a planning names it: in-dienst, uit-dienst, benoemd-<rol> (only while
        they have that role)."""
        if naam.startswith("benoemd-"):
            return self.benoemd if naam.removeprefix("benoemd-") in self.rolset else None
        return {"in-dienst": self.in_dienst, "uit-dienst": self.uit_dienst}.get(naam)


class Ronde(SQLModel, table=True):
    """One stap of one occurrence of a proces; unique on proces, stap and planned start date, and for a proces
    that starts with a person (an event, a date of their own) also on that person."""

    __table_args__ = (
        Index(
            "uq_ronde_proces_stap_start",
            "proces",
            "stap",
            "startdatum",
            unique=True,
            sqlite_where=text("persoon_id IS NULL"),
            postgresql_where=text("persoon_id IS NULL"),
        ),
        UniqueConstraint("proces", "stap", "startdatum", "persoon_id", name="uq_ronde_proces_stap_start_persoon"),
        CheckConstraint(in_sql("status", RondeStatus), name="ck_ronde_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    proces: str = Field(max_length=100, index=True)
    stap: str = Field(default="", max_length=100, description="'' for a proces with one stage")
    stapnummer: int = 0
    startdatum: date = Field(description="the planned start day of the ronde's first stap (the period key)")
    start: datetime = Field(description="when this stap started or starts, UTC")
    deadline: date
    status: RondeStatus = Field(
        default=RondeStatus.LOPEND, max_length=20, index=True, sa_type=Keuze(RondeStatus, length=20)
    )
    herinnering_nr: int = Field(default=0, description="reminders of the spec handled so far")
    geescaleerd: bool = False
    gesloten: datetime | None = None
    personen_gezien: datetime | None = Field(default=None, description="persons' state the doelgroep was synced at")
    persoon_id: int | None = Field(default=None, foreign_key="persoon.id", description="whom a per-person ronde is for")
    # No foreign key: gebeurtenis already refers to ronde, and a cycle would leave the tables without an order.
    gebeurtenis_id: int | None = Field(default=None, description="the gebeurtenis that started a per-person ronde")


class Verzoek(SQLModel, table=True):
    """A request to one person in one ronde; its token is the unguessable key of the reply link and address."""

    __table_args__ = (
        UniqueConstraint("ronde_id", "persoon_id", name="uq_verzoek_ronde_persoon"),
        # The watch and every answer count a ronde's verzoeken by status.
        Index("ix_verzoek_ronde_status", "ronde_id", "status"),
        CheckConstraint(in_sql("status", VerzoekStatus), name="ck_verzoek_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ronde_id: int = Field(foreign_key="ronde.id", index=True)
    persoon_id: int = Field(foreign_key="persoon.id", index=True)
    token: str = Field(unique=True, index=True, max_length=64)
    status: VerzoekStatus = Field(
        default=VerzoekStatus.OPEN, max_length=20, index=True, sa_type=Keuze(VerzoekStatus, length=20)
    )
    aangemaakt: datetime
    beantwoord: datetime | None = None
    laatste_contact: datetime | None = None
    herinneringen: int = 0


class Antwoord(SQLModel, table=True):
    """An answer to a verzoek (email, form, CLI or simulation); a confirmation carries its date and reference.
    A confirmation made by a role (through Prefect or the CLI, which say nothing about who) belongs to the ronde
    alone: it answers no person's verzoek."""

    id: int | None = Field(default=None, primary_key=True)
    ronde_id: int = Field(foreign_key="ronde.id", index=True)
    verzoek_id: int | None = Field(
        default=None,
        foreign_key="verzoek.id",
        index=True,
        description="none for a confirmation of the ronde itself: by a role, or an eigenaar not asked in it",
    )
    ontvangen: datetime = Field(index=True, description="retention counts from here")
    kanaal: str = Field(max_length=20)
    geen_wijzigingen: bool = False
    tekst: str | None = Field(default=None, sa_column=Column(Text))
    datum: date | None = None
    kenmerk: str | None = Field(default=None, max_length=200)
    te_laat: bool = False
    door: str | None = Field(
        default=None, max_length=200, description="who confirmed, when not the verzoek's person: a name or a role"
    )


class Bericht(SQLModel, table=True):
    """The outbox: every outgoing message, with a key that makes queueing it twice impossible.

    A herinnering is queued without its text (`tekst` NULL) and rendered right before it is sent; once sent, the
    row holds what went out. Its state follows from its timestamps (`models.statussen.berichtstatus`); it is never
    both sent and refused."""

    __table_args__ = (
        CheckConstraint("NOT (verzonden IS NOT NULL AND geweigerd IS NOT NULL)", name="ck_bericht_verzonden_geweigerd"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sleutel: str = Field(unique=True, max_length=200)
    soort: str = Field(max_length=20, index=True)
    ronde_id: int = Field(foreign_key="ronde.id", index=True)
    verzoek_id: int | None = Field(default=None, foreign_key="verzoek.id")
    aan: str = Field(sa_column=Column(Text, nullable=False), description="comma-separated addresses")
    onderwerp: str = Field(max_length=300)
    tekst: str | None = Field(default=None, sa_column=Column(Text), description="NULL until rendered, before sending")
    html: str | None = Field(default=None, sa_column=Column(Text))
    message_id: str = Field(unique=True, max_length=300, description="our own Message-ID, carrying the reply key")
    aangemaakt: datetime
    verzenden_vanaf: datetime = Field(description="not before the stap's start, which is always a working day")
    verzonden: datetime | None = Field(default=None, index=True)
    geweigerd: datetime | None = Field(default=None, description="permanently refused by the SMTP server")
    pogingen: int = 0
    fout: str | None = Field(default=None, sa_column=Column(Text))
    uitgesteld_sinds: datetime | None = Field(default=None, description="first temporary refusal, for giving up")
    geclaimd_door: str | None = Field(
        default=None,
        max_length=100,
        index=True,
        description="the sender that holds it, or has sent it and not yet booked it",
    )
    geclaimd_tot: datetime | None = Field(default=None, description="end of that sender's lease, real time (UTC)")


class Vergrendeling(SQLModel, table=True):
    """A named lock: taking it (an upsert of its row) serialises work that must not overlap, such as the watch."""

    naam: str = Field(primary_key=True, max_length=40)
    moment: datetime


class Inkomend(SQLModel, table=True):
    """Every message read from the reply mailbox, raw, with what was concluded and the folder it went to."""

    __table_args__ = (
        CheckConstraint(in_sql("map", Map), name="ck_inkomend_map"),
        CheckConstraint(in_sql("uitkomst", Uitkomst), name="ck_inkomend_uitkomst"),
    )

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(unique=True, max_length=998)
    ontvangen: datetime = Field(index=True, description="retention counts from here")
    afzender: str | None = Field(default=None, max_length=300)
    onderwerp: str | None = Field(default=None, max_length=998)
    map: Map = Field(max_length=20, sa_type=Keuze(Map, length=20), description="the folder it was moved to")
    uitkomst: Uitkomst = Field(max_length=40, sa_type=Keuze(Uitkomst, length=40))
    verzoek_id: int | None = Field(default=None, foreign_key="verzoek.id", index=True)
    antwoord_id: int | None = Field(default=None, foreign_key="antwoord.id")
    tekst: str | None = Field(default=None, sa_column=Column(Text), description="the answer without quotes")
    ruw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


def _bij_commit(doel: str) -> ForeignKey:
    return ForeignKey(doel, deferrable=True, initially="DEFERRED")


class Gebeurtenis(SQLModel, table=True):
    """The append-only audit trail: every change, with who and what it concerned.

    Tamper-evident: when its transaction commits, a row gets the next `volgnummer` and a `hash` over its content
    (the details through `details_digest`) and the previous row's hash (`models.keten`).

    Its references are checked at commit: a row then joins the chain (an update in the same transaction), and
    PostgreSQL checks a reference at once both when a row is inserted and when it is updated in that transaction;
    deferred, it checks each row once, its last version."""

    id: int | None = Field(default=None, primary_key=True)
    moment: datetime = Field(index=True)
    soort: str = Field(max_length=40, index=True)
    proces: str | None = Field(default=None, max_length=100)
    ronde_id: int | None = Field(default=None, sa_column_args=[_bij_commit("ronde.id")])
    verzoek_id: int | None = Field(default=None, sa_column_args=[_bij_commit("verzoek.id")])
    persoon_id: int | None = Field(default=None, sa_column_args=[_bij_commit("persoon.id")])
    bericht_id: int | None = Field(default=None, sa_column_args=[_bij_commit("bericht.id")])
    details: str | None = Field(default=None, sa_column=Column(Text), description="JSON; purged after retention")
    details_digest: str | None = Field(default=None, max_length=64, description="SHA-256 of the details")
    volgnummer: int | None = Field(default=None, unique=True, index=True, description="place in the chain, at commit")
    hash: str | None = Field(default=None, max_length=64, description="over the content and the previous hash")


class Registerregel(SQLModel, table=True):
    """One version of one entry of a person's register (nevenfuncties, financiele-belangen, geschenken).

    Nothing is overwritten: a change, an end (`tot`) or the eigenaar's edit is a new version of the same `regel`.
    A version counts once the eigenaar accepted it (`beoordeeld` set, status aanvaard, or vervangen by a later
    accepted one). A reply by email with free text is a version with `tekst` and no `velden` yet: the eigenaar
    turns it into entries. `velden` is JSON, valid for the register's model in `models.registers`."""

    __table_args__ = (
        UniqueConstraint("regel", "versie", name="uq_registerregel_regel_versie"),
        Index("ix_registerregel_persoon_register", "persoon_id", "register"),
        CheckConstraint(in_sql("status", Regelstatus), name="ck_registerregel_status"),
        CheckConstraint("velden IS NOT NULL OR tekst IS NOT NULL", name="ck_registerregel_inhoud"),
    )

    id: int | None = Field(default=None, primary_key=True)
    regel: str = Field(max_length=32, index=True, description="the entry's stable key across its versions")
    versie: int = Field(description="1, 2, ... per regel")
    persoon_id: int = Field(foreign_key="persoon.id")
    # `register` is also a method of pydantic's metaclass, so the attribute carries another name (as in Proces).
    register_naam: str = Field(sa_column=Column("register", AutoString(length=40), nullable=False))
    proces: str | None = Field(default=None, max_length=100, description="whose eigenaar reviews it")
    velden: str | None = Field(default=None, sa_column=Column(Text), description="the entry's fields, JSON")
    tekst: str | None = Field(default=None, sa_column=Column(Text), description="free text (a reply by email)")
    status: Regelstatus = Field(
        default=Regelstatus.VOORGESTELD, max_length=20, index=True, sa_type=Keuze(Regelstatus, length=20)
    )
    ingediend: datetime = Field(index=True, description="retention of a free text counts from here")
    kanaal: str = Field(max_length=20, description="web, email, cli, eigenaar")
    verzoek_id: int | None = Field(default=None, foreign_key="verzoek.id", index=True)
    antwoord_id: int | None = Field(default=None, foreign_key="antwoord.id")
    beoordeeld: datetime | None = Field(default=None, description="accepted or sent back, by the eigenaar")
    beoordelaar_id: int | None = Field(default=None, foreign_key="persoon.id")
    opmerking: str | None = Field(default=None, sa_column=Column(Text), description="the eigenaar's remark")


class Jaarcijfer(SQLModel, table=True):
    """A figure for the jaarverslag the engine cannot know (meldingen, onderzoeken, klachten, ...), recorded by
    the coordinator: anonymous, a count with its category (`models.jaarcijfers.CATEGORIEEN`) and a short
    description. Never a name; who recorded it is kept for the audit."""

    id: int | None = Field(default=None, primary_key=True)
    jaar: int = Field(index=True)
    categorie: str = Field(max_length=40)
    aantal: int = Field(ge=0)
    omschrijving: str = Field(default="", max_length=300)
    vastgelegd: datetime
    door_persoon_id: int | None = Field(default=None, foreign_key="persoon.id")
