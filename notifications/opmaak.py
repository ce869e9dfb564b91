"""Rendering a message: Dutch dates, and the text (and optional HTML) part of a template."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from models.werkdagen import TIJDZONE

MAANDEN = (
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
"""Dutch month names, January first: for writing dates and for reading them in replies."""
_DAGEN = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def lange_datum(dag: date) -> str:
    """`dinsdag 30 maart 2027`."""
    return f"{_DAGEN[dag.weekday()]} {dag.day} {MAANDEN[dag.month - 1]} {dag.year}"


def datum(waarde: date | datetime | None, *, tijd: bool = True) -> str:
    """`1 maart 2027`; a moment in Amsterdam time, with ` om 09:30` unless not `tijd`; nothing as ''."""
    if waarde is None:
        return ""
    if isinstance(waarde, datetime):
        moment = waarde.astimezone(TIJDZONE)
        return f"{datum(moment.date())} om {moment:%H:%M}" if tijd else datum(moment.date())
    return f"{waarde.day} {MAANDEN[waarde.month - 1]} {waarde.year}"


def paginaomgeving(map: Path, **opties: Any) -> Environment:
    """Jinja2 for the pages and documents whose templates are in `map`: autoescape on (a format other than HTML
    passes its own escaping in `opties`), an unknown variable an error, and the filter `datum`."""
    env = Environment(
        loader=FileSystemLoader(map),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        **({"autoescape": True} | opties),
    )
    env.filters["datum"] = datum
    return env


def render(env: SandboxedEnvironment, naam: str, context: dict[str, Any]) -> tuple[str, str | None]:
    """The text part, and the HTML part when template `naam` has an `.html.j2` (otherwise the sender makes
    it from the text with `html_uit_tekst`, so it is not stored twice)."""
    tekst = env.get_template(f"{naam}.txt.j2").render(context)
    if not _heeft_html(env, naam):
        return tekst, None
    return tekst, env.get_template(f"{naam}.html.j2").render(context)


@lru_cache(maxsize=256)
def _heeft_html(env: SandboxedEnvironment, naam: str) -> bool:
    """Whether template `naam` has an HTML part. Remembered: looking for a file that is not there costs more
    than rendering, thousands of times a ronde. Nothing is missed by it: a catalogue whose files change is
    loaded anew, with an environment of its own (engine.diensten.catalogus)."""
    try:
        env.get_template(f"{naam}.html.j2")
    except TemplateNotFound:
        return False
    return True


_WEBADRES = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def html_uit_tekst(tekst: str) -> str:
    """The text, escaped, in paragraphs; every web address a link (a mail's one-click answer is one click)."""
    alineas = [a.strip() for a in tekst.strip().split("\n\n") if a.strip()]
    inhoud = "\n".join(
        f"<p>{Markup('<br>').join(_met_links(a) for a in alinea.splitlines())}</p>" for alinea in alineas
    )
    return f'<!doctype html>\n<html lang="nl"><body style="font-family: sans-serif">\n{inhoud}\n</body></html>\n'


def _met_links(regel: str) -> Markup:
    """One line, escaped, its web addresses as `<a href>`."""
    delen, begin = [], 0
    for adres in _WEBADRES.finditer(regel):
        delen += [escape(regel[begin : adres.start()]), Markup('<a href="{0}">{0}</a>').format(adres[0])]
        begin = adres.end()
    return Markup("").join([*delen, escape(regel[begin:])])
