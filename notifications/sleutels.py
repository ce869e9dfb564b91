"""The reply key, and the three places it travels: the Reply-To plus-address, our Message-ID, the subject tag.

A reply is matched by the plus-address first (`integriteit+<key>@domain`); when a mail server strips that,
by our Message-ID in In-Reply-To/References (`<verzoek.<key>.<n>@domain>`); last by the subject tag
(`[IP-<verzoek id>]`), which is guessable and so always needs the sender check that every match gets.
"""

from __future__ import annotations

import re

_SLEUTEL = r"[0-9a-f]{32}"
_PLUS = re.compile(rf"\+({_SLEUTEL})@", re.IGNORECASE)
_MESSAGE_ID = re.compile(rf"<(?:verzoek|herinnering)\.({_SLEUTEL})\.\d+@[^>]+>", re.IGNORECASE)
_KENMERK = re.compile(r"\[IP-(\d+)\]")


def antwoordadres(adres: str, sleutel: str) -> str:
    """`integriteit@x.nl` + key -> `integriteit+key@x.nl`."""
    lokaal, _, domein = adres.partition("@")
    return f"{lokaal.split('+', 1)[0]}+{sleutel}@{domein}"


def message_id(soort: str, sleutel: str | None, volgnummer: int | str, domein: str) -> str:
    """Our own Message-ID; for a verzoek or herinnering it carries the reply key."""
    return f"<{soort}.{sleutel}.{volgnummer}@{domein}>" if sleutel else f"<{soort}.{volgnummer}@{domein}>"


def kenmerk(verzoek_id: int) -> str:
    return f"[IP-{verzoek_id}]"


def uit_adressen(*adressen: str) -> str | None:
    """The key in a plus-address among `adressen` (To, Cc, Delivered-To...)."""
    for adres in adressen:
        if m := _PLUS.search(adres or ""):
            return m[1].lower()
    return None


def uit_verwijzingen(*koppen: str) -> str | None:
    """The key in our Message-ID as quoted by In-Reply-To or References (Exchange separates with commas)."""
    for kop in koppen:
        if m := _MESSAGE_ID.search(kop or ""):
            return m[1].lower()
    return None


def uit_onderwerp(onderwerp: str) -> int | None:
    """The verzoek id in a subject tag such as `Antw: ... [IP-123]`."""
    m = _KENMERK.search(onderwerp or "")
    return int(m[1]) if m else None


def zonder_kenmerk(onderwerp: str) -> str:
    return _KENMERK.sub("", onderwerp).strip()
