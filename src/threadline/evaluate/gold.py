"""Hand-annotated texts: an extraction yardstick that no generator wrote.

The synthetic bundles' truth scores extraction on text made from the same
templates the rules were developed against, so those scores flatter it. A
*gold file* holds texts written by hand, in the styles real logs use, with the
spans a reader would mark. One JSON object a line::

    {"id": "G01", "text": "...", "spans": [["KOVACS, Istvan", "person", "suspect"],
                                          ["Taz", "person", "suspect", 1]]}

Each span is ``[surface text, type, role, occurrence]``: the ``occurrence``-th
(from 0, default 0) appearance of the surface text in ``text``. Types are those
the truth scores (``person``, ``vehicle``, ``phone``, ``location``); ``role`` is
for persons (``null`` when the text does not say).

:func:`gold_truth` turns the file into a :class:`~threadline.evaluate.truth.Truth`
(every span its own person or identifier), so extraction is scored by the same
:func:`~threadline.evaluate.mentions.score_mentions` as on synthetic bundles.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threadline.errors import InputError, Location
from threadline.evaluate.mentions import SCORED_TYPES, MentionScore, score_mentions
from threadline.evaluate.truth import Truth

if TYPE_CHECKING:
    from threadline.extract.extractor import Extractor


@dataclass(frozen=True, slots=True)
class GoldText:
    """One hand-annotated text."""

    id: str
    text: str


def _find(text: str, surface: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(surface, start + 1)
        if start < 0:
            return -1
    return start


def load_gold(path: Path) -> tuple[list[GoldText], Truth]:
    """The texts of a gold file and their spans as a truth.

    Raises:
        InputError: a line is not JSON, lacks a field, or names a span that is
            not in its text (file, line and field named).
    """
    texts: list[GoldText] = []
    persons: dict[str, Any] = {}
    identifiers: dict[str, Any] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue

            def fail(field: str, message: str, number: int = number) -> InputError:
                return InputError(Location(path.name, line=number, field=field), message)

            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise fail("", f"not JSON: {exc.msg}") from exc
            text_id, text = entry.get("id"), entry.get("text")
            if not isinstance(text_id, str) or not isinstance(text, str):
                raise fail("id", "each line needs a string 'id' and 'text'")
            texts.append(GoldText(text_id, text))
            for i, span in enumerate(entry.get("spans", [])):
                surface, type_, role = span[0], span[1], span[2]
                occurrence = span[3] if len(span) > 3 else 0
                if type_ not in SCORED_TYPES:
                    raise fail(f"spans[{i}]", f"type {type_!r} is not one of {SCORED_TYPES}")
                start = _find(text, surface, occurrence)
                if start < 0:
                    raise fail(f"spans[{i}]", f"{surface!r} (occurrence {occurrence}) not in text")
                mention = {
                    "record": text_id,
                    "start": start,
                    "end": start + len(surface),
                    "text": surface,
                }
                key = f"{text_id}/{i}"
                if type_ == "person":
                    persons[key] = {"mentions": [mention | {"role": role}]}
                else:
                    identifiers[f"{type_}:{key}"] = {"mentions": [mention]}
    return texts, Truth.from_dict({"persons": persons, "identifiers": identifiers})


def score_gold(path: Path, extractor: Extractor | None = None) -> MentionScore:
    """Extract every text of a gold file with the extract stage's extractor and score it."""
    from threadline.extract.extractor import extract_texts

    texts, truth = load_gold(path)
    found = extract_texts((t.text for t in texts), extractor)
    mentions = [
        {"record": t.id, "start": f.start, "end": f.end, "type": f.type, "role": f.role}
        for t, spans in zip(texts, found, strict=True)
        for f in spans
    ]
    return score_mentions(truth, mentions)
