"""A case bundle (``bundle.md``) as a source of items."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from threadline.ingest.jsonl import parse_object, read_jsonl
from threadline.ingest.kinds import ITEM_KINDS
from threadline.ingest.problems import Problems
from threadline.ingest.schema import Manifest
from threadline.ingest.sources import SourceItem

MAX_MANIFEST_BYTES = 1024 * 1024


class BundleSource:
    format = "bundle"

    def __init__(self, path: Path) -> None:
        self.path = path.resolve()
        self.files_root = self.path

    def open(self, problems: Problems) -> dict[str, Any]:
        if not self.path.is_dir():
            what = "is not a directory" if self.path.exists() else "does not exist"
            problems.add(str(self.path), None, None, f"{what}: a case bundle is a directory")
            return {}
        manifest = self._manifest(problems)
        for kind in ITEM_KINDS:
            if kind.required and not (self.path / kind.filename).is_file():
                problems.add(kind.filename, None, None, "required file is missing")
        return manifest

    def items(self, problems: Problems) -> Iterator[SourceItem]:
        for kind in ITEM_KINDS:
            path = self.path / kind.filename
            if not path.is_file():
                continue
            for line in read_jsonl(path, kind.filename, problems):
                yield SourceItem(kind, kind.filename, line.number, line.raw, line.value)

    def _manifest(self, problems: Problems) -> dict[str, Any]:
        path = self.path / "manifest.json"
        if not path.is_file():
            problems.add("manifest.json", None, None, "required file is missing")
            return {}
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            problems.add("manifest.json", None, None, f"larger than {MAX_MANIFEST_BYTES} bytes")
            return {}
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.add("manifest.json", None, None, f"not valid UTF-8 (byte {exc.start + 1})")
            return {}
        try:
            value = parse_object(text)
        except ValueError as exc:
            problems.add("manifest.json", _json_error_line(text), None, str(exc))
            return {}
        try:
            Manifest.model_validate(value)
        except ValidationError as exc:
            problems.add_validation("manifest.json", 1, exc)
        return value


def _json_error_line(text: str) -> int | None:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.lineno
    return None
