"""Benchmark: the whole ``threadline analyse`` on synthetic bundles, and re-analysis.

For each scale: generate a bundle (fresh seed), import all but the last 1% of
its records, run every stage (wall time per stage, peak memory), then import
the whole bundle (the 1% more material) and run ``analyse`` again: the time to
re-analyse. With ``--evaluate`` it scores the analysis against ``truth.json``;
with ``--oracle`` it also replaces extraction and resolution by the true
entities (``threadline.analyse.opportunities.oracle``) and scores the
detectors on their own.

    .venv/bin/python bench/analyse.py --scale 1 --scale 10 --evaluate --oracle

Figures are printed, with the re-analysis as a ratio of the first analysis
measured in the same run; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from threadline.analyse.graph import GraphStage
from threadline.analyse.opportunities.oracle import load_true_entities
from threadline.analyse.opportunities.stage import DetectStage
from threadline.analyse.pipeline import analyse, registered_stages
from threadline.analyse.stage import SilentProgress
from threadline.evaluate import Truth, evaluate
from threadline.evaluate.workspace import workspace_prediction
from threadline.ingest import import_path
from threadline.ingest.importer import Importer
from threadline.settings import Settings
from threadline.synth import generate
from threadline.workspace import Workspace


def peak_mib() -> tuple[float, float]:
    """Peak resident memory so far (MiB) of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def partial_bundle(bundle: Path, out: Path, share: float) -> int:
    """A copy of ``bundle`` without the last ``share`` of its records. Returns records left out."""
    shutil.copytree(bundle, out, ignore=shutil.ignore_patterns("truth.json"))
    lines = (bundle / "records.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    keep = len(lines) - max(1, round(len(lines) * share))
    (out / "records.jsonl").write_text("".join(lines[:keep]), encoding="utf-8")
    return len(lines) - keep


def run_stages(workspace: Workspace, label: str) -> dict[str, float]:
    """Every stage in order, each printed (time, peak memory) as soon as it ends.

    A stage that fails is reported and re-run once with its full path
    (``THREADLINE_RESOLVE_FULL=1``: another stage's incremental path may fail);
    if it fails again the analysis stops there and the figures so far stand.
    """
    seconds: dict[str, float] = {}
    for stage in registered_stages():
        started = time.perf_counter()
        reports = []
        try:
            reports = analyse(workspace, only=[stage.name])
        except Exception as exc:
            print(
                f"  {label} {stage.name} FAILED after {time.perf_counter() - started:.1f} s: "
                f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}; again in full",
                flush=True,
            )
            os.environ["THREADLINE_RESOLVE_FULL"] = "1"
            started = time.perf_counter()
            try:
                reports = analyse(workspace, only=[stage.name])
            except Exception as again:
                print(f"  {label} {stage.name} FAILED again: {again!r}"[:300], flush=True)
                raise
            finally:
                del os.environ["THREADLINE_RESOLVE_FULL"]
        seconds[stage.name] = time.perf_counter() - started
        own, children = peak_mib()
        print(
            f"  {label} {stage.name}: {seconds[stage.name]:.1f} s "
            f"(peak so far {own:.0f} MiB, largest worker {children:.0f} MiB) "
            f"at {time.strftime('%H:%M:%S')}",
            flush=True,
        )
        if stage.name in ("graph", "detect") and reports:
            print(f"    {stage.name} counts: {json.dumps(reports[0].counts)}", flush=True)
    return seconds


def scores(report_json: str) -> dict[str, Any]:
    report = json.loads(report_json)["opportunities"]
    return {
        "overall": report["overall"],
        "recall_by_kind": {k: v["recall"] for k, v in report["by_kind"].items()},
        "near_misses_raised": len(report["near_misses"]["raised"]),
    }


def bench_detection(scale: float, seed: int, root: Path) -> None:
    """Only the graph and detect stages, on the true entities (no extraction or resolution).

    The first run on all but the last 1% of the records; then the whole bundle
    (1% more) re-analysed incrementally; then a full rebuild of the same
    material, which must find the same opportunities.
    """
    bundle = root / f"bundle-{scale}"
    summary = generate(bundle, seed=seed, scale=scale)
    print(
        f"\n== scale {scale}, seed {seed}: {summary.records} records, graph and detect only, "
        "on the true entities"
    )
    first = root / f"first-{scale}"
    held = partial_bundle(bundle, first, 0.01)
    workspace = Workspace.create(Settings(workspace=root / f"ws-{scale}"))
    try:
        totals: dict[str, float] = {}
        snapshots: dict[str, Any] = {}
        for attempt, source, full in (
            ("first (99%)", first, True),
            (f"re-analysis ({held} more records)", bundle, False),
            ("full rebuild (same material)", bundle, True),
        ):
            if attempt != "full rebuild (same material)":
                started = time.perf_counter()
                import_path(Importer(workspace), source)
                print(f"import: {time.perf_counter() - started:.1f} s")
                started = time.perf_counter()
                counts = load_true_entities(workspace, bundle / "truth.json")
                print(f"true entities written: {counts} in {time.perf_counter() - started:.1f} s")
            seconds = {}
            for stage in (GraphStage(full=full), DetectStage(full=full)):
                started = time.perf_counter()
                report = stage.run(workspace, SilentProgress())
                seconds[stage.name] = time.perf_counter() - started
                print(f"  {attempt} {stage.name}: {seconds[stage.name]:.1f} s {report.counts}")
            own, _ = peak_mib()
            totals[attempt] = sum(seconds.values())
            print(
                f"{attempt}: "
                + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
                + f"; total {totals[attempt]:.1f} s; peak memory {own:.0f} MiB",
                flush=True,
            )
            snapshots[attempt] = opportunity_rows(workspace)
        first_total, again, rebuilt = totals.values()
        print(
            f"re-analysis = {again / first_total:.2f} x the first run, "
            f"{again / rebuilt:.2f} x a full rebuild of the same material"
        )
        incremental, full_rows = list(snapshots.values())[1:]
        print(
            "incremental and full rebuild give the same opportunities:",
            incremental == full_rows,
            f"({len(full_rows)} rows)",
        )
        print(
            "exact agreement with truth.json (true entities):",
            json.dumps(agreement(workspace, bundle / "truth.json")),
        )
    finally:
        workspace.close()


