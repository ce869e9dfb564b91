"""Reading an import file into rows: CSV in any common encoding and separator, Excel (.xlsx) or YAML.

Whatever would crash the import or quietly corrupt it is refused here, with a Dutch message naming the row and
column: a file too big or not text at all, a header with a column twice (the last one would silently win) or
an unknown one, a row with more or fewer fields than the header, a field too long or with a control character
(PostgreSQL refuses a NUL). Checking the values themselves is for the model, in engine/personen.py.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from charset_normalizer import from_bytes

from models.gebruikersfouten import Gebruikersfout
from models.yamlbron import SnelleLader

MAX_BESTAND = 20_000_000  # bytes; the HR export of 1,600 persons is about 200 kB
MAX_VELD = 1_000  # characters; the model's longest column allows 254
MAX_RIJEN = 100_000
MAX_KOLOMMEN = 100  # how wide an Excel sheet is read
MAX_GETOOND = 50  # problems in the message; `problemen` keeps them all

Tabel = list[tuple[int, list[str]]]

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_ZIP = b"PK\x03\x04"  # an .xlsx is a zip
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office before 2007: .xls, .doc
_STUURTEKEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # every control character but tab
_UTF8_TEKEN = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")

_LEEG = "het bestand is leeg"
_GEEN_TEKST = "het bestand is geen tekst maar binair (een afbeelding?); importeer CSV, Excel (.xlsx) of YAML"
_GEEN_XLSX = "het bestand is geen leesbaar Excel-bestand (.xlsx): beschadigd, of een ander soort bestand"


class OngeldigeImport(Gebruikersfout):
    """The file was refused; `problemen` holds one line per problem: `rij 12, kolom email: reden`."""

    def __init__(self, bestand: str, problemen: list[str]) -> None:
        getoond = problemen[:MAX_GETOOND]
        if len(problemen) > MAX_GETOOND:
            getoond.append(f"... en nog {len(problemen) - MAX_GETOOND} problemen")
        super().__init__("\n".join(f"{bestand}: {p}" for p in getoond))
        self.problemen = problemen


class _Weigering(Exception):
    """The whole file is refused; lees_rijen adds the file's name."""

    def __init__(self, *problemen: str) -> None:
        super().__init__(*problemen)
        self.problemen = list(problemen)


@dataclass
class Rij:
    """One row of the file: its number as the user sees it, its fields, and what is wrong with them."""

    nummer: int
    velden: dict[str, Any]
    problemen: list[str] = field(default_factory=list)


def lees_rijen(pad: Path, kolommen: Iterable[str], verplicht: Iterable[str]) -> list[Rij]:
    """The rows of `pad`, whose header may name `kolommen` and must name `verplicht`; raises OngeldigeImport
    when the file as a whole cannot be read. Problems of single rows are in each Rij."""
    try:
        data = _lees(pad)
        soort = _soort(pad, data)
        if soort == "yaml":
            return _yaml_rijen(_tekst(data))
        tabel = _xlsx_tabel(data) if soort == "xlsx" else _csv_tabel(_tekst(data))
        return _tabel_rijen(tabel, list(kolommen), set(verplicht))
    except _Weigering as fout:
        raise OngeldigeImport(str(pad), fout.problemen) from None


def toon(waarde: Any) -> str:
    """A value for a message: text quoted, escaped and cut short; a list or mapping by its kind."""
    if isinstance(waarde, str):
        return repr(waarde if len(waarde) <= 40 else waarde[:40] + "…")
    if waarde is None:
        return "leeg"
    if isinstance(waarde, bool | int | float | date):
        return str(waarde)
    return {"list": "een lijst", "dict": "een tabel"}.get(type(waarde).__name__, f"een {type(waarde).__name__}")


def getal(n: int) -> str:
    """`10.485.760`: a number as Dutch readers write it."""
    return f"{n:,}".replace(",", ".")


