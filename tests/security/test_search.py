"""Search through the full-text index: spelling variants, kept in step with re-imports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from threadline.ingest import import_bundle
from threadline.security.access import Access, Principal
from threadline.security.policy import Role
from threadline.security.search import _VOCABULARY, Query
from threadline.store.models import Record
from threadline.workspace import Workspace

REVIEWER = Principal("rita", Role.REVIEWER, frozenset({"OAK"}))
ANALYST = Principal("ann", Role.ANALYST, frozenset({"OAK"}))


def _bundle(out: Path, records: list[dict[str, Any]]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(
        json.dumps({"format": "threadline-bundle", "version": 1, "name": "search"})
    )
    (out / "operations.jsonl").write_text(
        json.dumps({"id": "OAK", "name": "Operation Oak", "kind": "current", "status": "open"})
        + "\n"
    )
    (out / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return out


def _record(rid: str, body: str, subjects: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": rid,
        "operation": "OAK",
        "kind": "statement",
        "date": "2006-05-01",
        "title": f"Statement {rid}",
        "text": body,
        "subjects": subjects or [],
    }


RECORDS = [
    _record(
        "R1",
        "Yusuf KHAN was seen at the bus station with a second male.",
        [{"ref": "R1/S1", "role": "suspect", "name": "Yusuf KHAN"}],
    ),
    _record("R2", "A neighbour reported a car parked outside the flats on Mill Lane."),
    _record(
        "R3",
        "The caller gave no names.",
        [{"ref": "R3/S1", "role": "suspect", "name": "Robert PIKE", "aliases": ["Bobby"]}],
    ),
    _record(
        "R4",
        "Tamsin WREN said that she was collected from school.",
        [{"ref": "R4/S1", "role": "victim", "name": "Tamsin WREN", "age": 13}],
    ),
]


def _hits(workspace: Workspace, query: str, principal: Principal = REVIEWER) -> set[str]:
    with workspace.reading() as session:
        return {hit.record.id for hit in Access(session, principal).search(query)}


def test_search_finds_words_prefixes_and_subject_names(
    workspace: Workspace, tmp_path: Path
) -> None:
    import_bundle(workspace, _bundle(tmp_path / "b", RECORDS))
    _VOCABULARY.clear()
    assert _hits(workspace, "bus station") == {"R1"}
    assert _hits(workspace, "neighb") == {"R2"}  # the start of a word
    assert _hits(workspace, "PIKE") == {"R3"}  # a subject's name, not in the text
    assert _hits(workspace, "bobby") == {"R3"}  # an alias
    assert _hits(workspace, "station mill") == set()  # every word must be found
    assert _hits(workspace, "zzqx") == set()


def test_search_honours_spelling_variants(workspace: Workspace, tmp_path: Path) -> None:
    import_bundle(workspace, _bundle(tmp_path / "b", RECORDS))
    _VOCABULARY.clear()
    assert _hits(workspace, "Youssef") == {"R1"}  # the same group in resolve/variants.yaml
    assert _hits(workspace, "Yousuf Khan") == {"R1"}  # the same skeleton
    assert _hits(workspace, "Rupert") == {"R3"}  # the same Soundex (R163)
    with workspace.reading() as session:
        spellings = Query.parse(session, "Youssef")
    assert spellings is not None and "yusuf" in spellings.spellings[0]


def test_search_never_finds_through_what_is_hidden(workspace: Workspace, tmp_path: Path) -> None:
    import_bundle(workspace, _bundle(tmp_path / "b", RECORDS))
    _VOCABULARY.clear()
    assert _hits(workspace, "Tamsin WREN") == {"R4"}
    # An analyst may not see victims: the index finds the record, the match on the
    # redacted view does not.
    assert _hits(workspace, "Tamsin WREN", ANALYST) == set()
    assert _hits(workspace, "Tamsyn", ANALYST) == set()
    assert _hits(workspace, "collected from school", ANALYST) == {"R4"}


def test_the_index_follows_re_imports(workspace: Workspace, tmp_path: Path) -> None:
    import_bundle(workspace, _bundle(tmp_path / "b1", RECORDS))
    assert _hits(workspace, "flats") == {"R2"}
    changed = [
        _record("R2", "A neighbour reported a van parked by the garages on Mill Lane.")
        if r["id"] == "R2"
        else r
        for r in RECORDS
    ]
    import_bundle(workspace, _bundle(tmp_path / "b2", changed))
    assert _hits(workspace, "flats") == set()
    assert _hits(workspace, "garages") == {"R2"}
    if workspace.engine.dialect.name == "sqlite":
        with workspace.reading() as session:
            # The external-content index agrees with its table after the changes.
            session.execute(text("INSERT INTO fts_records(fts_records) VALUES ('integrity-check')"))
            assert session.scalar(select(Record.text).where(Record.id == "R2")) is not None
