"""From answer to register: a person's entries as versions, proposed by the person and reviewed by the eigenaar.

Nothing is overwritten. A person proposes (the web form, a reply by email, a gift reported when received); the
proposal waits as a `voorgesteld` version; the eigenaar accepts it (as is, or edited: then the edit is a version
of its own) or sends it back with a remark. Accepting makes the version the register's and the one before it
`vervangen`. What the register said on a day is, per entry, the latest version accepted on or before that day,
unless it had ended (`tot`) before it.

Plain functions over a session; `engine.diensten` wraps them in units of work for the shells. Each module imports
only those listed below it (`tests/test_lagen.py` checks it); import a name from the module that owns it:

    beoordeling   the eigenaar's review: proposals waiting, accept, turn free text into entries, send back
    pagina        the personal page of a verzoek
    invoer        entries checked and proposed, confirmed as they stand, a melding; when an answer counts
    stand         the register as of a date, an entry's history, a leaver's entries ended
    versies       the Versie type, reading and storing versions, their fields as text
    fouten        the errors the shells show
"""