def _lees(pad: Path) -> bytes:
    try:
        grootte = pad.stat().st_size
        if grootte <= MAX_BESTAND:
            with pad.open("rb") as bestand:
                data = bestand.read(MAX_BESTAND + 1)
                grootte = len(data)
    except FileNotFoundError:
        raise _Weigering("het bestand bestaat niet") from None
    except IsADirectoryError:
        raise _Weigering("dit is een map, geen bestand") from None
    except OSError as fout:
        raise _Weigering(f"het bestand kan niet gelezen worden ({fout.strerror or fout})") from None
    if grootte > MAX_BESTAND:
        mb = f"{grootte / 1_000_000:.1f}".replace(".", ",")
        raise _Weigering(f"het bestand is {mb} MB; een import is hoogstens {MAX_BESTAND // 1_000_000} MB")
    if not data.strip():
        raise _Weigering(_LEEG)
    return data


def _soort(pad: Path, data: bytes) -> str:
    if data.startswith(_ZIP):
        return "xlsx"
    if data.startswith(_OLE):
        raise _Weigering("dit is het oude Excel-formaat (.xls); sla het op als .xlsx of als CSV")
    if pad.suffix.lower() in (".xlsx", ".xlsm"):
        raise _Weigering(_GEEN_XLSX)
    return "yaml" if pad.suffix.lower() in (".yaml", ".yml") else "csv"


def _tekst(data: bytes) -> str:
    """The text of `data`: by its BOM, else UTF-8, else the detected encoding."""
    for bom, codering in _BOMS:
        if data.startswith(bom):
            return _decodeer(data, codering)
    if data.count(0) > len(data) // 4:  # UTF-16 without a BOM, or not text
        return _decodeer(data, _herken(data))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as fout:
        codering = _herken(data.replace(b"\0", b""), voorkeur="cp1252")  # a stray NUL is the field check's
        if _UTF8_TEKEN.search(data):
            regel = data.count(b"\n", 0, fout.start) + 1
            raise _Weigering(
                f"regel {regel}: het bestand is deels UTF-8 en deels een andere tekenset; sla het op als UTF-8"
            ) from None
        return _decodeer(data, codering)


def _herken(data: bytes, voorkeur: str | None = None) -> str:
    """The encoding charset-normalizer finds, or `voorkeur` where that fits too: its first guess for short
    Dutch text from Excel (Windows-1252) is often a Baltic or Central European code page."""
    kandidaten = list(from_bytes(data))
    if not kandidaten:
        raise _Weigering(_GEEN_TEKST)
    if voorkeur and any(voorkeur in k.could_be_from_charset for k in kandidaten):
        return voorkeur
    return kandidaten[0].encoding


def _decodeer(data: bytes, codering: str) -> str:
    try:
        return data.decode(codering)
    except (UnicodeDecodeError, LookupError):
        raise _Weigering(_GEEN_TEKST) from None


@contextmanager
def _ruime_veldgrens() -> Iterator[None]:
    """The csv module stops at 128 kB per field; a long field should reach our own check, which names it."""
    oud = csv.field_size_limit(MAX_BESTAND)
    try:
        yield
    finally:
        csv.field_size_limit(oud)


def _csv_tabel(tekst: str) -> Tabel:
    kopregel = next((regel for regel in io.StringIO(tekst) if regel.strip()), "")
    scheiding = max(",;\t|", key=kopregel.count)  # what HR systems write: comma, semicolon (Dutch Excel), tab, pipe
    lezer = csv.reader(io.StringIO(tekst, newline=""), delimiter=scheiding, strict=True)
    tabel: Tabel = []
    with _ruime_veldgrens():
        try:
            tabel.extend((nummer, cellen) for nummer, cellen in _begrensd(enumerate(lezer, start=1)))
        except csv.Error as fout:
            raise _Weigering(f"rij {len(tabel) + 1}: {_csv_reden(fout)}") from None
    return tabel


def _csv_reden(fout: csv.Error) -> str:
    if "unexpected end of data" in str(fout):
        return 'een aanhalingsteken (") wordt niet gesloten'
    if "expected after" in str(fout):
        return 'tekst na een afsluitend aanhalingsteken ("); zet de hele waarde tussen aanhalingstekens'
    return f"geen geldige CSV ({fout})"


