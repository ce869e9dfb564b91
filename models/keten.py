"""The hash chain of the audit trail: each gebeurtenis's hash covers its content and the previous one's hash.

A row's details are covered through their digest, kept beside them: when the details are purged after their
retention period, the digest stays and the chain still verifies (only the purged text can no longer be checked).
The format is frozen: migration 0008 chained the rows that existed before it with these same functions.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

BEGIN = "0" * 64
"""The "previous hash" of the first gebeurtenis."""

VELDEN = ("volgnummer", "moment", "soort", "proces", "ronde_id", "verzoek_id", "persoon_id", "bericht_id")
"""The columns a hash covers, besides the details' digest and the previous hash."""


def digest(details: str | None) -> str | None:
    """The SHA-256 of a gebeurtenis's details (None without details)."""
    return None if details is None else hashlib.sha256(details.encode()).hexdigest()


def schakel(vorige: str, rij: dict[str, Any]) -> str:
    """The hash of one gebeurtenis (`rij` holds VELDEN and `details_digest`), chained to `vorige`."""
    inhoud = {veld: _tekst(rij[veld]) for veld in VELDEN} | {"details_digest": rij["details_digest"], "vorige": vorige}
    return hashlib.sha256(json.dumps(inhoud, sort_keys=True).encode()).hexdigest()


def _tekst(waarde: Any) -> Any:
    # the column type hands moments back aware; in UTC they read the same from every database
    return waarde.astimezone(UTC).isoformat() if isinstance(waarde, datetime) else waarde
