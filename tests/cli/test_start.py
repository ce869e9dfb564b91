"""What `integriteit start` says at start-up about rondes whose planned start passed while it was not running."""

from __future__ import annotations

from datetime import datetime

from cli.start import _inhalen
from engine import diensten
from engine.diensten import Omgeving
from models.instellingen import Instellingen
from models.werkdagen import TIJDZONE


def test_start_up_says_which_missed_rondes_the_first_watch_starts_and_which_it_leaves_with_their_command(
    db_engine, session, catalogus, capsys
):
    omg = Omgeving(db_engine, catalogus, Instellingen())
    nu = datetime(2027, 3, 25, 7, 30, tzinfo=TIJDZONE)
    diensten.importeer_personen(omg, bestand=None, nu=nu)  # a new database, the demo organisation

    _inhalen(omg, nu)

    uitvoer = capsys.readouterr().out
    laat, gemist = uitvoer.split("gemiste ronde(s) start de bewaking niet")
    assert "de eerstvolgende bewaking (werkdagen 08:00) start 1 gemiste ronde(s) alsnog:\n" in laat
    assert (
        "  - Integriteit op de agenda van het werkoverleg: gepland 2027-02-01, deadline 2027-06-01 "
        "(nog 68 van de 120 dagen)\n" in laat
    )
    assert (
        "  - Actualisatie nevenfuncties Statenleden: gepland 2027-03-01, deadline 2027-03-30 (nog 5 van de 29 dagen): "
        "integriteit ronde start nevenfuncties-statenleden\n" in gemist
    )
    assert "(verstreken): integriteit ronde start geschenken-gs\n" in gemist
