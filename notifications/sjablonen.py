"""The message templates: `<naam>.txt.j2` (required) and `<naam>.html.j2` (optional), in a sandbox.

Templates are looked up in the spec folder's `sjablonen/` first, so a coordinator can add or override one
next to the specs, then in the built-in `notifications/sjablonen/`. `controleer` renders a template with
sample values of what the engine passes, so whatever would fail on the day a message goes out (an unknown
variable, a blocked attribute, a division by zero, a missing include, a file that is not UTF-8) is named by
`valideer` instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    meta,
    nodes,
    select_autoescape,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

INGEBOUWD = Path(__file__).parent / "sjablonen"
_MAX_LENGTE = 100_000
"""The longest text or list one operation in a template may make (`'x' * 10**9` would fill the memory)."""


class _TeGroot(SecurityError):
    """An operation in a template whose result would be too large; the message is Dutch already."""


class _Zandbak(SandboxedEnvironment):
    """Jinja's sandbox, that also refuses a multiplication or power whose result would be huge."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise _TeGroot(f"een macht met exponent {right} is te groot (hoogstens 100)")
        if operator == "*":
            for reeks, aantal in ((left, right), (right, left)):
                herhaald = isinstance(reeks, str | list | tuple) and isinstance(aantal, int)
                if herhaald and len(reeks) * aantal > _MAX_LENGTE:
                    raise _TeGroot(f"een herhaling van {aantal} keer is te groot (hoogstens {_MAX_LENGTE} tekens)")
        return super().call_binop(context, operator, left, right)