def _xlsx_tabel(data: bytes) -> Tabel:
    """The first sheet, every row as wide as the widest."""
    import openpyxl  # only for Excel files: a CSV import (and every simulated quarter) does without its load time

    try:
        boek = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged file raises any of a dozen kinds, from zipfile, xml and openpyxl
        raise _Weigering(_GEEN_XLSX) from None
    try:
        rijen = boek.worksheets[0].iter_rows(max_col=MAX_KOLOMMEN, values_only=True) if boek.worksheets else []
        tabel = [(nummer, [_cel(c) for c in cellen]) for nummer, cellen in _begrensd(enumerate(rijen, start=1))]
    except _Weigering:
        raise
    except Exception:  # as above: damage can show while reading the rows
        raise _Weigering(_GEEN_XLSX) from None
    finally:
        boek.close()
    breedte = max((len(cellen) for _, cellen in tabel), default=0)
    return [(nummer, cellen + [""] * (breedte - len(cellen))) for nummer, cellen in tabel]


def _cel(waarde: Any) -> str:
    if waarde is None:
        return ""
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    if isinstance(waarde, float) and waarde.is_integer():
        return str(int(waarde))
    return str(waarde)


def _begrensd(rijen: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    for nummer, rij in rijen:
        if nummer > MAX_RIJEN:
            raise _Weigering(f"het bestand heeft meer dan {getal(MAX_RIJEN)} rijen")
        yield nummer, rij


def _tabel_rijen(tabel: Tabel, kolommen: list[str], verplicht: set[str]) -> list[Rij]:
    """The header is the first row with anything in it; empty rows are skipped, and keep their number."""
    gevuld = [(nummer, cellen) for nummer, cellen in tabel if any(c.strip() for c in cellen)]
    if not gevuld:
        raise _Weigering(_LEEG)
    (kopnummer, kop), data = gevuld[0], gevuld[1:]
    koppen = _koppen(kopnummer, kop, kolommen, verplicht)
    if not data:
        raise _Weigering(f"het bestand heeft alleen een kopregel (rij {kopnummer}), geen personen")
    return [_tabelrij(nummer, cellen, koppen) for nummer, cellen in data]


def _koppen(nummer: int, kop: list[str], kolommen: list[str], verplicht: set[str]) -> list[str]:
    """The column names; a name twice, an unknown or empty one or a missing required one refuses the file."""
    kop = [c.strip() for c in kop]
    while kop and not kop[-1]:
        kop.pop()  # Excel writes separators for columns that were once used
    problemen, gezien = [], {}
    for plek, naam in enumerate(kop, start=1):
        waar = f"rij {nummer}, kolom {plek}"
        if not naam:
            problemen.append(f"{waar}: de kolomkop is leeg")
        elif naam.lower() in gezien:
            problemen.append(f"{waar}: kolomkop {toon(naam)} staat er twee keer (ook in kolom {gezien[naam.lower()]})")
        elif naam.lower() not in kolommen:
            problemen.append(f"{waar}: onbekende kolomkop {toon(naam)}{_suggestie(naam.lower(), kolommen)}")
        gezien.setdefault(naam.lower(), plek)
    problemen += [f"rij {nummer}: de kolom {k!r} ontbreekt" for k in kolommen if k in verplicht and k not in gezien]
    if problemen:
        raise _Weigering(*problemen)
    return [naam.lower() for naam in kop]


def _suggestie(naam: str, kolommen: list[str]) -> str:
    gelijkend = difflib.get_close_matches(naam, kolommen, n=1, cutoff=0.6)
    return f"; bedoelt u {gelijkend[0]!r}?" if gelijkend else f" (bekend zijn: {', '.join(kolommen)})"


def _tabelrij(nummer: int, cellen: list[str], koppen: list[str]) -> Rij:
    breedte = len(koppen)
    problemen = [
        f"rij {nummer}, kolom {plek}: {toon(waarde)} staat in een kolom zonder kolomkop "
        f"(de kopregel heeft {breedte} kolommen)"
        for plek, waarde in enumerate(cellen[breedte:], start=breedte + 1)
        if waarde.strip()
    ]
    if len(cellen) < breedte:
        problemen.append(
            f"rij {nummer}, kolom {koppen[len(cellen)]}: ontbreekt; de rij heeft {len(cellen)} velden, "
            f"de kopregel {breedte}"
        )
    velden = dict(zip(koppen, cellen, strict=False))
    return Rij(nummer, velden, problemen + _veldproblemen(nummer, velden))


def _veldproblemen(nummer: int, velden: dict[str, Any]) -> list[str]:
    """A field too long or with a control character; a list (YAML's rollen) item by item."""
    waarden = velden.values()
    if all(isinstance(w, str) and len(w) <= MAX_VELD for w in waarden) and not _STUURTEKEN.search("".join(waarden)):
        return []  # the common row, checked at once: a file has thousands
    problemen = []
    for kolom, waarde in velden.items():
        teksten = [w for w in (waarde if isinstance(waarde, list) else [waarde]) if isinstance(w, str)]
        redenen = [reden for tekst in teksten if (reden := _veldreden(tekst))]
        if redenen:
            problemen.append(f"rij {nummer}, kolom {kolomnaam(kolom)}: {redenen[0]}")
    return problemen


def _veldreden(tekst: str) -> str | None:
    if len(tekst) > MAX_VELD:
        return f"{getal(len(tekst))} tekens; een veld heeft er hoogstens {getal(MAX_VELD)}"
    if teken := _STUURTEKEN.search(tekst):
        return f"onzichtbaar stuurteken U+{ord(teken.group()):04X} op positie {teken.start() + 1}; haal het weg"
    return None


def kolomnaam(naam: Any) -> str:
    """A column's name for a message: as it is, or quoted and escaped when it is odd."""
    naam = str(naam)
    return naam if naam.isprintable() and 0 < len(naam) <= 40 and "'" not in naam else toon(naam)


def _yaml_rijen(tekst: str) -> list[Rij]:
    data = _yaml(tekst)
    if data is None:
        raise _Weigering(_LEEG)
    lijst = data.get("personen") if isinstance(data, dict) else data
    if not isinstance(lijst, list):
        raise _Weigering("verwacht een lijst met personen, of 'personen:' met daaronder een lijst")
    return [_yamlrij(nummer, item) for nummer, item in enumerate(lijst, start=1)]


def _yamlrij(nummer: int, item: Any) -> Rij:
    if not isinstance(item, dict):
        return Rij(nummer, {}, [f"rij {nummer}: geen persoon ({toon(item)}); verwacht per veld 'kolom: waarde'"])
    velden = {str(k): v for k, v in item.items()}
    return Rij(nummer, velden, _veldproblemen(nummer, velden))


def _yaml(tekst: str) -> Any:
    """The data of `tekst`, read as the specs are (models.yamlbron: `10:30` and `2027-02-30` stay text, for the
    model to judge by row and column)."""
    lader = SnelleLader(tekst)
    try:
        knoop = lader.get_single_node()
        if knoop is None:
            return None
        _dubbele_sleutels(knoop)
        return lader.construct_document(knoop)
    except yaml.MarkedYAMLError as fout:
        plek = fout.problem_mark or fout.context_mark
        regel = plek.line + 1 if plek else 1
        raise _Weigering(
            f"regel {regel}: geen geldige YAML; kijk daar naar haakjes, aanhalingstekens en inspringing"
        ) from None
    except yaml.reader.ReaderError as fout:
        teken = fout.character if isinstance(fout.character, int) else ord(fout.character)
        regel = tekst.count("\n", 0, fout.position) + 1
        raise _Weigering(f"regel {regel}: onzichtbaar stuurteken U+{teken:04X}; haal het weg") from None
    except (yaml.YAMLError, RecursionError):  # RecursionError: lists in lists, thousands deep
        raise _Weigering("geen geldige YAML (te diep genest?)") from None
    finally:
        lader.dispose()


def _dubbele_sleutels(wortel: yaml.Node) -> None:
    """Plain YAML keeps the last of a key written twice; refuse it instead (each node once: aliases repeat)."""
    stapel, bezocht = [wortel], set()
    while stapel:
        knoop = stapel.pop()
        if id(knoop) in bezocht:
            continue
        bezocht.add(id(knoop))
        if isinstance(knoop, yaml.MappingNode):
            gezien: dict[str, int] = {}
            for sleutel, waarde in knoop.value:
                regel = sleutel.start_mark.line + 1
                if isinstance(sleutel, yaml.ScalarNode) and sleutel.value in gezien:
                    naam, eerst = kolomnaam(sleutel.value), gezien[sleutel.value]
                    raise _Weigering(f"regel {regel}: de sleutel {naam} staat er twee keer (eerst op regel {eerst})")
                if isinstance(sleutel, yaml.ScalarNode):
                    gezien[sleutel.value] = regel
                stapel.append(waarde)
        elif isinstance(knoop, yaml.SequenceNode):
            stapel.extend(knoop.value)
