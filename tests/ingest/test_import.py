"""Importing a hand-written bundle: counts, idempotence, versions, originals, unknown keys."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from tests.support.bundles import DOCUMENT_TEXT, EXPECTED_COUNTS, RECORDS, write_bundle
from tests.support.snapshot import snapshot
from threadline.cli.main import app
from threadline.ingest.importer import import_bundle
from threadline.security import audit
from threadline.settings import load_settings
from threadline.status import counts
from threadline.store.models import Record, RecordLink, Subject, Version
from threadline.store.security_models import AuditEvent
from threadline.workspace import Workspace

runner = CliRunner()


def test_init_import_status_through_the_cli(tmp_path: Path, cli_env: dict[str, str]) -> None:
    bundle = write_bundle(tmp_path / "bundle")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["init"]).exit_code == 0, "init is idempotent"
    first = runner.invoke(app, ["import", str(bundle)])
    assert first.exit_code == 0, first.output
    status = runner.invoke(app, ["status", "--json"])
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout) == EXPECTED_COUNTS

    again = runner.invoke(app, ["import", str(bundle), "--json"])
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert summary["added"] == {} and summary["changed"] == {}
    assert summary["unchanged"] == {"operation": 3, "record": 4, "action": 2, "event": 2}
    assert json.loads(runner.invoke(app, ["status", "--json"]).stdout) == EXPECTED_COUNTS


def test_reimport_changes_nothing_at_all(tmp_path: Path, workspace: Workspace) -> None:
    bundle = write_bundle(tmp_path / "bundle")
    import_bundle(workspace, bundle)
    before = snapshot(workspace)
    import_bundle(workspace, bundle)
    after = snapshot(workspace)
    # Only the log of imports and the audit trail grow; the material is untouched.
    for table in ("imports", "audit_events"):
        before["tables"].pop(table)
        after["tables"].pop(table)
    assert before == after


def test_changed_record_keeps_its_earlier_version(tmp_path: Path, workspace: Workspace) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "v1"))
    changed = [dict(r) for r in RECORDS]
    changed[1] = changed[1] | {"text": "MFH report. Located at 4 Wellgate with two males."}
    summary = import_bundle(workspace, write_bundle(tmp_path / "v2", records=changed))
    assert summary.changed == {"record": 1}
    assert summary.unchanged["record"] == 3
    with workspace.reading() as session:
        record = session.get(Record, "CR-000045")
        assert record is not None
        assert record.version == 2
        assert record.text is not None and "two males" in record.text
        versions = session.scalars(
            select(Version).where(Version.item_id == "CR-000045").order_by(Version.version)
        ).all()
        assert [v.version for v in versions] == [1, 2]
        assert "two males" not in versions[0].raw and "two males" in versions[1].raw
        assert json.loads(versions[0].raw) == RECORDS[1]
        assert counts(session)["subjects"] == EXPECTED_COUNTS["subjects"]


def test_subjects_of_a_changed_record_are_replaced(tmp_path: Path, workspace: Workspace) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "v1"))
    changed = [dict(r) for r in RECORDS]
    first = dict(changed[0])
    first["subjects"] = [first["subjects"][0]]  # the victim subject was removed at source
    changed[0] = first
    import_bundle(workspace, write_bundle(tmp_path / "v2", records=changed))
    with workspace.reading() as session:
        refs = session.scalars(select(Subject.ref).where(Subject.record_id == "INT-000123")).all()
        assert refs == ["INT-000123/S1"]


def test_versions_keep_each_line_exactly_as_it_arrived(
    tmp_path: Path, workspace: Workspace
) -> None:
    bundle = write_bundle(tmp_path / "bundle")
    lines = (bundle / "records.jsonl").read_text("utf-8").splitlines()
    import_bundle(workspace, bundle)
    with workspace.reading() as session:
        raw = session.scalars(
            select(Version.raw).where(Version.item_type == "record").order_by(Version.source_line)
        ).all()
    assert raw == lines


def test_unknown_keys_are_kept(tmp_path: Path, workspace: Workspace) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "bundle"))
    with workspace.reading() as session:
        record = session.get(Record, "INT-000123")
        assert record is not None
        assert record.extra == {"source_system": "NICHE"}
        subject = session.get(Subject, "INT-000123/S1")
        assert subject is not None and subject.extra == {"custody_photo": "none"}


def test_original_is_stored_byte_for_byte_and_its_text_extracted(
    tmp_path: Path, workspace: Workspace
) -> None:
    bundle = write_bundle(tmp_path / "bundle")
    data = (bundle / "files" / "ST-000007.txt").read_bytes()
    summary = import_bundle(workspace, bundle)
    assert summary.originals == 1
    with workspace.reading() as session:
        record = session.get(Record, "ST-000007")
        assert record is not None
        assert record.original_sha256 == hashlib.sha256(data).hexdigest()
        assert record.document_text == DOCUMENT_TEXT
        assert record.body == DOCUMENT_TEXT
    stored = workspace.originals.path_for(hashlib.sha256(data).hexdigest())
    assert stored.read_bytes() == data
    assert not any((workspace.path / "staging").iterdir())


def test_dangling_cross_references_are_kept_and_reported(
    tmp_path: Path, workspace: Workspace
) -> None:
    summary = import_bundle(workspace, write_bundle(tmp_path / "bundle"))
    assert any("INT-999999" in w and "line 4" in w for w in summary.warnings)
    with workspace.reading() as session:
        targets = session.scalars(select(RecordLink.to_record)).all()
    assert "INT-999999" in targets


def test_grades_are_kept_with_their_system(tmp_path: Path, workspace: Workspace) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "bundle"))
    with workspace.reading() as session:
        old = session.get(Record, "INT-000123")
        new = session.get(Record, "INT-000200")
        assert old is not None and new is not None
        assert (old.grading_system, old.grading_source, old.grading_intelligence) == (
            "5x5x5",
            "B",
            "2",
        )
        assert (new.grading_system, new.grading_source, new.grading_intelligence) == (
            "3x5x2",
            "2",
            "C",
        )


def test_records_list_and_show(tmp_path: Path, cli_env: dict[str, str]) -> None:
    runner.invoke(app, ["init"])
    runner.invoke(app, ["import", str(write_bundle(tmp_path / "bundle"))])
    listed = runner.invoke(app, ["records", "list", "--json", "--operation", "CLOVER"])
    assert listed.exit_code == 0, listed.output
    ids = [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    assert ids == ["INT-000123", "CR-000045"]
    shown = runner.invoke(app, ["records", "show", "ST-000007", "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["text"] == DOCUMENT_TEXT
    missing = runner.invoke(app, ["records", "show", "NOPE"])
    assert missing.exit_code == 1
    assert "no record 'NOPE'" in missing.stderr


def test_commands_refuse_a_missing_workspace(tmp_path: Path, monkeypatch: object) -> None:
    result = runner.invoke(app, ["--workspace", str(tmp_path / "none"), "status", "--json"])
    assert result.exit_code == 1
    assert "run 'threadline init' first" in result.stderr


def test_an_import_is_audited_in_its_own_transaction(tmp_path: Path, workspace: Workspace) -> None:
    summary = import_bundle(workspace, write_bundle(tmp_path / "bundle"))
    with workspace.reading() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [e.action for e in events] == ["import"]
        assert events[0].target.startswith(f"import {summary.import_id} (bundle)")
        assert "added" in (events[0].justification or "")
        assert audit.verify(session).ok


def test_records_show_is_audited(tmp_path: Path, cli_env: dict[str, str]) -> None:
    runner.invoke(app, ["init"])
    runner.invoke(app, ["import", str(write_bundle(tmp_path / "bundle"))])
    assert runner.invoke(app, ["records", "show", "CR-000045"]).exit_code == 0
    assert runner.invoke(app, ["records", "show", "NOPE"]).exit_code == 1
    ws = Workspace.open(load_settings(Path(cli_env["THREADLINE_WORKSPACE"])))
    try:
        with ws.reading() as session:
            seen = [
                (e.action, e.target, e.outcome)
                for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
            ]
    finally:
        ws.close()
    assert seen[1:] == [
        ("view-record", "record CR-000045 (command line)", "ok"),
        ("view-record", "record NOPE (command line)", "not-found"),
    ]
