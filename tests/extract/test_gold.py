"""Extraction on hand-written texts no generator made (``tests/extract/gold``).

``handwritten.jsonl`` is the development set the rules were improved against;
``heldout.jsonl`` was written at the same time and scored only once the rules
were settled. Both are floors a change must not fall below; the measured
figures are in ``docs/extraction.md``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.errors import InputError
from threadline.evaluate.gold import load_gold, score_gold
from threadline.extract import Extractor

GOLD = Path(__file__).parent / "gold"

#: (file, type) → least F1; set a little under what was measured.
FLOORS = {
    ("handwritten.jsonl", "person"): 0.93,
    ("handwritten.jsonl", "location"): 0.92,
    ("handwritten.jsonl", "vehicle"): 1.0,
    ("handwritten.jsonl", "phone"): 1.0,
    ("heldout.jsonl", "person"): 0.88,
    ("heldout.jsonl", "location"): 0.75,
    ("heldout.jsonl", "vehicle"): 1.0,
    ("heldout.jsonl", "phone"): 1.0,
}
ROLE_FLOORS = {"handwritten.jsonl": 0.90, "heldout.jsonl": 0.80}


@pytest.mark.parametrize("name", sorted(ROLE_FLOORS))
def test_gold_scores_stay_above_their_floors(name: str, extractor: Extractor) -> None:
    score = score_gold(GOLD / name, extractor)
    for (file, type_), floor in FLOORS.items():
        if file == name:
            f1 = score.by_type[type_].f1
            assert f1 is not None and f1 >= floor, (type_, f1)
    accuracy = score.roles.accuracy
    assert accuracy is not None and accuracy >= ROLE_FLOORS[name]


def test_every_gold_span_is_in_its_text() -> None:
    for name in ROLE_FLOORS:
        texts, truth = load_gold(GOLD / name)
        by_id = {t.id: t.text for t in texts}
        for span in truth.all_spans():
            assert by_id[span.record][span.start : span.end] == span.text


def test_a_span_not_in_its_text_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "A", "text": "Seen with Ann LEE.", "spans": [["Ann LEE", "person", null]]}\n'
        '{"id": "B", "text": "Seen with Ann LEE.", "spans": [["Bob", "person", null]]}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        load_gold(bad)
    assert str(raised.value).startswith("bad.jsonl, line 2, field 'spans[0]'")
