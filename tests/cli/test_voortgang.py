"""Long commands draw a progress bar on a terminal, and nothing when their output is piped or JSON."""

from __future__ import annotations

import os
import pty
import sys

from cli.voortgang import voortgang


def test_a_terminal_sees_the_bar_move(monkeypatch):
    hoofd, terminal = pty.openpty()
    with open(terminal, "w") as scherm:
        monkeypatch.setattr(sys, "stdout", scherm)
        monkeypatch.setattr(sys, "stderr", scherm)
        with voortgang("Simuleren", 10) as meld:
            assert meld is not None
            meld(5)
    getoond = alles_gelezen(hoofd)
    assert "Simuleren" in getoond


def alles_gelezen(hoofd: int) -> str:
    """Everything the closed terminal was shown: one read returns only what one write put there (rich writes the
    hidden cursor first), so read until the terminal says it has nothing left (EIO once its other end closed)."""
    delen = []
    try:
        while deel := os.read(hoofd, 65536):
            delen.append(deel)
    except OSError:
        pass
    os.close(hoofd)
    return b"".join(delen).decode()


def test_piped_output_gets_no_bar(capsys):
    with voortgang("Simuleren", 10) as meld:
        assert meld is None
    assert capsys.readouterr() == ("", "")


def test_json_output_gets_no_bar_even_on_a_terminal(monkeypatch):
    hoofd, terminal = pty.openpty()
    with open(terminal, "w") as scherm:
        monkeypatch.setattr(sys, "stdout", scherm)
        monkeypatch.setattr(sys, "stderr", scherm)
        with voortgang("Simuleren", 10, stil=True) as meld:
            assert meld is None
    os.close(hoofd)


def test_a_bar_can_learn_its_total_on_the_way(monkeypatch):
    """`postvak` learns how many messages wait only once it has logged in: the bar starts without a total."""
    hoofd, terminal = pty.openpty()
    with open(terminal, "w") as scherm:
        monkeypatch.setattr(sys, "stdout", scherm)
        monkeypatch.setattr(sys, "stderr", scherm)
        with voortgang("Postvak lezen", None) as meld:
            meld(200, 1000)
    getoond = alles_gelezen(hoofd)
    assert "Postvak lezen" in getoond and "0/?" in getoond
