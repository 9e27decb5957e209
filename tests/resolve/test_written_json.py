"""JSON the stage encodes once per distinct value is the text the encoder would write."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from threadline.resolve.stage import _evidence_text, _person_detail
from threadline.store.bulk import Encoded, _encode
from threadline.store.database import json_dumps

EVIDENCE: list[dict[str, Any]] = [
    {"name": {"level": "exact", "weight": 10.91}, "dob": {"level": "exact", "weight": 12.53}},
    {"dob": {"level": "exact", "weight": 12.53}, "name": {"level": "exact", "weight": 10.91}},
    {"name": {"level": "exact", "weight": -0.0}},
    {"name": {"level": "exact", "weight": 0.0}},
    {"name": {"weight": 10.91, "level": "exact"}},
    {"name": {"level": "exact", "weight": 1}},
    {"name": {"level": "exact", "weight": True}},
    {"name": {"level": "Zoë's", "weight": 3.5}, "how many records carry it": {}},
    {"judgement": "same"},
    {"listed": {"records": ["R-1", "R-2"]}},
    {},
]


@pytest.mark.parametrize("evidence", EVIDENCE)
def test_evidence_is_written_as_the_encoder_writes_it(evidence: dict[str, Any]) -> None:
    texts: dict[Any, Encoded] = {}
    for other in EVIDENCE:  # the cache holds every other evidence first
        _encode(("E-1", _evidence_text(other, texts)), [1])
    written = _encode(("E-1", _evidence_text(evidence, texts)), [1])[1]
    assert written == json_dumps(evidence)
    assert type(written) is str
    assert json.loads(written) == evidence


@pytest.mark.parametrize("weights", [[], [3.25, -1.5], [0.1 + 0.2], [math.inf], [-0.0]])
def test_a_persons_detail_is_written_as_the_encoder_writes_it(weights: list[float]) -> None:
    expected = {"weakest_join": min(weights) if weights else None}
    written = _encode((_person_detail(weights),), [0])[0]
    assert written == json_dumps(expected)
