"""Alerts to the coordinator and owners on whatever channel they configured (apprise: email, Teams, Slack...).

Personal, reply-matched mail goes over SMTP (notifications.smtp); apprise carries the alerts beside it,
where one URL syntax for every channel is worth more than speed.
"""

from __future__ import annotations

import apprise


def alarmeer(urls: list[str], titel: str, tekst: str) -> bool:
    """Send one alert to every URL; False when none is configured or a channel failed."""
    if not urls:
        return False
    kanalen = apprise.Apprise()
    for url in urls:
        kanalen.add(url)
    for kanaal in kanalen:
        kanaal.request_rate_per_sec = 0  # apprise waits 5.5 s between notifications by default
    return bool(kanalen.notify(title=titel, body=tekst))
