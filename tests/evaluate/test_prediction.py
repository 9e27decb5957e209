from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from threadline.errors import InputError
from threadline.evaluate import Prediction

from .helpers import perfect_prediction, small_truth_data


def _write(path: Path, items: list[Any], blank_after_first: bool = False) -> Path:
    lines = [json.dumps(item) for item in items]
    if blank_after_first and lines:
        lines.insert(1, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_entities_opportunities_and_mentions(tmp_path: Path) -> None:
    perfect = perfect_prediction(small_truth_data())
    prediction = Prediction.from_jsonl(
        _write(tmp_path / "e.jsonl", perfect.entities, blank_after_first=True),
        _write(tmp_path / "o.jsonl", perfect.opportunities),
        _write(tmp_path / "m.jsonl", perfect.mentions),
    )
    assert prediction == perfect


def test_without_a_mentions_file_the_entities_mentions_are_used(tmp_path: Path) -> None:
    perfect = perfect_prediction(small_truth_data())
    doubled = [*perfect.entities, perfect.entities[0] | {"id": "E-copy"}]
    prediction = Prediction.from_jsonl(
        _write(tmp_path / "e.jsonl", doubled), _write(tmp_path / "o.jsonl", [])
    )
    # Every truth span once, typed by its entity; the copy's spans are not repeated.
    assert len(prediction.mentions) == len(perfect.mentions)
    assert {(m["record"], m["start"], m["type"]) for m in prediction.mentions} == {
        (m["record"], m["start"], m["type"]) for m in perfect.mentions
    }


@pytest.mark.parametrize(
    ("which", "line", "field"),
    [
        (
            "entities",
            '{"id": "E1", "mentions": [{"record": "R", "start": 0, "end": -1}]}',
            "mentions[0].end",
        ),
        ("entities", '{"id": "E1", "subjects": "INT-1/S1"}', "subjects"),
        ("entities", '{"type": "person"}', "id"),
        ("entities", '["not", "an", "object"]', None),
        ("entities", "{not json", None),
        ("opportunities", '{"kind": "unactioned-suspect", "rank": "1"}', "rank"),
        ("opportunities", '{"kind": "unactioned-suspect", "entities": [1]}', "entities"),
        ("mentions", '{"record": "R", "start": 5, "end": 3}', "end"),
        ("mentions", '{"record": "R", "start": 0, "end": 3, "type": 4}', "type"),
    ],
)
def test_bad_lines_name_file_line_and_field(
    tmp_path: Path, which: str, line: str, field: str | None
) -> None:
    files = {name: tmp_path / f"{name}.jsonl" for name in ("entities", "opportunities", "mentions")}
    for path in files.values():
        path.write_text(
            '{"id": "ok", "kind": "x", "record": "R", "start": 0, "end": 1}\n', encoding="utf-8"
        )
    files[which].write_text(
        f"{files[which].read_text(encoding='utf-8')}\n{line}\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        Prediction.from_jsonl(files["entities"], files["opportunities"], files["mentions"])
    assert caught.value.location.file == str(files[which])
    assert caught.value.location.line == 3
    assert caught.value.location.field == field


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        Prediction.from_jsonl(tmp_path / "none.jsonl", tmp_path / "none.jsonl")
    assert "cannot read" in caught.value.message
