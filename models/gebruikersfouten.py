"""What a user can get wrong, as one tree of exceptions; every shell reports them the same way.

    Gebruikersfout                     the message is for the user; `exitcode` for the CLI
    ├── OngeldigeCatalogus             engine.catalogus: a spec folder with problems (each file:line:field)
    ├── OnbekendProces                 engine.catalogus: no proces (or stap) with that id ("Bedoelt u ...?")
    ├── GeenVoorbeeld                  engine.uitgaand: the stap sends no message of the kind asked to preview
    ├── OngeldigeImport                engine.personen: a persons file that cannot be imported (row, column)
    ├── OnbekendVerzoek                engine.antwoorden: no verzoek with that token, nothing waits for a confirmation
    ├── Postvakstoring                 notifications.imap: the IMAP server refused the poll (with its answer)
    └── Configuratiefout               models.instellingen: a setting that cannot work

Anything else that escapes a use case is a bug, and shows as one: a traceback for the developers.
"""

from __future__ import annotations


class Gebruikersfout(Exception):
    """Something the user can put right; the message says what and how, in Dutch."""

    exitcode = 1


class Configuratiefout(Gebruikersfout):
    """An INTEGRITEIT_ setting that cannot work as given."""
