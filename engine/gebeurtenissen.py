"""The audit trail: one append-only row per change, written in the same transaction as the change."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session

from models.tabellen import Bericht, Gebeurtenis, Ronde, Verzoek


def registreer(
    session: Session,
    *,
    soort: str,
    nu: datetime,
    ronde: Ronde | None = None,
    verzoek: Verzoek | None = None,
    persoon_id: int | None = None,
    bericht: Bericht | None = None,
    **details: Any,
) -> None:
    session.add(
        Gebeurtenis(
            moment=nu,
            soort=soort,
            proces=ronde.proces if ronde else None,
            ronde_id=ronde.id if ronde else None,
            verzoek_id=verzoek.id if verzoek else None,
            persoon_id=persoon_id if persoon_id is not None else (verzoek.persoon_id if verzoek else None),
            bericht_id=bericht.id if bericht else None,
            details=json.dumps(details, ensure_ascii=False, default=str) if details else None,
        )
    )
