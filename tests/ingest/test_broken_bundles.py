"""The corpus of broken bundles: each is refused with a message naming file, line and field,
and leaves the workspace exactly as it was.

Each case starts from the valid hand-written bundle (tests/support/bundles.py),
breaks one thing, and says where the error must point. The workspace already
holds the valid bundle's material when the broken one is imported, so "changes
nothing" is checked against a workspace with content, not an empty one.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.support.bundles import ACTIONS, EVENTS, OPERATIONS, RECORDS, write_bundle
from tests.support.snapshot import snapshot
from threadline.cli.main import app
from threadline.settings import Settings
from threadline.workspace import Workspace

runner = CliRunner()

Parts = dict[str, Any]


def _parts() -> Parts:
    return {
        "operations": copy.deepcopy(OPERATIONS),
        "records": copy.deepcopy(RECORDS),
        "actions": copy.deepcopy(ACTIONS),
        "events": copy.deepcopy(EVENTS),
    }


@dataclass(frozen=True)
class Broken:
    name: str
    breaks: Callable[[Parts, Path], None]
    """Changes the parts before writing, or the written bundle (second argument) after."""
    where: str
    """The text that must appear in the message: file, line and field."""
    says: str
    """A fragment of what the message must say is wrong."""


def _record(i: int, **changes: Any) -> Callable[[Parts, Path], None]:
    def breaks(parts: Parts, _root: Path) -> None:
        parts["records"][i].update(changes)
        for key, value in changes.items():
            if value is _DROP:
                del parts["records"][i][key]

    return breaks


_DROP = object()


def _after(fn: Callable[[Path], None]) -> Callable[[Parts, Path], None]:
    def breaks(parts: Parts, root: Path) -> None:
        parts.setdefault("_after", []).append(fn)

    return breaks


def _replace_line(file: str, number: int, text: bytes) -> Callable[[Path], None]:
    def fn(root: Path) -> None:
        lines = (root / file).read_bytes().splitlines(keepends=True)
        lines[number - 1] = text + b"\n"
        (root / file).write_bytes(b"".join(lines))

    return fn


def _append_line(file: str, text: bytes) -> Callable[[Path], None]:
    def fn(root: Path) -> None:
        with (root / file).open("ab") as handle:
            handle.write(text + b"\n")

    return fn


def _set(key: str, index: int, path: list[Any], value: Any) -> Callable[[Parts, Path], None]:
    def breaks(parts: Parts, _root: Path) -> None:
        target = parts[key][index]
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return breaks


def _outside_file(root: Path) -> None:
    (root.parent / "secret.txt").write_text("outside the bundle")


def _symlink_out(root: Path) -> None:
    _outside_file(root)
    (root / "files" / "link.txt").symlink_to(root.parent / "secret.txt")


def _fifo(root: Path) -> None:
    os.mkfifo(root / "files" / "pipe.txt")


CASES = [
    Broken(
        "manifest not JSON",
        _after(lambda r: (r / "manifest.json").write_text("{format: 1")),
        "manifest.json, line 1",
        "not valid JSON",
    ),
    Broken(
        "manifest of another format",
        _after(lambda r: (r / "manifest.json").write_text('{"format": "csv", "version": 1}')),
        "manifest.json, line 1, field 'format'",
        "threadline-bundle",
    ),
    Broken(
        "manifest of a future version",
        _after(
            lambda r: (r / "manifest.json").write_text(
                '{"format": "threadline-bundle", "version": 2}'
            )
        ),
        "manifest.json, line 1, field 'version'",
        "1",
    ),
    Broken(
        "manifest missing",
        _after(lambda r: (r / "manifest.json").unlink()),
        "manifest.json",
        "required file is missing",
    ),
    Broken(
        "records file missing",
        _after(lambda r: (r / "records.jsonl").unlink()),
        "records.jsonl",
        "required file is missing",
    ),
    Broken(
        "operation line not JSON",
        _after(_replace_line("operations.jsonl", 2, b'{"id": "CLOVER",')),
        "operations.jsonl, line 2",
        "not valid JSON",
    ),
    Broken(
        "a line that is an array",
        _after(_append_line("records.jsonl", b'["INT-1"]')),
        "records.jsonl, line 5",
        "expected a JSON object",
    ),
    Broken(
        "invalid UTF-8",
        _after(_append_line("records.jsonl", b'{"id": "X\xff", "operation": "CLOVER"}')),
        "records.jsonl, line 5",
        "not valid UTF-8",
    ),
    Broken(
        "a key twice in one object",
        _after(_append_line("records.jsonl", b'{"id": "A", "id": "B", "operation": "CLOVER"}')),
        "records.jsonl, line 5",
        "key 'id' appears twice",
    ),
    Broken(
        "record without id",
        _record(1, id=_DROP),
        "records.jsonl, line 2, field 'id'",
        "required field is missing",
    ),
    Broken(
        "record without operation",
        _record(2, operation=_DROP),
        "records.jsonl, line 3, field 'operation'",
        "required field is missing",
    ),
    Broken(
        "id that is a number", _record(3, id=200), "records.jsonl, line 4, field 'id'", "string"
    ),
    Broken(
        "unknown operation",
        _record(3, operation="NOSUCHOP"),
        "records.jsonl, line 4, field 'operation'",
        "unknown operation 'NOSUCHOP'",
    ),
    Broken(
        "duplicate record id",
        _record(3, id="CR-000045"),
        "records.jsonl, line 4, field 'id'",
        "duplicate id 'CR-000045' (first used on line 2)",
    ),
    Broken(
        "duplicate subject ref across files",
        _set("events", 1, ["subjects", 0, "ref"], "INT-000123/S2"),
        "events.jsonl, line 2, field 'subjects[0].ref'",
        "duplicate subject ref 'INT-000123/S2'",
    ),
    Broken(
        "impossible date",
        _record(1, date="2004-13-45"),
        "records.jsonl, line 2, field 'date'",
        "not an ISO 8601 date",
    ),
    Broken(
        "date in another format",
        _record(1, received="12/06/2004"),
        "records.jsonl, line 2, field 'received'",
        "not an ISO 8601 date",
    ),
    Broken(
        "bad date of birth",
        _set("records", 0, ["subjects", 0, "dob"], "1979-02-30"),
        "records.jsonl, line 1, field 'subjects[0].dob'",
        "not an ISO 8601 date",
    ),
    Broken(
        "negative age",
        _set("records", 0, ["subjects", 1, "age"], -3),
        "records.jsonl, line 1, field 'subjects[1].age'",
        "greater than or equal to 0",
    ),
    Broken(
        "subject without ref",
        _set("records", 1, ["subjects", 0], {"name": "X"}),
        "records.jsonl, line 2, field 'subjects[0].ref'",
        "required field is missing",
    ),
    Broken(
        "subjects not a list",
        _record(1, subjects="Zoe"),
        "records.jsonl, line 2, field 'subjects'",
        "list",
    ),
    Broken(
        "grade from the other system",
        _set("records", 0, ["grading", "source"], "1"),
        "records.jsonl, line 1, field 'grading.source'",
        "source grade '1' is not valid in 5x5x5",
    ),
    Broken(
        "unknown grading system",
        _set("records", 0, ["grading", "system"], "4x4"),
        "records.jsonl, line 1, field 'grading.system'",
        "5x5x5",
    ),
    Broken(
        "unknown record kind",
        _record(1, kind="rumour"),
        "records.jsonl, line 2, field 'kind'",
        "intelligence",
    ),
    Broken(
        "unknown action status",
        _set("actions", 0, ["status"], "done"),
        "actions.jsonl, line 1, field 'status'",
        "cancelled",
    ),
    Broken(
        "unknown event kind",
        _set("events", 0, ["kind"], "caution"),
        "events.jsonl, line 1, field 'kind'",
        "disruption",
    ),
    Broken(
        "unknown parent operation",
        _set("operations", 1, ["parent"], "NOPE"),
        "operations.jsonl, line 2, field 'parent'",
        "unknown operation 'NOPE'",
    ),
    Broken(
        "operations coordinating each other",
        _set("operations", 0, ["parent"], "CLOVER"),
        "operations.jsonl, line",
        "its own ancestor",
    ),
    Broken(
        "path escaping the bundle",
        _record(2, file="../secret.txt"),
        "records.jsonl, line 3, field 'file'",
        "escapes the bundle",
    ),
    Broken(
        "absolute path",
        _record(2, file="/etc/passwd"),
        "records.jsonl, line 3, field 'file'",
        "relative to the bundle",
    ),
    Broken(
        "symlink escaping the bundle",
        lambda p, r: (_record(2, file="files/link.txt")(p, r), _after(_symlink_out)(p, r)),
        "records.jsonl, line 3, field 'file'",
        "escapes the bundle directory (link)",
    ),
    Broken(
        "missing document",
        _record(2, file="files/nothere.pdf"),
        "records.jsonl, line 3, field 'file'",
        "does not exist",
    ),
    Broken(
        "document that is a pipe",
        lambda p, r: (_record(2, file="files/pipe.txt")(p, r), _after(_fifo)(p, r)),
        "records.jsonl, line 3, field 'file'",
        "not a regular file",
    ),
    Broken(
        "document that is a directory",
        _record(2, file="files"),
        "records.jsonl, line 3, field 'file'",
        "not a regular file",
    ),
]


def _write(root: Path, case: Broken) -> Path:
    parts = _parts()
    case.breaks(parts, root)
    after = parts.pop("_after", [])
    write_bundle(root, **parts)
    for fn in after:
        fn(root)
    return root


@pytest.fixture
def loaded(tmp_path: Path, settings: Settings, cli_env: dict[str, str]) -> Workspace:
    """A workspace already holding the valid bundle."""
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["import", str(write_bundle(tmp_path / "valid"))])
    assert result.exit_code == 0, result.output
    return Workspace.open(settings)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 20
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_broken_bundle_is_refused_and_changes_nothing(
    tmp_path: Path, loaded: Workspace, case: Broken
) -> None:
    bundle = _write(tmp_path / "broken", case)
    before = snapshot(loaded)
    result = runner.invoke(app, ["import", str(bundle)])
    assert result.exit_code == 1, result.output
    message = " ".join(result.stderr.split())
    assert "nothing was changed" in message
    assert case.where in message, message
    assert case.says in message, message
    assert snapshot(loaded) == before
    loaded.close()


def test_subject_ref_already_used_by_another_record(tmp_path: Path, loaded: Workspace) -> None:
    other = {
        "id": "INT-900",
        "operation": "CHARD",
        "kind": "intelligence",
        "subjects": [{"ref": "INT-000123/S1", "name": "Someone Else"}],
    }
    bundle = write_bundle(
        tmp_path / "other",
        operations=[OPERATIONS[0], OPERATIONS[2]],
        records=[other],
        actions=[],
        events=[],
    )
    before = snapshot(loaded)
    result = runner.invoke(app, ["import", str(bundle)])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "records.jsonl, line 1, field 'subjects[0].ref'" in message
    assert "already used by record INT-000123" in message
    assert snapshot(loaded) == before
    loaded.close()


def test_many_problems_are_reported_together(tmp_path: Path, loaded: Workspace) -> None:
    records = _parts()["records"]
    records[0]["date"] = "yesterday"
    records[1]["kind"] = "rumour"
    records[3]["operation"] = "NOPE"
    bundle = write_bundle(tmp_path / "many", records=records)
    result = runner.invoke(app, ["import", str(bundle)])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "(2 problems)" in message  # per-line problems stop before the set-wise checks
    assert "line 1, field 'date'" in message and "line 2, field 'kind'" in message
    loaded.close()


def test_json_summary_counts_lines_not_bytes(tmp_path: Path, loaded: Workspace) -> None:
    # Blank lines are ignored but still counted, so line numbers match an editor's.
    parts = _parts()
    bundle = write_bundle(tmp_path / "blank", **parts)
    text = (bundle / "records.jsonl").read_text()
    (bundle / "records.jsonl").write_text("\n\n" + text.replace("CLOVER", "NOPE", 1))
    result = runner.invoke(app, ["import", str(bundle)])
    assert result.exit_code == 1
    assert "records.jsonl, line 3, field 'operation'" in " ".join(result.stderr.split())
    assert json.loads(runner.invoke(app, ["status", "--json"]).stdout)["records"] == 4
    loaded.close()


def test_overlong_line_is_refused(
    tmp_path: Path, loaded: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threadline.ingest import jsonl

    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 4096)
    parts = _parts()
    parts["records"][1]["text"] = "x" * 10_000
    bundle = write_bundle(tmp_path / "long", **parts)
    before = snapshot(loaded)
    result = runner.invoke(app, ["import", str(bundle)])
    assert result.exit_code == 1
    assert "records.jsonl, line 2: line is longer than 4096 bytes" in " ".join(
        result.stderr.split()
    )
    assert snapshot(loaded) == before
    loaded.close()
