"""The message templates: `<naam>.txt.j2` (required) and `<naam>.html.j2` (optional), in a sandbox.

Templates are looked up in the spec folder's `sjablonen/` first, so a coordinator can add or override one
next to the specs, then in the built-in `notifications/sjablonen/`.
"""

from __future__ import annotations

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
    """Why template `naam` cannot be used, or None when its text part exists and compiles."""
    for deel, verplicht in ((f"{naam}.txt.j2", True), (f"{naam}.html.j2", False)):
        try:
            env.get_template(deel)
        except TemplateNotFound:
            if verplicht:
                return f"unknown template '{naam}': there is no {deel} in sjablonen/"
        except TemplateSyntaxError as fout:
            return f"template {deel}, line {fout.lineno}: {fout.message}"
    return None
