"""Benchmark: the whole ``threadline analyse`` on synthetic bundles, and re-analysis.

For each scale: generate a bundle (fresh seed), import all but the last 1% of
its records, run every stage (wall time per stage, peak memory), then import
the whole bundle (the 1% more material) and run ``analyse`` again: the time to
re-analyse. With ``--evaluate`` it scores the analysis against ``truth.json``;
with ``--oracle`` it also replaces extraction and resolution by the true
entities (``threadline.analyse.opportunities.oracle``) and scores the
detectors on their own.

    .venv/bin/python bench/analyse.py --scale 1 --scale 10 --evaluate --oracle

A run at scale 100 takes hours on a small machine. With ``--keep DIR`` every
finished step (import, each stage, the re-import, each stage again) is
recorded in ``DIR/progress-SCALE.json`` as soon as it ends; the same command
run again carries on after the last finished step, and prints the figures of
the steps it skips as they were measured. ``--bundle DIR`` uses an existing
bundle (with its ``truth.json``) instead of generating one.

    .venv/bin/python bench/analyse.py --scale 100 --keep /work/scratch/s100 --evaluate

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
import threading
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


class Progress:
    """The steps of one benchmark already measured, kept in a file so a run can carry on.

    Without a file (a temporary run) nothing is remembered and every step runs.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.steps: dict[str, dict[str, Any]] = {}
        if path is not None and path.exists():
            self.steps = json.loads(path.read_text(encoding="utf-8"))

    def done(self, step: str) -> dict[str, Any] | None:
        """The figures of ``step`` if it was measured before (and says so), else None."""
        figures = self.steps.get(step)
        if figures is not None:
            print(f"  {step}: measured before, {json.dumps(figures)}", flush=True)
        return figures

    def peaks(self, label: str) -> tuple[float, float]:
        """Peak memory (MiB) of this process and its largest worker over ``label``'s stages,
        those measured in earlier runs included."""
        own, children = peak_mib()
        for step, figures in self.steps.items():
            if step.startswith(f"{label} "):
                own = max(own, float(figures.get("peak_mib", 0)))
                children = max(children, float(figures.get("worker_peak_mib", 0)))
        return own, children

    def record(self, step: str, **figures: Any) -> None:
        self.steps[step] = {**figures, "at": time.strftime("%Y-%m-%d %H:%M:%S")}
        if self.path is not None:
            partial = self.path.with_suffix(".tmp")
            partial.write_text(json.dumps(self.steps, indent=1), encoding="utf-8")
            partial.replace(self.path)


class Heartbeat:
    """Records a running step's time so far every minute, so a stopped run keeps it."""

    def __init__(self, progress: Progress, step: str, since: float) -> None:
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, args=(progress, step, since), daemon=True
        )
        self._thread.start()

    def _beat(self, progress: Progress, step: str, since: float) -> None:
        while not self._stopped.wait(60):
            progress.record(step, seconds=time.perf_counter() - since, load=load())

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


