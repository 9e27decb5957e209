"""The resolve stage on a small synthetic workspace: quality, stable ids, judgements, re-runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from typer.testing import CliRunner

from threadline.analyse.stage import SilentProgress
from threadline.cli.main import app
from threadline.evaluate import Prediction, Truth, evaluate
from threadline.ingest.importer import import_bundle
from threadline.resolve.export import entity_objects, explain
from threadline.resolve.judgements import NOT_SAME, SAME, JudgementError, record_judgement
from threadline.resolve.stage import FEATURES_FILE, MODEL_FILE, ResolveStage
from threadline.settings import Settings
from threadline.synth import generate
from threadline.workspace import Workspace


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("resolve") / "bundle"
    generate(out, seed=11, scale=0.15)
    return out


@pytest.fixture(scope="session")
def model_file(tmp_path_factory: pytest.TempPathFactory, bundle: Path) -> Path:
    """A model trained once on the bundle (training is the slow part), for tests to reuse."""
    settings = Settings(workspace=tmp_path_factory.mktemp("trained") / "ws", database_url=None)
    workspace = Workspace.create(settings)
    try:
        import_bundle(workspace, bundle)
        ResolveStage().run(workspace, SilentProgress())
    finally:
        workspace.close()
    return settings.workspace / MODEL_FILE


def with_model(workspace: Workspace, model_file: Path) -> None:
    target = workspace.path / MODEL_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(model_file, target)


def people(workspace: Workspace) -> list[dict[str, Any]]:
    with workspace.reading() as session:
        return list(entity_objects(session, type_="person"))


def entity_of(entities: list[dict[str, Any]], ref: str) -> str:
    return str(next(e["id"] for e in entities if ref in e["subjects"]))


def test_resolution_quality_and_rerun(workspace: Workspace, bundle: Path) -> None:
    import_bundle(workspace, bundle)
    report = ResolveStage().run(workspace, SilentProgress())
    assert report.notes == ["full run on duckdb"]
    first = people(workspace)
    truth = Truth.load(bundle / "truth.json")
    score = json.loads(evaluate(truth, Prediction(entities=first, opportunities=[])).to_json())
    resolution = score["resolution"]
    assert resolution["pairwise"]["f1"] >= 0.9
    assert resolution["bcubed"]["f1"] >= 0.9
    assert resolution["decoys"]["merged_pairs"] == 0
    # Nothing changed: an incremental run that resolves nothing, and the same entities.
    again = ResolveStage().run(workspace, SilentProgress())
    assert again.notes == ["incremental run on duckdb"]
    assert again.counts["subjects_resolved"] == 0
    assert people(workspace) == first
    # A full re-run with the saved model gives the same ids.
    ResolveStage(full=True).run(workspace, SilentProgress())
    assert [e["id"] for e in people(workspace)] == [e["id"] for e in first]
    # Every joined person is explained, with Splink's weights.
    joined = next(e for e in first if len(e["subjects"]) > 2)
    with workspace.reading() as session:
        explained = explain(session, joined["id"])
    assert explained is not None
    assert len(explained["joins"]) == len(joined["subjects"]) - 1
    assert all(j["match_weight"] is not None and j["evidence"] for j in explained["joins"])


def test_judgements_survive_reruns(workspace: Workspace, bundle: Path, model_file: Path) -> None:
    import_bundle(workspace, bundle)
    with_model(workspace, model_file)
    ResolveStage().run(workspace, SilentProgress())
    entities = people(workspace)
    big = next(e for e in entities if len(e["subjects"]) >= 3)
    a, b = big["subjects"][0], big["subjects"][-1]
    loner = next(e for e in entities if len(e["subjects"]) == 1 and e["id"] != big["id"])
    c = loner["subjects"][0]
    record_judgement(workspace, decision=NOT_SAME, left=a, right=b, by="analyst1", why="two men")
    record_judgement(
        workspace, decision=SAME, left=big["id"], right=c, by="analyst2", why="custody photo"
    )
    for stage in (ResolveStage(), ResolveStage(), ResolveStage(full=True)):
        stage.run(workspace, SilentProgress())
        after = people(workspace)
        assert entity_of(after, a) != entity_of(after, b)
        assert entity_of(after, a) == entity_of(after, c) or entity_of(after, b) == entity_of(
            after, c
        )
    with pytest.raises(JudgementError):
        record_judgement(workspace, decision=SAME, left=a, right="NOPE/S9", by="x", why="y")
    with pytest.raises(JudgementError):
        record_judgement(workspace, decision=SAME, left=a, right=c, by="x", why=" ")


def test_cli_entities_and_judgements(
    workspace: Workspace, bundle: Path, cli_env: dict[str, str], model_file: Path
) -> None:
    import_bundle(workspace, bundle)
    with_model(workspace, model_file)
    ResolveStage().run(workspace, SilentProgress())
    runner = CliRunner()
    result = runner.invoke(app, ["entities", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert {e["type"] for e in lines} >= {"person", "vehicle", "phone", "location"}
    for entity in lines:
        assert set(entity) >= {"id", "type", "label", "subjects", "mentions", "identifiers"}
        assert entity["id"].startswith("E-")
    phones = [e for e in lines if e["type"] == "phone"]
    assert all(e["identifiers"][0].startswith("+") and not e["subjects"] for e in phones)
    only = runner.invoke(app, ["entities", "--json", "--type", "vehicle"])
    assert {json.loads(x)["type"] for x in only.output.splitlines()} == {"vehicle"}
    person = next(e for e in lines if e["type"] == "person" and len(e["subjects"]) >= 2)
    result = runner.invoke(
        app,
        ["not-same", person["subjects"][0], person["subjects"][1], "--why", "dob", "--by", "me"],
    )
    assert result.exit_code == 0, result.output
    assert "not-same" in result.output and "(by me)" in result.output
    bad = runner.invoke(app, ["same", "NOPE", person["subjects"][0], "--why", "x"])
    assert bad.exit_code == 1 and "neither a subject ref nor an entity id" in bad.output


def split_bundle(bundle: Path, out: Path, keep_last: int) -> tuple[Path, Path]:
    """The bundle in two: all but the last ``keep_last`` records, then those records."""
    first, second = out / "first", out / "second"
    records = (bundle / "records.jsonl").read_text().splitlines()
    for part, lines in ((first, records[:-keep_last]), (second, records[-keep_last:])):
        part.mkdir(parents=True)
        for name in ("manifest.json", "operations.jsonl"):
            (part / name).write_text((bundle / name).read_text())
        kept = [line for line in lines if '"file"' not in line]
        (part / "records.jsonl").write_text("\n".join(kept) + "\n")
    for name in ("actions.jsonl", "events.jsonl"):
        (first / name).write_text((bundle / name).read_text())
    return first, second


def resolve_all_but_last(
    workspace: Workspace, bundle: Path, tmp_path: Path, model_file: Path
) -> Path:
    """All but the last 20 records imported and resolved (with the saved model); the rest,
    a bundle of its own, is returned for the test to add."""
    first, second = split_bundle(bundle, tmp_path, keep_last=20)
    import_bundle(workspace, first)
    with_model(workspace, model_file)
    ResolveStage().run(workspace, SilentProgress())
    return second


def test_added_material_is_resolved_incrementally(
    workspace: Workspace, bundle: Path, tmp_path: Path, model_file: Path
) -> None:
    second = resolve_all_but_last(workspace, bundle, tmp_path, model_file)
    before = {e["id"]: e for e in people(workspace)}
    import_bundle(workspace, second)
    report = ResolveStage().run(workspace, SilentProgress())
    assert report.notes == ["incremental run on duckdb"]
    added = report.counts["subjects_resolved"]
    assert 0 < added < report.counts["subjects"] // 5
    after = people(workspace)
    # Every subject is in exactly one person entity, and entities never touched are unchanged.
    refs = [r for e in after for r in e["subjects"]]
    assert len(refs) == len(set(refs)) == report.counts["subjects"]
    unchanged = [e for e in after if e["id"] in before and e == before[e["id"]]]
    assert len(unchanged) >= len(before) - report.counts["person_entities_touched"] - added
    # The same material resolved in one go gives the same people.
    ResolveStage(full=True).run(workspace, SilentProgress())
    full = people(workspace)
    as_sets = {frozenset(e["subjects"]) for e in after}
    agree = sum(frozenset(e["subjects"]) in as_sets for e in full)
    assert agree >= 0.97 * len(full)


def test_features_saved_by_an_older_version_mean_a_full_run(
    workspace: Workspace, bundle: Path, tmp_path: Path, model_file: Path
) -> None:
    # A workspace analysed before a feature was added to the model (here: the
    # birth band blocking uses) has saved features without that column; scoring
    # the added subjects against them would fail, so the run is a full one.
    second = resolve_all_but_last(workspace, bundle, tmp_path, model_file)
    saved = workspace.path / FEATURES_FILE
    table = pq.read_table(saved)
    pq.write_table(table.drop_columns(["birth_band", "birth_band_shifted"]), saved)
    import_bundle(workspace, second)
    report = ResolveStage().run(workspace, SilentProgress())
    assert report.notes == ["full run on duckdb"]
    assert report.counts["subjects_resolved"] == report.counts["subjects"]
    # The features saved now are whole again, so the next run is incremental.
    assert "birth_band" in pq.read_table(saved).column_names
    assert ResolveStage().run(workspace, SilentProgress()).notes == ["incremental run on duckdb"]


def test_features_saved_in_another_column_order_are_still_used(
    workspace: Workspace, bundle: Path, tmp_path: Path, model_file: Path
) -> None:
    second = resolve_all_but_last(workspace, bundle, tmp_path, model_file)
    saved = workspace.path / FEATURES_FILE
    table = pq.read_table(saved)
    pq.write_table(table.select(sorted(table.column_names)), saved)
    import_bundle(workspace, second)
    report = ResolveStage().run(workspace, SilentProgress())
    assert report.notes == ["incremental run on duckdb"]
    assert 0 < report.counts["subjects_resolved"] < report.counts["subjects"]


def _one_record_bundle(source: Path, out: Path, record_id: str, address: str) -> Path:
    """A bundle of ``source``'s operations and one record naming ``address``."""
    out.mkdir(parents=True)
    for name in ("manifest.json", "operations.jsonl"):
        (out / name).write_text((source / name).read_text())
    operation = json.loads((source / "operations.jsonl").read_text().splitlines()[0])["id"]
    record = {
        "id": record_id,
        "operation": operation,
        "kind": "intelligence",
        "date": "2020-01-02",
        "title": "Premises of interest",
        "text": "Premises of interest.",
        "grading": {"system": "5x5x5", "source": "B", "intelligence": "2", "handling": "1"},
        "author": "PC 1 TEST",
        "locations": [{"address": address}],
        "subjects": [],
    }
    (out / "records.jsonl").write_text(json.dumps(record) + "\n")
    return out


