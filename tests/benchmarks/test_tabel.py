"""The benchmark table: one row per figure, written as JSON and put between the README's markers."""

from __future__ import annotations

import json

from benchmarks.tabel import Regel, in_readme, schrijf, toon

REGELS = [
    Regel("send 10,000 messages", "at least 0.77", "120/s", "0.80"),
    Regel("start to a UI", "at most 15 s", "9 s"),
]


def test_the_table_has_a_row_per_figure_under_one_header():
    tabel = toon(REGELS).splitlines()
    assert tabel[0].split("|")[1:-1] == [" figure               ", " goal          ", " now   ", " baseline ratio "]
    assert (
        len(tabel) == 4 and tabel[3].startswith("| start to a UI") and tabel[3].rstrip().endswith("| -              |")
    )


def test_a_run_replaces_the_previous_table_in_the_readme_and_keeps_the_rest(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Titel\n\n<!-- benchmarks:begin -->\noud\n<!-- benchmarks:end -->\n\n## Verder\n")
    uitslag = schrijf(REGELS, tmp_path / "uitslag.json", snel=False)

    in_readme(uitslag, readme)
    in_readme(uitslag, readme)

    tekst = readme.read_text()
    assert tekst.startswith("# Titel\n\n<!-- benchmarks:begin -->\nLatest run: ") and tekst.endswith("\n\n## Verder\n")
    assert "oud" not in tekst and tekst.count("| send 10,000 messages") == 1 and uitslag["machine"] in tekst
    assert json.loads((tmp_path / "uitslag.json").read_text())["regels"][1]["nu"] == "9 s"