def load() -> str:
    """The machine's load averages, printed beside figures (the machines are shared)."""
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_stages(workspace: Workspace, label: str, progress: Progress) -> dict[str, float]:
    """Every stage in order, each printed (time, peak memory) as soon as it ends.

    A stage already recorded in ``progress`` is skipped with its recorded time.
    While a stage runs its time so far is recorded every minute; if the run is
    stopped and carried on, the stage's time is the sum of its attempts (an
    overstatement for a stage that keeps nothing of an interrupted attempt,
    close for extraction, which commits chunk by chunk).
    A stage that fails is reported and re-run once with its full path
    (``THREADLINE_RESOLVE_FULL=1``: another stage's incremental path may fail);
    if it fails again the analysis stops there and the figures so far stand.
    """
    seconds: dict[str, float] = {}
    for stage in registered_stages():
        before = progress.done(f"{label} {stage.name}")
        if before is not None:
            seconds[stage.name] = float(before["seconds"])
            continue
        step = f"{label} {stage.name}"
        earlier = float(progress.steps.get(f"{step} (unfinished)", {}).get("seconds", 0.0))
        if earlier:
            print(f"  {step}: carried on after {earlier:.1f} s in earlier attempts", flush=True)
        started = time.perf_counter()
        heartbeat = Heartbeat(progress, f"{step} (unfinished)", started - earlier)
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
        finally:
            heartbeat.stop()
        seconds[stage.name] = time.perf_counter() - started + earlier
        own, children = peak_mib()
        print(
            f"  {label} {stage.name}: {seconds[stage.name]:.1f} s "
            f"(peak so far {own:.0f} MiB, largest worker {children:.0f} MiB) "
            f"at {time.strftime('%H:%M:%S')}, {load()}",
            flush=True,
        )
        progress.record(
            f"{label} {stage.name}",
            seconds=seconds[stage.name],
            peak_mib=own,
            worker_peak_mib=children,
            load=load(),
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


class PhaseTimes:
    """A stage's progress, timed: wall seconds per phase it announces (reading, measuring ...)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._phase: str | None = None
        self._at = 0.0

    def start(self, description: str, total: int | None) -> None:
        self.close()
        self._phase, self._at = description, time.perf_counter()

    def advance(self, n: int = 1) -> None:
        pass

    def close(self) -> str:
        if self._phase is not None:
            spent = time.perf_counter() - self._at
            self.seconds[self._phase] = self.seconds.get(self._phase, 0.0) + spent
            self._phase = None
        return ", ".join(f"{k} {v:.2f} s" for k, v in self.seconds.items())


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
                phases = PhaseTimes()
                report = stage.run(workspace, phases)
                seconds[stage.name] = time.perf_counter() - started
                print(
                    f"  {attempt} {stage.name}: {seconds[stage.name]:.1f} s ({load()}) "
                    f"{report.counts}\n    phases: {phases.close()}"
                )
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


def bench(
    scale: float,
    seed: int,
    root: Path,
    *,
    evaluate_it: bool,
    oracle: bool,
    bundle_from: Path | None = None,
    remember: bool = False,
) -> None:
    progress = Progress(root / f"progress-{scale}.json" if remember else None)
    bundle = bundle_from or root / f"bundle-{scale}"
    if bundle_from is None and progress.done("generate") is None:
        shutil.rmtree(bundle, ignore_errors=True)
        started = time.perf_counter()
        generate(bundle, seed=seed, scale=scale)
        progress.record("generate", seconds=time.perf_counter() - started, seed=seed)
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    records = sum(1 for _ in (bundle / "records.jsonl").open(encoding="utf-8"))
    print(f"\n== scale {scale}, {records} records, bundle {bundle}: {manifest['name']}")
    first = root / f"first-{scale}"
    if not first.exists():
        partial_bundle(bundle, first, 0.01)
    held = records - sum(1 for _ in (first / "records.jsonl").open(encoding="utf-8"))
    workspace = Workspace.create(Settings(workspace=root / f"ws-{scale}"))
    try:
        if progress.done("import 99%") is None:
            started = time.perf_counter()
            import_path(Importer(workspace), first)
            took = time.perf_counter() - started
            print(f"import of {records - held} records: {took:.1f} s, {load()}", flush=True)
            progress.record("import 99%", seconds=took, records=records - held, load=load())
        seconds = run_stages(workspace, "analyse", progress)
        total = sum(seconds.values())
        print(
            "analyse, per stage (s): "
            + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items())
            + f"; total {total:.1f}"
        )
        own, children = progress.peaks("analyse")
        print(f"peak memory: {own:.0f} MiB (this process), {children:.0f} MiB (largest worker)")
        if progress.done("import 1% more") is None:
            started = time.perf_counter()
            import_path(Importer(workspace), bundle)
            took = time.perf_counter() - started
            print(f"import of {held} more records (1%): {took:.1f} s, {load()}", flush=True)
            progress.record("import 1% more", seconds=took, records=held, load=load())
        again = run_stages(workspace, "re-analyse", progress)
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
    parser.add_argument(
        "--keep",
        type=Path,
        help="Work here and keep it (default: a temp dir); run again to carry on.",
    )
    parser.add_argument(
        "--bundle", type=Path, help="Use this bundle (with truth.json) instead of generating one."
    )
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="threadline-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        for index, scale in enumerate(args.scale or [1.0]):
            if args.detection_only:
                bench_detection(scale, args.seed + index, root)
            else:
                bench(
                    scale,
                    args.seed + index,
                    root,
                    evaluate_it=args.evaluate,
                    oracle=args.oracle,
                    bundle_from=args.bundle,
                    remember=args.keep is not None,
                )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