def omgeving(processen_map: Path | None = None) -> SandboxedEnvironment:
    """A sandboxed environment: undefined variables fail, HTML is escaped, templates are read as UTF-8."""
    mappen = [processen_map / "sjablonen"] if processen_map else []
    return _Zandbak(
        loader=FileSystemLoader([*mappen, INGEBOUWD], encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        keep_trailing_newline=True,
    )


def controleer(env: SandboxedEnvironment, naam: str, context: dict[str, Any] | None = None) -> str | None:
    """Why template `naam` cannot be used (in Dutch), or None: its text part exists, both parts compile and,
    given `context` (sample values of what the engine passes), both render."""
    for deel, verplicht in ((f"{naam}.txt.j2", True), (f"{naam}.html.j2", False)):
        try:
            sjabloon = env.get_template(deel)
        except TemplateNotFound as fout:
            if fout.name not in (deel, None):  # an {% extends %} or {% import %} at the top level
                return f"sjabloon {deel}: {_onbekend_ingevoegd(fout)}"
            if verplicht:
                return f"onbekend sjabloon '{naam}': er is geen {deel} in sjablonen/"
            continue
        except TemplateSyntaxError as fout:
            return f"sjabloon {fout.name or deel}, regel {fout.lineno}: {_uitleg(fout.message or '')}"
        except UnicodeDecodeError as fout:
            return _geen_utf8(env, deel, fout)
        if context is not None and (fout := _vul_in(env, sjabloon, deel, context)):
            return fout
    return None


def beschrijf(env: SandboxedEnvironment, fout: BaseException) -> str | None:
    """A failure while a message was being made, in Dutch, naming the template and line; None when `fout` did
    not come from a template (then it is a bug elsewhere)."""
    waar, regel = _plaats(env, fout, None)
    if waar is None and not isinstance(fout, TemplateError | UnicodeDecodeError):
        return None
    if isinstance(fout, TemplateSyntaxError):
        return f"sjabloon {fout.name or waar}, regel {fout.lineno}: {_uitleg(fout.message or '')}"
    if isinstance(fout, TemplateNotFound) and waar is None:
        return f"onbekend sjabloon '{fout.name}': het staat niet in sjablonen/"
    if isinstance(fout, UnicodeDecodeError):
        return _geen_utf8(env, waar or "?", fout)
    plaats = f"sjabloon {waar}" + (f", regel {regel}" if regel else "") if waar else "sjabloon"
    return f"{plaats}: {_fout_uitleg(fout, env, waar, {})}"


def _vul_in(env: SandboxedEnvironment, sjabloon: Template, deel: str, context: dict[str, Any]) -> str | None:
    """Why `sjabloon` fails with `context`: first any name it uses that the engine never passes (in any
    branch, also the ones the sample values do not take), then whatever rendering raises."""
    namen = _namen(env, sjabloon, deel)
    onbekend = sorted(set(namen) - set(context) - set(env.globals))
    if onbekend:
        return f"sjabloon {deel}, regel {namen[onbekend[0]]}: {_onbekende_variabele(onbekend[0], context)}"
    try:
        sjabloon.render(context)
    except RecursionError:
        return f"sjabloon {deel}: het sjabloon voegt zichzelf in, zonder einde (include of macro)"
    except Exception as fout:  # noqa: BLE001 - every way a template can fail is told, none reaches the engine
        waar, regel = _plaats(env, fout, deel)
        if isinstance(fout, TemplateSyntaxError):
            return f"sjabloon {fout.name or waar}, regel {fout.lineno}: {_uitleg(fout.message or '')}"
        if isinstance(fout, UnicodeDecodeError):
            return _geen_utf8(env, waar, fout)
        plaats = f"sjabloon {waar}" + (f", regel {regel}" if regel else "")
        return f"{plaats}: {_fout_uitleg(fout, env, waar, context)}"
    return None


def _namen(env: SandboxedEnvironment, sjabloon: Template, deel: str) -> dict[str, int]:
    """The names `sjabloon` reads without setting them itself, each with its first line; cached per template
    file and version (many processen share one template)."""
    cache = env.__dict__.setdefault("_namen_per_sjabloon", {})
    sleutel = (sjabloon.filename, os.path.getmtime(sjabloon.filename) if sjabloon.filename else None, deel)
    if sleutel not in cache:
        boom = env.parse(env.loader.get_source(env, deel)[0] if env.loader else "")
        cache[sleutel] = {
            naam: min(n.lineno for n in boom.find_all(nodes.Name) if n.name == naam)
            for naam in meta.find_undeclared_variables(boom)
        }
    return cache[sleutel]


def _fout_uitleg(fout: BaseException, env: SandboxedEnvironment, deel: str | None, context: dict[str, Any]) -> str:
    tekst = str(fout).strip().rstrip(".")
    if isinstance(fout, UndefinedError):
        if m := re.fullmatch(r"'(.+)' is undefined", tekst):
            return _onbekende_variabele(m[1], context)
        if m := re.fullmatch(r"'.+' has no attribute '(.+)'", tekst):
            return _onbekend_veld(m[1], env, deel, context)
        return "een waarde ontbreekt (controleer de namen tussen {{ }})"
    if isinstance(fout, _TeGroot):
        return f"niet toegestaan in een sjabloon: {fout}"
    if isinstance(fout, SecurityError):
        if m := re.fullmatch(r"access to attribute '(.+?)' of '(.+?)' object is unsafe", tekst):
            return f"niet toegestaan in een sjabloon: '{m[1]}' is een intern onderdeel van Python en blijft afgeschermd"
        return "niet toegestaan in een sjabloon: de afscherming (sandbox) weigert deze bewerking"
    if isinstance(fout, TemplateNotFound):
        return _onbekend_ingevoegd(fout)
    if isinstance(fout, ZeroDivisionError):
        return "deling door nul"
    if isinstance(fout, OverflowError) and "MAX_RANGE" in tekst:
        return "range() is te groot: hoogstens 100000 getallen"
    return f"kan niet worden ingevuld ({type(fout).__name__}: {tekst})"


def _onbekende_variabele(naam: str, context: dict[str, Any]) -> str:
    beschikbaar = f" (beschikbaar: {', '.join(sorted(context))})" if context else ""
    return f"onbekende variabele '{naam}'{beschikbaar}"


def _onbekend_veld(veld: str, env: SandboxedEnvironment, deel: str | None, context: dict[str, Any]) -> str:
    """`proces.jaar`: which variable lacks the field is found in the source, with the fields it has."""
    try:
        bron = env.loader.get_source(env, deel)[0] if env.loader and deel else ""
    except (TemplateNotFound, UnicodeDecodeError):
        bron = ""
    m = re.search(rf"([A-Za-z_]\w*)(?:\.{re.escape(veld)}\b|\[\s*['\"]{re.escape(veld)}['\"]\s*\])", bron)
    if m is None:
        return f"onbekend veld '{veld}'"
    if m[1] not in context:
        return f"onbekend veld '{m[1]}.{veld}'"
    velden = _velden(context[m[1]])
    beschikbaar = f" (beschikbaar: {', '.join(f'{m[1]}.{v}' for v in velden)})" if velden else ""
    return f"onbekend veld '{m[1]}.{veld}'{beschikbaar}"


def _velden(waarde: Any) -> list[str]:
    if isinstance(waarde, dict):
        return sorted(map(str, waarde))
    velden = getattr(type(waarde), "model_fields", None)
    if velden is None:
        return []
    eigenschappen = [n for n, a in vars(type(waarde)).items() if isinstance(a, property) and not n.startswith("_")]
    return sorted([*velden, *eigenschappen])


def _onbekend_ingevoegd(fout: TemplateNotFound) -> str:
    namen = getattr(fout, "templates", None) or [fout.name]
    return f"voegt onbekend sjabloon '{namen[-1]}' in (include, import of extends): dat staat niet in sjablonen/"


def _plaats(env: SandboxedEnvironment, fout: BaseException, deel: str | None) -> tuple[str | None, int | None]:
    """The template and line where rendering failed: the innermost template frame of the traceback (Jinja
    rewrites it so that frame carries the template's file and line)."""
    waar, regel = deel, None
    tb = fout.__traceback__
    while tb is not None:
        bestand = tb.tb_frame.f_code.co_filename
        if bestand.endswith(".j2") or bestand == "<template>":
            waar, regel = _sjabloonnaam(env, bestand) or deel, tb.tb_lineno
        tb = tb.tb_next
    return waar, regel


def _sjabloonnaam(env: SandboxedEnvironment, bestand: str) -> str | None:
    for map in getattr(env.loader, "searchpath", []):
        relatief = os.path.relpath(bestand, map)
        if not relatief.startswith(".."):
            return relatief.replace(os.sep, "/")
    return None


def _geen_utf8(env: SandboxedEnvironment, deel: str, fout: UnicodeDecodeError) -> str:
    """A template file in another encoding (Windows-1252, Latin-1): the file and the first bad byte."""
    bestand = next(
        (Path(m) / deel for m in getattr(env.loader, "searchpath", []) if (Path(m) / deel).is_file()), Path(deel)
    )
    return (
        f"sjabloon {deel} kan niet worden gelezen: {_toon(bestand)} is geen UTF-8-tekst (byte {fout.start + 1}, "
        f"0x{fout.object[fout.start]:02x}); sla het bestand op als UTF-8"
    )


def _toon(pad: Path) -> str:
    relatief = os.path.relpath(pad)
    return str(pad) if relatief.startswith("..") else relatief


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
