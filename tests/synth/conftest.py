"""Bundles generated once per test session, shared by the generator's tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from threadline.synth import SynthSummary, generate


@dataclass
class Bundle:
    """A generated bundle with its lines loaded."""

    path: Path
    summary: SynthSummary
    manifest: dict[str, Any]
    operations: list[dict[str, Any]]
    records: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    truth: dict[str, Any]

    @classmethod
    def load(cls, path: Path, summary: SynthSummary) -> Bundle:
        def lines(name: str) -> list[dict[str, Any]]:
            with (path / name).open(encoding="utf-8") as handle:
                return [json.loads(line) for line in handle if line.strip()]

        return cls(
            path=path,
            summary=summary,
            manifest=json.loads((path / "manifest.json").read_text(encoding="utf-8")),
            operations=lines("operations.jsonl"),
            records=lines("records.jsonl"),
            actions=lines("actions.jsonl"),
            events=lines("events.jsonl"),
            truth=json.loads((path / "truth.json").read_text(encoding="utf-8")),
        )

    def items(self) -> list[dict[str, Any]]:
        return self.records + self.actions + self.events

    def subjects(self) -> list[dict[str, Any]]:
        return [s for item in self.items() for s in item.get("subjects") or []]


@pytest.fixture(scope="session")
def scale_one(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    out = tmp_path_factory.mktemp("synth") / "scale-1"
    return Bundle.load(out, generate(out, seed=1, scale=1.0))


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    out = tmp_path_factory.mktemp("synth") / "scale-0.3"
    return Bundle.load(out, generate(out, seed=1, scale=0.3))
