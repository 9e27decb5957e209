"""The extract stage: mentions stored with offsets into the stored text, incrementally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from tests.support.bundles import RECORDS, write_bundle
from threadline.analyse.stage import SilentProgress
from threadline.cli.main import app
from threadline.extract import Extractor
from threadline.extract import extractor as extractor_module
from threadline.extract.stage import ExtractStage
from threadline.ingest import import_bundle
from threadline.store.mention_models import ExtractedRecord, Mention
from threadline.store.models import Record
from threadline.workspace import Workspace


def run(workspace: Workspace, extractor: Extractor, **options: int) -> dict[str, int]:
    return ExtractStage(extractor=extractor, **options).run(workspace, SilentProgress()).counts


def stored(workspace: Workspace) -> list[tuple[str, int, int, str, str, str | None]]:
    with workspace.reading() as session:
        return [
            (m.record_id, m.start, m.end, m.text, m.type, m.role)
            for m in session.scalars(select(Mention).order_by(Mention.record_id, Mention.start))
        ]


def test_mentions_point_into_the_stored_text(
    workspace: Workspace, extractor: Extractor, tmp_path: Path
) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "b"))
    counts = run(workspace, extractor)
    assert counts["records"] == 4
    with workspace.reading() as session:
        bodies = {r.id: r.body for r in session.scalars(select(Record))}
        mentions = list(session.scalars(select(Mention)))
        assert session.scalar(select(func.count()).select_from(ExtractedRecord)) == 4
    assert mentions
    for m in mentions:
        assert bodies[m.record_id][m.start : m.end] == m.text
    found = {(m.record_id, m.type, m.text, m.normalised) for m in mentions}
    assert ("INT-000123", "vehicle", "RV05 KTX", "RV05KTX") in found
    assert ("INT-000123", "person", "Mo", "Mo") in found
    assert ("INT-000200", "phone", "07700900123", "+447700900123") in found
    assert ("INT-000200", "person", "Mohamed Aly", "Mohamed Aly") in found
    # The record whose body came only from a document is extracted from that text.
    assert any(r == "ST-000007" and t == "person" for r, t, _, _ in found)


def test_only_new_or_changed_records_are_extracted(
    workspace: Workspace, extractor: Extractor, tmp_path: Path
) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "b"))
    run(workspace, extractor)
    before = stored(workspace)
    again = run(workspace, extractor)
    assert again["records"] == 0 and stored(workspace) == before

    changed = [dict(r) for r in RECORDS]
    changed[1] = {**changed[1], "text": "MFH report. Located with Kyle BENSON in AB12 CDE."}
    import_bundle(workspace, write_bundle(tmp_path / "b2", records=changed))
    counts = run(workspace, extractor)
    assert counts["records"] == 1
    after = stored(workspace)
    assert [m for m in after if m[0] != "CR-000045"] == [m for m in before if m[0] != "CR-000045"]
    cr = {(t, text) for r, _, _, text, t, _ in after if r == "CR-000045"}
    assert cr >= {("person", "Kyle BENSON"), ("vehicle", "AB12 CDE")}
    assert ("location", "4 Wellgate") not in cr


def test_a_new_extractor_version_re_extracts_and_deleted_records_go(
    workspace: Workspace, extractor: Extractor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "b"))
    run(workspace, extractor)
    monkeypatch.setattr(
        "threadline.extract.stage.EXTRACTOR_VERSION", extractor_module.EXTRACTOR_VERSION + "-next"
    )
    assert run(workspace, extractor)["records"] == 4
    with workspace.transaction() as session:
        session.delete(session.get_one(Record, "CR-000045"))
    counts = run(workspace, extractor)
    assert counts["records"] == 0
    assert all(m[0] != "CR-000045" for m in stored(workspace))
    with workspace.reading() as session:
        assert session.get(ExtractedRecord, "CR-000045") is None


def test_a_changed_hash_alone_triggers_re_extraction(
    workspace: Workspace, extractor: Extractor, tmp_path: Path
) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "b"))
    run(workspace, extractor)
    with workspace.transaction() as session:
        session.execute(
            update(ExtractedRecord)
            .where(ExtractedRecord.record_id == "INT-000123")
            .values(text_hash="0" * 64)
        )
    assert run(workspace, extractor)["records"] == 1


def test_worker_processes_give_the_same_mentions(
    workspace: Workspace, extractor: Extractor, tmp_path: Path
) -> None:
    import_bundle(workspace, write_bundle(tmp_path / "b"))
    run(workspace, extractor)
    single = stored(workspace)
    with workspace.transaction() as session:
        session.execute(update(ExtractedRecord).values(extractor_version="old"))
    counts = (
        ExtractStage(processes=2, parallel_threshold=0, chunk=2)
        .run(workspace, SilentProgress())
        .counts
    )
    assert counts["records"] == 4
    assert stored(workspace) == single


def test_analyse_then_evaluate_on_the_command_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    bundle = write_bundle(tmp_path / "b")
    truth = {
        "persons": {
            "P1": {
                "subjects": ["INT-000123/S1"],
                "mentions": [
                    {
                        "record": "INT-000123",
                        "start": 94,
                        "end": 96,
                        "text": "Mo",
                        "role": "suspect",
                    }
                ],
            }
        },
        "identifiers": {
            "vehicle:RV05KTX": {"mentions": [{"record": "INT-000123", "start": 43, "end": 51}]}
        },
        "opportunities": [],
    }
    (bundle / "truth.json").write_text(json.dumps(truth), "utf-8")
    for args in (["init"], ["import", str(bundle)], ["analyse", "--stage", "extract"]):
        result = runner.invoke(app, args, env=cli_env)
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["evaluate", "--truth", str(bundle / "truth.json"), "--json"], env=cli_env
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["mentions"]["by_type"]["vehicle"]["matched"] == 1
    assert report["mentions"]["by_type"]["person"]["matched"] == 1
    assert report["mentions"]["roles"]["correct"] == 1
