"""Rendering a message: Dutch dates, and the text (and optional HTML) part of a template."""

from __future__ import annotations

from datetime import date
from typing import Any

from jinja2 import TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

_MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_DAGEN = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def lange_datum(dag: date) -> str:
    """`dinsdag 30 maart 2027`."""
    return f"{_DAGEN[dag.weekday()]} {dag.day} {_MAANDEN[dag.month - 1]} {dag.year}"


def render(env: SandboxedEnvironment, naam: str, context: dict[str, Any]) -> tuple[str, str | None]:
    """The text part and, when the template has one, the HTML part of template `naam`."""
    tekst = env.get_template(f"{naam}.txt.j2").render(context)
    try:
        html = env.get_template(f"{naam}.html.j2").render(context)
    except TemplateNotFound:
        html = None
    return tekst, html
