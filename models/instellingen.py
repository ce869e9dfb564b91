"""Configuration: every setting is an `INTEGRITEIT_` environment variable, read here and nowhere else.

Secrets (SMTP and IMAP passwords, apprise URLs, the web app's signing key) come from the environment only, never from
YAML in git, and are SecretStr: shown as '**********' wherever the settings are printed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from models.gebruikersfouten import Configuratiefout

STANDAARD_MAP = Path(__file__).resolve().parents[1] / "processen"
"""The project's own folder of process specs."""
Beveiliging = Literal["geen", "starttls", "ssl"]


class Instellingen(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTEGRITEIT_", extra="ignore")

    processen: Path = Field(STANDAARD_MAP, description="Folder of process specs (kalender.yaml, rollen.yaml beside).")
    database_url: str = Field("sqlite:///data/integriteit.db", description="SQLAlchemy URL of the engine's database.")
    publicatie: Path = Field(
        Path("data/publicatie"), description="Folder the public registers are written to, to copy to the website."
    )
    basis_url: str = Field("http://127.0.0.1:8000", description="Base address of the personal answer forms.")
    afzender_naam: str = Field("Integriteitscoördinator Provincie Utrecht", description="Who signs the messages.")
    afzender: str = Field("integriteit@provincie-utrecht.example", description="From address of every message.")
    antwoordadres: str = Field(
        "integriteit@provincie-utrecht.example",
        description="Mailbox replies go to; each message uses <local>+<key>@<domain> as Reply-To.",
    )

    smtp_host: str | None = Field(None, description="SMTP server; without it messages stay queued.")
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Beveiliging = "starttls"

    imap_host: str | None = Field(None, description="IMAP server of the reply mailbox.")
    imap_port: int = 993
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_tls: Beveiliging = "ssl"
    imap_map: str = "INBOX"

    geheim: SecretStr | None = Field(
        None,
        description="Signing key of the web app (forms, personal and login links, session cookies); at least 32 "
        "characters. Required once SMTP is set; without it a development server makes a random one per process.",
    )

    nagrace_dagen: int = Field(
        14,
        ge=0,
        description="Days after a ronde's deadline that an answer still counts (marked late), while the ronde is "
        "open; a later answer is kept and shown to the eigenaar, but does not count.",
    )

    # How long personal data is kept (AVG art. 5(1)(e)); the daily watch removes what is older. The README explains
    # each default.
    bewaar_ruwe_mail_dagen: int = Field(
        90,
        ge=0,
        description="Days a complete incoming mail is kept; after that only its Message-ID, sender, subject, outcome "
        "and folder remain (enough to recognise it when it is read again).",
    )
    bewaar_antwoordtekst_dagen: int = Field(
        365,
        ge=0,
        description="Days the free text of an answer (by mail, form or CLI) is kept; the answer itself stays.",
    )
    bewaar_auditdetails_dagen: int = Field(
        730,
        ge=0,
        description="Days the details of an audit event are kept; the event (what, when, whom) and its place in the "
        "hash chain stay.",
    )
    bewaar_register_dagen: int = Field(
        730,
        ge=0,
        description="Days the register entries of a person who left (became inactive) are kept. Publication ends at "
        "once: only active persons are published.",
    )

    meldingen: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Apprise URLs for alerts to the coordinator and owners (whitespace-separated, or a JSON list); "
        "secret, since a URL holds its channel's password or token.",
    )

    @field_validator("meldingen", mode="before")
    @classmethod
    def _lijst(cls, waarde):
        if isinstance(waarde, str):
            return json.loads(waarde) if waarde.strip().startswith("[") else waarde.split()
        return waarde

    @property
    def antwoorddomein(self) -> str:
        return self.antwoordadres.rpartition("@")[2]


@lru_cache
def instellingen() -> Instellingen:
    return Instellingen()


def controleer_basis_url(inst: Instellingen) -> None:
    """Refuse real mail (SMTP set) whose links would point at this machine: every command that sends, and the
    web app, check it before they do anything. Raises Configuratiefout."""
    host = (urlsplit(inst.basis_url).hostname or "").lower()
    if inst.smtp_host and (host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.")):
        raise Configuratiefout(
            f"INTEGRITEIT_BASIS_URL is {inst.basis_url}, terwijl er echte e-mail uitgaat via {inst.smtp_host}: de "
            "links in die e-mails zouden naar de computer van de ontvanger wijzen. Zet INTEGRITEIT_BASIS_URL op het "
            "adres waarop deze website voor ontvangers bereikbaar is, bijvoorbeeld https://integriteit.provincie-utrecht.nl."
        )
