"""The message templates: `<naam>.txt.j2` (required) and `<naam>.html.j2` (optional), in a sandbox.

Templates are looked up in the spec folder's `sjablonen/` first, so a coordinator can add or override one
next to the specs, then in the built-in `notifications/sjablonen/`.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

INGEBOUWD = Path(__file__).parent / "sjablonen"


def omgeving(processen_map: Path | None = None) -> SandboxedEnvironment:
    """A sandboxed environment: undefined variables fail, HTML is escaped."""
    mappen = [processen_map / "sjablonen"] if processen_map else []
    return SandboxedEnvironment(
        loader=FileSystemLoader([*mappen, INGEBOUWD]),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        keep_trailing_newline=True,
    )


def controleer(env: SandboxedEnvironment, naam: str) -> str | None:
    """Why template `naam` cannot be used (in Dutch), or None when its text part exists and compiles."""
    for deel, verplicht in ((f"{naam}.txt.j2", True), (f"{naam}.html.j2", False)):
        try:
            env.get_template(deel)
        except TemplateNotFound:
            if verplicht:
                return f"onbekend sjabloon '{naam}': er is geen {deel} in sjablonen/"
        except TemplateSyntaxError as fout:
            return f"sjabloon {deel}, regel {fout.lineno}: {_uitleg(fout.message or '')}"
    return None


_TOKENS = {
    "end of print statement": "'}}'",
    "begin of print statement": "'{{'",
    "end of statement block": "'%}'",
    "begin of statement block": "'{%'",
    "end of template": "het einde van het sjabloon",
    "name": "een naam",
    "integer": "een getal",
    "float": "een getal",
    "string": "een tekst",
}
"""Jinja's token descriptions as a coordinator reads them."""

_JINJA_FOUTEN: list[tuple[str, str]] = [
    (r"unexpected end of template, expected '(.+)'", "het sjabloon houdt op; verwacht eerst {0}"),
    (
        r"Unexpected end of template\. Jinja was looking for the following tags: (.+)\. "
        r"The innermost block that needs to be closed is '(.+)'",
        "het sjabloon houdt op terwijl blok {1} nog open is; sluit het af met {0}",
    ),
    (r"Unexpected end of template.*", "het sjabloon houdt op terwijl er nog een blok open is"),
    (
        r"Encountered unknown tag '(.+?)'\. You probably made a nesting mistake.* currently looking for (.+?)\..*",
        "tag {0} staat op de verkeerde plaats; sluit eerst het open blok af met {1}",
    ),
    (
        r"Encountered unknown tag '(.+?)'\. Jinja was looking for the following tags: (.+?)\..*",
        "onbekende tag {0}; hier wordt {1} verwacht",
    ),
    (r"Encountered unknown tag '(.+?)'.*", "onbekende tag {0}"),
    (r"Missing end of comment tag", "commentaar met '{{#' wordt niet gesloten met '#}}'"),
    (r"unexpected '(.+)', expected '(.+)'", "onverwacht {0}, verwacht {1}"),
    (r"unexpected '(.+)'", "onverwacht {0}"),
    (r"unexpected char (.+) at \d+", "onverwacht teken {0}"),
    (r"expected token '(.+)', got '(.+)'", "verwacht {0}, maar vond {1}"),
    (r"Expected an expression, got '(.+)'", "verwacht een naam of waarde, maar vond {0}"),
    (r"No filter named '(.+)'.*", "onbekend filter {0}"),
    (r"No test named '(.+)'.*", "onbekende test {0}"),
    (r"tag name expected", "na '{{%' hoort de naam van een tag, bijv. if of for"),
]
"""Jinja's syntax errors in Dutch; `{n}` is the n-th group of the pattern, token names translated."""


def _uitleg(bericht: str) -> str:
    tekst = bericht.strip().rstrip(".")
    for patroon, uitleg in _JINJA_FOUTEN:
        if m := re.fullmatch(patroon, tekst, flags=re.DOTALL):
            return uitleg.format(*map(_woord, m.groups()))
    return "de opmaak van het sjabloon klopt hier niet (let op {{ }}, {% %} en de bijbehorende end-tags)"


def _woord(deel: str) -> str:
    """A token or tag name from a Jinja message, quoted once: `'endfor' of 'else'`, `'}}'`."""
    if deel in _TOKENS:
        return _TOKENS[deel]
    if deel[:1] in ("'", '"'):
        *eerste, laatste = deel.split(" or ")
        return f"{', '.join(eerste)} of {laatste}" if eerste else laatste
    return f"'{deel}'"
