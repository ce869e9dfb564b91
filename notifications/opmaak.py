"""Rendering a message: Dutch dates, and the text (and optional HTML) part of a template."""

from __future__ import annotations

from datetime import date
from typing import Any

from jinja2 import TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

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


def render(env: SandboxedEnvironment, naam: str, context: dict[str, Any]) -> tuple[str, str]:
    """The text part and the HTML part of template `naam`; without an `.html.j2` the HTML is the text,
    escaped, in paragraphs."""
    tekst = env.get_template(f"{naam}.txt.j2").render(context)
    try:
        html = env.get_template(f"{naam}.html.j2").render(context)
    except TemplateNotFound:
        html = html_uit_tekst(tekst)
    return tekst, html


def html_uit_tekst(tekst: str) -> str:
    alineas = [a.strip() for a in tekst.strip().split("\n\n") if a.strip()]
    inhoud = "\n".join(f"<p>{Markup('<br>').join(escape(a).splitlines())}</p>" for a in alineas)
    return f'<!doctype html>\n<html lang="nl"><body style="font-family: sans-serif">\n{inhoud}\n</body></html>\n'