def test_a_place_renamed_by_added_material_keeps_its_members(
    workspace: Workspace, bundle: Path, tmp_path: Path, model_file: Path
) -> None:
    # The first record names a premises only; the second names it at a building, whose
    # street line becomes the place's key (a new entity id) in an incremental run.
    import_bundle(workspace, _one_record_bundle(bundle, tmp_path / "a", "INT-T1", "Zz Cafe"))
    with_model(workspace, model_file)
    ResolveStage().run(workspace, SilentProgress())
    import_bundle(
        workspace, _one_record_bundle(bundle, tmp_path / "b", "INT-T2", "Zz Cafe, 1 Aa Road")
    )
    report = ResolveStage().run(workspace, SilentProgress())
    assert report.notes == ["incremental run on duckdb"]
    with workspace.reading() as session:
        places = list(entity_objects(session, type_="location"))
    assert [sorted(p["records"]) for p in places] == [["INT-T1", "INT-T2"]]


def test_new_subjects_meet_the_same_existing_pairs_when_prefiltered(
    workspace: Workspace, bundle: Path, model_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the existing subjects some blocking rule pairs with a new one go to Splink:
    # the pairs scored must be exactly those scored against every existing subject.
    from threadline.resolve import engine
    from threadline.resolve import people as model
    from threadline.resolve.backends import DuckDBBackend
    from threadline.resolve.stage import read_subjects

    import_bundle(workspace, bundle)
    with workspace.reading() as session:
        table = engine.features_table(read_subjects(session))
    existing, new = table.slice(0, table.num_rows - 40), table.slice(table.num_rows - 40)
    trained = json.loads(model_file.read_text())
    backend = DuckDBBackend()
    try:
        kept = model.blocked_with(backend, existing, new)
        assert 0 < kept.num_rows < existing.num_rows
        filtered = model.predict_new(backend, existing, new, trained)
        monkeypatch.setattr(model, "blocked_with", lambda _backend, e, _new: e)
        whole = model.predict_new(backend, existing, new, trained)
    finally:
        backend.close()

    def pairs(scored: Any) -> set[tuple[int, int, float]]:
        return set(
            zip(
                scored["unique_id_l"].to_pylist(),
                scored["unique_id_r"].to_pylist(),
                [round(w, 6) for w in scored["match_weight"].to_pylist()],
                strict=True,
            )
        )

    assert pairs(filtered) == pairs(whole) and len(pairs(whole)) > 40
