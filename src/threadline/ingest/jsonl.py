"""Reading JSON Lines a line at a time, with problems located by line and column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from threadline.ingest.problems import Problems

MAX_LINE_BYTES = 64 * 1024 * 1024
"""One JSON line larger than this is refused rather than read into memory."""


@dataclass(frozen=True)
class JsonLine:
    number: int
    raw: str
    value: dict[str, Any]


class DuplicateKeyError(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out


def parse_object(text: str) -> dict[str, Any]:
    """One JSON object; raises ValueError with a message a person can act on."""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except DuplicateKeyError as exc:
        raise ValueError(f"key '{exc}' appears twice in one object") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    return value


def _lines(handle: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """Physical lines, numbered from 1; a line over the limit is skipped and yields None.

    Lines are read with a bound, so that one enormous line cannot exhaust memory.
    """
    number = 0
    while True:
        data = handle.readline(MAX_LINE_BYTES + 1)
        if not data:
            return
        number += 1
        if len(data) > MAX_LINE_BYTES and not data.endswith(b"\n"):
            while data and not data.endswith(b"\n"):  # skip the rest of the line
                data = handle.readline(1 << 20)
            yield number, None
            continue
        yield number, data


def read_jsonl(path: Path, label: str, problems: Problems) -> Iterator[JsonLine]:
    """Yield each non-blank line of ``path`` as an object; bad lines become problems."""
    with path.open("rb") as handle:
        for number, data in _lines(handle):
            if data is None:
                problems.add(label, number, None, f"line is longer than {MAX_LINE_BYTES} bytes")
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.add(label, number, None, f"not valid UTF-8 (byte {exc.start + 1})")
                continue
            if number == 1 and text.startswith("\ufeff"):
                text = text[1:]
            stripped = text.strip()
            if not stripped:
                continue
            try:
                value = parse_object(stripped)
            except ValueError as exc:
                problems.add(label, number, None, str(exc))
                continue
            yield JsonLine(number, text.rstrip("\r\n"), value)
