"""What keeps the web app safe: the signing key, CSRF tokens, signed links and cookies, and the limit on guesses.

Everything signed here uses one key (`INTEGRITEIT_GEHEIM`) with a salt per purpose, so a token made for one
purpose (a form, a personal link, a login link, a session) is worthless for another.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import lru_cache
from threading import Lock
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer

from models.gebruikersfouten import Configuratiefout
from models.instellingen import Instellingen

log = logging.getLogger("integriteit.web")

FORMULIER_GELDIG = 12 * 3600
"""Seconds a form may stay open before its CSRF token expires."""
PERSOONLIJK_GELDIG = 400 * 86400
"""Seconds a standing personal link stays valid (a little over a year: one link per yearly cycle)."""
AANMELDLINK_GELDIG = 15 * 60
SESSIE_GELDIG = 8 * 3600
MINSTE_LENGTE = 32


class OngeldigFormulier(Exception):
    """A POST without a valid CSRF token for this form: forged, from another page, or expired."""


def geheim(inst: Instellingen) -> str:
    """The signing key: INTEGRITEIT_GEHEIM, or a random one per process on a development machine (no SMTP).

    Raises Configuratiefout when SMTP is set and no key is, or when the key is too short to be one."""
    waarde = inst.geheim.get_secret_value() if inst.geheim is not None else ""
    if waarde:  # an empty INTEGRITEIT_GEHEIM= counts as unset
        if len(waarde) < MINSTE_LENGTE:
            raise Configuratiefout(
                f"INTEGRITEIT_GEHEIM is te kort ({len(waarde)} tekens; minstens {MINSTE_LENGTE}). Maak een nieuwe met: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return waarde
    if inst.smtp_host:
        raise Configuratiefout(
            "INTEGRITEIT_GEHEIM ontbreekt, terwijl er een SMTP-server is ingesteld: zonder vaste sleutel zijn "
            "links en formulieren niet te vertrouwen. Maak er een met: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return _ontwikkelgeheim()


@lru_cache
def _ontwikkelgeheim() -> str:
    log.warning("INTEGRITEIT_GEHEIM is niet gezet: deze ontwikkelserver gebruikt een willekeurige sleutel per proces.")
    return secrets.token_urlsafe(32)


@dataclass
class Ondertekenaar:
    """Signs and checks every token the app hands out, each kind with its own salt."""

    sleutel: str

    def _s(self, doel: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.sleutel, salt=f"integriteit.{doel}")

    def teken(self, doel: str, inhoud: Any) -> str:
        return self._s(doel).dumps(inhoud)

    def lees(self, doel: str, token: str, max_age: int) -> Any | None:
        """The signed content, or None when the token is forged, of another kind, or older than `max_age`."""
        try:
            return self._s(doel).loads(token, max_age=max_age)
        except BadData:
            return None

    def csrf(self, pad: str, sessie: str = "") -> str:
        """The CSRF token of the form that posts to `pad` (bound to the staff session when there is one)."""
        return self.teken("formulier", [pad, sessie])

    def controleer_csrf(self, token: str | None, pad: str, sessie: str = "") -> None:
        if not token or self.lees("formulier", token, FORMULIER_GELDIG) != [pad, sessie]:
            raise OngeldigFormulier(pad)


@dataclass
class Pogingenteller:
    """Failed guesses (unknown tokens, bad links) per client address in a sliding window; over the limit the
    address waits. Kept in memory: one serving process, and a restart forgets (which is harmless)."""

    limiet: int = 20
    venster: float = 600.0
    _pogingen: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _slot: Lock = field(default_factory=Lock)

    def geblokkeerd(self, adres: str) -> bool:
        with self._slot:
            return len(self._recent(adres)) >= self.limiet

    def mislukt(self, adres: str, wat: str) -> None:
        with self._slot:
            recent = self._recent(adres)
            recent.append(time.monotonic())
            aantal = len(recent)
        log.warning("Mislukte poging van %s (%s): %d in %.0f s", adres, wat, aantal, self.venster)

    def _recent(self, adres: str) -> deque[float]:
        recent = self._pogingen[adres]
        grens = time.monotonic() - self.venster
        while recent and recent[0] < grens:
            recent.popleft()
        return recent
