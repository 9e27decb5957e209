from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from threadline.cli.evaluate_cmd import run_evaluate

from .helpers import perfect_prediction, small_truth_data


@pytest.fixture
def truth_file(tmp_path: Path) -> Path:
    path = tmp_path / "truth.json"
    path.write_text(json.dumps(small_truth_data()), encoding="utf-8")
    return path


def test_run_evaluate_prints_json(truth_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_evaluate(truth_file, perfect_prediction(small_truth_data()), as_json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["resolution"]["bcubed"]["f1"] == 1.0


def test_run_evaluate_prints_tables(truth_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_evaluate(truth_file, perfect_prediction(small_truth_data()), as_json=False)
    out = capsys.readouterr().out
    assert "Person resolution" in out and "Opportunities by kind" in out


def _jsonl(path: Path, items: list) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def test_the_file_entry_point_scores_files_and_reports_bad_input(
    truth_file: Path, tmp_path: Path
) -> None:
    perfect = perfect_prediction(small_truth_data())
    entities = _jsonl(tmp_path / "e.jsonl", perfect.entities)
    opportunities = _jsonl(tmp_path / "o.jsonl", perfect.opportunities)
    command = [sys.executable, "-m", "threadline.cli.evaluate_cmd", "--truth", str(truth_file)]
    command += ["--entities", str(entities), "--opportunities", str(opportunities), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["opportunities"]["overall"]["recall"] == 1.0
    opportunities.write_text('{"kind": 3}\n', encoding="utf-8")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "line 1" in done.stderr and "kind" in done.stderr
