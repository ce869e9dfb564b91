"""Alerts to the coordinator and owners on whatever channel they configured (apprise: email, Teams, Slack...).

Personal, reply-matched mail goes over SMTP (notifications.smtp); apprise carries the alerts beside it,
where one URL syntax for every channel is worth more than speed. An apprise URL holds its channel's secrets
(passwords, tokens): wherever one is shown, it is shown `verborgen`.
"""

from __future__ import annotations

import logging

from pydantic import SecretStr

_log = logging.getLogger(__name__)


def alarmeer(urls: list[SecretStr], titel: str, tekst: str) -> bool:
    """Send one alert to every URL; False when none is configured or a channel failed (logged, without secrets)."""
    if not urls:
        return False
    import apprise  # loaded when there is something to alert: every command imports this module

    kanalen = apprise.Apprise()
    onbruikbaar = [url.get_secret_value() for url in urls if not kanalen.add(url.get_secret_value())]
    for url in onbruikbaar:
        _log.error("Meldkanaal onbruikbaar (de URL wordt niet herkend): %s", verborgen(url))
    for kanaal in kanalen:
        kanaal.request_rate_per_sec = 0  # apprise waits 5.5 s between notifications by default
    gelukt = [kanaal.notify(title=titel, body=tekst) for kanaal in kanalen]
    for kanaal, ok in zip(kanalen, gelukt, strict=True):
        if not ok:
            _log.error("Meldkanaal faalde: %s", kanaal.url(privacy=True))
    return bool(gelukt) and all(gelukt) and not onbruikbaar


def verborgen(url: str) -> str:
    """`url` with its passwords and tokens masked, as apprise itself shows it; of a URL that apprise does not
    understand, only its scheme (where its secrets are is unknown)."""
    import apprise

    kanaal = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    return kanaal.url(privacy=True) if kanaal else f"{url.partition('://')[0]}://…"
