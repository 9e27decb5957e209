"""``threadline synth``: writes the bundle and prints the counts truth.json holds."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from threadline.cli.main import app
from threadline.synth.truth import KINDS

runner = CliRunner()


def truth_counts(out: Path) -> tuple[Counter[str], Counter[str]]:
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    return (
        Counter(o["kind"] for o in truth["opportunities"]),
        Counter(o["kind"] for o in truth["near_misses"]),
    )


def test_the_printed_counts_are_those_of_truth_json(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    result = runner.invoke(
        app, ["synth", "--out", str(out), "--seed", "3", "--scale", "0.2"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    opportunities, near = truth_counts(out)
    rows = {}
    for line in result.output.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line) if c.strip()]
        if len(cells) == 3 and cells[0] in KINDS:
            rows[cells[0]] = (int(cells[1].replace(",", "")), int(cells[2].replace(",", "")))
    assert rows == {kind: (opportunities[kind], near[kind]) for kind in KINDS}
    assert "seed 3, scale 0.2" in " ".join(result.output.split())


def test_json_summary(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    result = runner.invoke(app, ["synth", "--out", str(out), "--scale", "0.1", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    opportunities, near = truth_counts(out)
    assert summary["opportunities"] == {kind: opportunities[kind] for kind in KINDS}
    assert summary["near_misses"] == {kind: near[kind] for kind in KINDS}
    assert summary["seed"] == 1 and summary["out"] == str(out)


def test_a_used_directory_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("mine")
    result = runner.invoke(app, ["synth", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "not empty" in result.output + str(result.exception)
    assert list(tmp_path.iterdir()) == [tmp_path / "x"]
