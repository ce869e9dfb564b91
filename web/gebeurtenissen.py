"""The domain events of a web request (beantwoord, voorstel) into Prefect's event feed, when the web app runs
beside a Prefect server (`integriteit start` sets PREFECT_API_URL); served alone, it has no feed to tell."""

from __future__ import annotations

import os


def meld(gebeurtenissen: list) -> None:
    if gebeurtenissen and os.environ.get("PREFECT_API_URL"):
        from flows.gedeeld import meld as in_prefect  # Prefect is imported only where a feed exists

        in_prefect(gebeurtenissen)
