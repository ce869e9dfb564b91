"""A progress bar for long commands: shown on a terminal, silent when the output is piped or is JSON."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def voortgang(omschrijving: str, totaal: int | None, *, stil: bool = False) -> Iterator[Callable[..., None] | None]:
    """Yields a function that is told how much of `totaal` is done (and the total, where it is learnt on the way:
    None), drawing a bar on stderr; None (draw nothing) when `stil` or when stdout or stderr is not a terminal."""
    if stil or not (sys.stdout.isatty() and sys.stderr.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    kolommen = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*kolommen, console=Console(stderr=True), transient=True) as balk:
        taak = balk.add_task(omschrijving, total=totaal)
        yield lambda klaar, totaal=None: balk.update(taak, completed=klaar, total=totaal)