def opportunity_rows(workspace: Workspace) -> dict[str, tuple[Any, ...]]:
    """Every opportunity's columns but the history, by id."""
    from sqlalchemy import select

    from threadline.store.opportunity_models import Opportunity

    with workspace.reading() as session:
        return {
            o.id: (o.kind, o.rank, o.score, o.title, o.explanation, o.status, o.records)
            for o in session.scalars(select(Opportunity))
        }


def bench(scale: float, seed: int, root: Path, *, evaluate_it: bool, oracle: bool) -> None:
    bundle = root / f"bundle-{scale}"
    started = time.perf_counter()
    summary = generate(bundle, seed=seed, scale=scale)
    print(
        f"\n== scale {scale}, seed {seed}: {summary.records} records, "
        f"{summary.subjects} subjects (generated in {time.perf_counter() - started:.1f} s)"
    )
    first = root / f"first-{scale}"
    held = partial_bundle(bundle, first, 0.01)
    workspace = Workspace.create(Settings(workspace=root / f"ws-{scale}"))
    try:
        started = time.perf_counter()
        import_path(Importer(workspace), first)
        print(f"import of {summary.records - held} records: {time.perf_counter() - started:.1f} s")
        seconds = run_stages(workspace, "analyse")
        own, children = peak_mib()
        total = sum(seconds.values())
        print(
            "analyse, per stage (s): "
            + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items())
            + f"; total {total:.1f}"
        )
        print(f"peak memory: {own:.0f} MiB (this process), {children:.0f} MiB (largest worker)")
        started = time.perf_counter()
        import_path(Importer(workspace), bundle)
        print(f"import of {held} more records (1%): {time.perf_counter() - started:.1f} s")
        again = run_stages(workspace, "re-analyse")
        total_again = sum(again.values())
        print(
            "re-analyse, per stage (s): "
            + ", ".join(f"{k} {v:.1f}" for k, v in again.items())
            + f"; total {total_again:.1f} = {total_again / total:.2f} x the first analysis"
        )
        if evaluate_it:
            truth = Truth.load(bundle / "truth.json")
            print(
                "evaluate (whole pipeline):",
                json.dumps(scores(evaluate(truth, workspace_prediction(workspace)).to_json())),
            )
        if oracle:
            load_true_entities(workspace, bundle / "truth.json")
            for stage in (GraphStage(), DetectStage()):
                stage.run(workspace, SilentProgress())
            truth = Truth.load(bundle / "truth.json")
            print(
                "evaluate (true entities):",
                json.dumps(scores(evaluate(truth, workspace_prediction(workspace)).to_json())),
            )
            print(
                "exact agreement with truth.json (true entities):",
                json.dumps(agreement(workspace, bundle / "truth.json")),
            )
    finally:
        workspace.close()


def agreement(workspace: Workspace, truth_path: Path) -> dict[str, Any]:
    """Found vs true opportunities compared by what they are about, per kind (oracle ids)."""
    import hashlib

    from sqlalchemy import select

    from threadline.store.opportunity_models import Opportunity

    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    keys = {**{p: p for p in truth["persons"]}, **{k: k for k in truth["identifiers"]}}
    by_id = {"T-" + hashlib.sha256(k.encode()).hexdigest()[:12]: k for k in keys}
    expected = {
        (o["kind"], o.get("record") or o.get("person") or o.get("identifier"))
        for o in truth["opportunities"]
    }
    with workspace.reading() as session:
        found = {
            (kind, by_id.get(anchor, anchor))
            for kind, anchor in session.execute(select(Opportunity.kind, Opportunity.anchor))
        }
    out: dict[str, Any] = {}
    for kind in sorted({k for k, _ in expected | found}):
        e = {a for k, a in expected if k == kind}
        f = {a for k, a in found if k == kind}
        out[kind] = {"truth": len(e), "found": len(f), "missed": len(e - f), "extra": len(f - e)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--evaluate", action="store_true")
    parser.add_argument("--oracle", action="store_true")
    parser.add_argument(
        "--detection-only",
        action="store_true",
        help="Time only graph and detect, on the true entities.",
    )
    parser.add_argument("--keep", type=Path, help="Work here and keep it (default: a temp dir).")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="threadline-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        for index, scale in enumerate(args.scale or [1.0]):
            if args.detection_only:
                bench_detection(scale, args.seed + index, root)
            else:
                bench(scale, args.seed + index, root, evaluate_it=args.evaluate, oracle=args.oracle)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
