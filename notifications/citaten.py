"""The answer itself: a reply without the quoted original, the signature or the HTML around it.

Rules written for Dutch and English mail, where libraries measured on this machine fell short (see
shared/notes/email.md): Gmail's "Op ... schreef ...:" also when wrapped over two lines, Outlook's
"Van:/Verzonden:/Aan:/Onderwerp:" block with and without a rule, Apple Mail's "... het volgende geschreven:".
The raw message is always kept beside the result, so a person can check what was cut.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_ATTRIBUTIE = re.compile(
    r"^\s*(op|on|am|le)\b.{0,200}?(schreef|wrote|geschreven|schrieb|a écrit)\b[^:]*:\s*$", re.IGNORECASE
)
_KOPBLOK_START = re.compile(r"^\s*\*?(van|from|de|von)\s*:\*?\s", re.IGNORECASE)
_KOPBLOK_VERVOLG = re.compile(
    r"^\s*\*?(verzonden|sent|date|datum|gesendet|aan|to|onderwerp|subject)\s*:", re.IGNORECASE
)
_LIJN = re.compile(
    r"^\s*(-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht|doorgestuurd bericht|"
    r"forwarded message)\s*-{2,}|_{10,})\s*$",
    re.IGNORECASE,
)
_HANDTEKENING = re.compile(r"^-- ?$")
_MOBIEL = re.compile(
    r"^\s*(verzonden (vanaf|met) mijn|sent from my|verstuurd vanaf mijn|outlook voor (ios|android))", re.IGNORECASE
)
_AFSLUITING = re.compile(
    r"^\s*(met vriendelijke groet(en)?|vriendelijke groet(en)?|groet(en|jes)?|mvg|hartelijke groet(en)?|"
    r"kind regards|best regards|regards|best|cheers|thanks|dank( je| u)?( wel)?)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
_GEEN_WIJZIGING = re.compile(
    "|".join(
        f"^{patroon}$"
        for patroon in (
            r"(nee,?\s*)?(er zijn\s+)?(geen|niets|niks)"
            r"(\s+(wijzigingen|wijziging|veranderingen|verandering|nieuwe|geschenken|nevenfuncties|belangen))?"
            r"(\s+(ten opzichte van|t\.?o\.?v\.?)\s+(vorige keer|de vorige opgave|eerder))?",
            r"ongewijzigd",
            r"(alles\s+)?(klopt|is)\s+(nog\s+)?(steeds\s+)?(actueel|juist|correct|ongewijzigd)",
            r"alles klopt( nog)?",
            r"no changes?|nothing( to report)?|none|unchanged|n/?a|nee",
        )
    ),
    re.IGNORECASE,
)


def antwoordtekst(tekst: str) -> str:
    """The reply without quoted text, signature and closing lines."""
    regels = tekst.replace("\r\n", "\n").split("\n")
    einde = next((i for i in range(len(regels)) if _begint_citaat(regels, i)), len(regels))
    regels = [r for r in regels[:einde] if not r.lstrip().startswith(">") and not _MOBIEL.match(r)]
    regels = _zonder_handtekening(regels)
    return "\n".join(regels).strip()


def is_geen_wijziging(antwoord: str) -> bool:
    """True when the whole answer says nothing changed ("Geen wijzigingen.", "ongewijzigd", "geen")."""
    kern = re.sub(r"[\s.!,;:]+$", "", " ".join(antwoord.split())).strip()
    kern = re.sub(
        r"^(beste|hallo|hoi|dag|goedemorgen|goedemiddag|hi|hello)\b[^,.\n]*[,.]?\s*", "", kern, flags=re.IGNORECASE
    )
    kern = re.sub(
        r"[,.!]?\s*(alvast\s+)?(dank\s*(u|je)?(\s+wel)?|bedankt|thanks|thank you|groet(en)?)$",
        "",
        kern,
        flags=re.IGNORECASE,
    )
    kern = re.sub(r"[.!,]+", "", kern).strip()
    return bool(kern) and bool(_GEEN_WIJZIGING.match(kern))


def html_naar_tekst(html: str) -> str:
    """Visible text of an HTML mail, without quoted blocks (blockquote, Gmail and Outlook quote containers)."""
    lezer = _Tekstlezer()
    lezer.feed(html)
    lezer.close()
    tekst = re.sub(r"[ \t\xa0]+", " ", "".join(lezer.delen))
    return re.sub(r"\n\s*\n\s*\n+", "\n\n", tekst).strip()


def _begint_citaat(regels: list[str], i: int) -> bool:
    regel = regels[i]
    volgende = regels[i + 1] if i + 1 < len(regels) else ""
    if _LIJN.match(regel) or _ATTRIBUTIE.match(regel):
        return True
    if re.match(r"^\s*(op|on)\s", regel, re.IGNORECASE) and _ATTRIBUTIE.match(f"{regel} {volgende}"):
        return True  # Gmail wraps a long attribution over two lines
    if _KOPBLOK_START.match(regel):
        return any(_KOPBLOK_VERVOLG.match(r) for r in regels[i + 1 : i + 5])
    return False


def _zonder_handtekening(regels: list[str]) -> list[str]:
    for i, regel in enumerate(regels):
        if _HANDTEKENING.match(regel):
            return regels[:i]
    inhoud = [i for i, r in enumerate(regels) if r.strip()]
    for i in inhoud[-6:]:
        if _AFSLUITING.match(regels[i]) and i != inhoud[0]:
            return regels[:i]
    return regels


class _Tekstlezer(HTMLParser):
    _BLOK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "table"}
    _CITAAT_KLASSEN = ("gmail_quote", "gmail_attr", "moz-cite-prefix", "yahoo_quoted")
    _CITAAT_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.delen: list[str] = []
        self._diepte = 0  # > 0 while inside a quote, style or script
        self._stapel: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attributen = {k: (v or "").lower() for k, v in attrs}
        citaat = (
            tag in ("blockquote", "style", "script", "head")
            or any(k in attributen.get("class", "") for k in self._CITAAT_KLASSEN)
            or attributen.get("id", "") in self._CITAAT_IDS
        )
        if tag == "hr" and not self._diepte:
            self._diepte = 10**6  # Outlook puts the quoted original after a rule: ignore the rest
            return
        if tag in ("br", "hr", "img", "meta", "link", "input"):
            if tag == "br" and not self._diepte:
                self.delen.append("\n")
            return
        self._stapel.append(citaat)
        self._diepte += citaat
        if tag in self._BLOK and not self._diepte:
            self.delen.append("\n")

    def handle_endtag(self, tag):
        if tag in ("br", "hr", "img", "meta", "link", "input") or not self._stapel:
            return
        self._diepte -= self._stapel.pop()
        if tag in self._BLOK and not self._diepte:
            self.delen.append("\n")

    def handle_data(self, data):
        if not self._diepte:
            self.delen.append(data)
