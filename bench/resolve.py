"""Benchmark: the resolve stage on a million person subjects, against bare Splink.

Writes a bundle of N person subjects (default 1,000,000): true persons drawn
from the synthetic generator's mixed name pool, each recorded one to many
times with the slips real records carry (transliterations, typos, order and
case, initials, missing fields, an age instead of a date of birth, dates of
birth off by a day, a year or with day and month swapped, old addresses,
other phones), and same-named different people. It imports the bundle into a
fresh workspace, then measures, each in a child process of its own:

1. **stage**: ``ResolveStage`` in full on the workspace (reading subjects from
   the database, training on a sample, predicting, clustering, writing every
   entity back): wall time, peak resident memory, pairwise and B-cubed F1;
2. **baseline**: bare Splink doing the same dedupe of the same subjects (read
   from the bundle, names split by ``parse_name``) as Splink's tutorials set
   it up: ``NameComparison`` on forename and surname,
   ``DateOfBirthComparison``, ``PostcodeComparison``, ``ExactMatch`` on
   gender, blocking on forename and surname and on date of birth, the prior
   from a deterministic rule, u by random sampling, m by EM on the same two
   blocking rules, prediction and clustering at match probability 0.95
   (tutorials 04 and 05). At a million records Splink's documentation says
   to cap the pairs each step uses (tutorial 09, "Scaling up to large
   datasets"; "Drivers of performance"), and so does this baseline: u from
   10 million random pairs (tutorial 04: "at least 10 million" for large
   datasets) and each EM session on at most 10 million blocked pairs
   (``max_pairs=1e7``, tutorial 09). ``--baseline-defaults`` leaves both at
   the defaults instead (u from a million pairs, EM on every blocked pair:
   84 million same-name pairs at a million subjects, 43 minutes);
3. **added**: a second bundle with ``--added`` (default 1%) more subjects
   (new sightings of known persons and new persons) is imported, and the
   stage's incremental run over it is timed against the full run.

    .venv/bin/python bench/resolve.py [--subjects 1000000] [--added 0.01] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from threadline.synth.identifiers import _all_numbers
from threadline.synth.names import draw_name, forename_variants, surname_variants, typo

# Every drama-range number Ofcom reserves (about 14,000), mobile and landline: with
# only the 1,000 mobile numbers, hundreds of unrelated people shared each phone,
# which no real workspace shows and which made "same phone" a block of thousands.
PHONES = [number for numbers in _all_numbers() for number in numbers]

GENDERS = ("male", "female")
STREETS = (
    "Canal Street",
    "Wellgate",
    "Heron Way",
    "Mill Lane",
    "Station Road",
    "Park Avenue",
    "Church Street",
    "Bridge Close",
    "Moor Way",
    "Slate Walk",
    "Rowan Row",
    "Dyer Grove",
)


# -- the bundle -----------------------------------------------------------------------------------


def make_person(rng: random.Random, pid: int) -> dict[str, Any]:
    gender = rng.choice(GENDERS)
    name = draw_name(rng, gender)
    year = rng.randrange(1945, 2010)
    return {
        "pid": pid,
        "forename": name.forename,
        "surname": name.surname,
        "gender": gender,
        "dob": f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        "addresses": [
            (
                f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, Cindermoor",
                f"CQ{rng.randrange(1, 10)} {rng.randrange(10)}{rng.choice('ABDEHJLNPRSTUWXYZ')}"
                f"{rng.choice('ABDEHJLNPRSTUWXYZ')}",
            )
            for _ in range(rng.choice((1, 1, 2)))
        ],
        "phones": [rng.choice(PHONES) for _ in range(rng.choice((0, 1, 1, 2)))],
        "nominal": f"NICHE-{rng.randrange(10**7):07d}",
    }


def sighting(rng: random.Random, person: dict[str, Any], ref: str, year: int) -> dict[str, Any]:
    """One subject: what one source system recorded about the person, slips included."""
    forename, surname = person["forename"], person["surname"]
    if rng.random() < 0.15:
        forename = rng.choice(forename_variants(forename))
    if rng.random() < 0.1:
        surname = rng.choice(surname_variants(surname))
    if rng.random() < 0.08:
        forename = typo(forename, rng)
    if rng.random() < 0.08:
        surname = typo(surname, rng)
    style = rng.random()
    if style < 0.4:
        name = f"{forename} {surname.upper()}"
    elif style < 0.6:
        name = f"{surname.upper()}, {forename}"
    elif style < 0.7:
        name = f"{surname.upper()} {forename}"
    elif style < 0.78:
        name = f"{forename} {surname}"
    elif style < 0.86:
        name = f"{surname.upper()} {forename[0]}"
    elif style < 0.9:
        name = surname.upper()
    else:
        name = f"{forename.upper()} {surname.upper()}"
    subject: dict[str, Any] = {"ref": ref, "role": "suspect", "name": name}
    if rng.random() < 0.7:
        dob = person["dob"]
        slip = rng.random()
        if slip < 0.04:
            dob = f"{int(dob[:4]) + rng.choice((-1, 1))}{dob[4:]}"
        elif slip < 0.07 and int(dob[8:]) <= 12:
            dob = f"{dob[:5]}{dob[8:]}-{dob[5:7]}"
        elif slip < 0.1:
            dob = f"{dob[:8]}{min(28, max(1, int(dob[8:]) + rng.choice((-1, 1)))):02d}"
        subject["dob"] = dob
    elif rng.random() < 0.5:
        subject["age"] = max(0, year - int(person["dob"][:4]) + rng.choice((-1, 0, 0, 0)))
    if rng.random() < 0.7:
        subject["gender"] = person["gender"]
    if rng.random() < 0.6:
        address, postcode = rng.choice(person["addresses"])
        subject["address"] = address if rng.random() < 0.7 else address.split(",")[0].upper()
        if rng.random() < 0.7:
            subject["postcode"] = postcode
    if person["phones"] and rng.random() < 0.4:
        subject["phones"] = [rng.choice(person["phones"])]
    if rng.random() < 0.3:
        subject["nominal"] = person["nominal"]
    return subject


def write_bundle(
    root: Path,
    subjects: int,
    seed: int,
    persons: list[dict[str, Any]],
    *,
    prefix: str,
    new_persons: float,
) -> dict[str, int]:
    """Records holding ``subjects`` subjects; returns ref → true person id."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    (root / "manifest.json").write_text(
        json.dumps({"format": "threadline-bundle", "version": 1, "name": "bench resolve"})
    )
    ops = [{"id": f"OP{i}", "kind": "closed", "status": "closed"} for i in range(20)]
    (root / "operations.jsonl").write_text("".join(json.dumps(o) + "\n" for o in ops))
    truth: dict[str, int] = {}
    written = 0
    record = 0
    with (root / "records.jsonl").open("w") as out:
        while written < subjects:
            record += 1
            rid = f"{prefix}-{record:07d}"
            year = rng.randrange(1995, 2020)
            items = []
            for k in range(min(rng.choice((1, 2, 3, 4)), subjects - written)):
                if not persons or rng.random() < new_persons:
                    persons.append(make_person(rng, len(persons)))
                    person = persons[-1]
                else:
                    # Some people recur far more than others (a few are named again and again).
                    person = persons[int(len(persons) * rng.random() ** 1.5)]
                ref = f"{rid}/S{k + 1}"
                items.append(sighting(rng, person, ref, year))
                truth[ref] = person["pid"]
            written += len(items)
            out.write(
                json.dumps(
                    {
                        "id": rid,
                        "operation": f"OP{rng.randrange(20)}",
                        "kind": "intelligence",
                        "date": f"{year}-06-01",
                        "subjects": items,
                    }
                )
                + "\n"
            )
    return truth


# -- scoring ----------------------------------------------------------------------------------------


def scores(truth: dict[str, int], clusters: dict[str, Any]) -> dict[str, float]:
    """Pairwise and B-cubed F1 over the truth's refs (threadline.evaluate's definitions)."""
    from threadline.evaluate.resolution import bcubed, contingency, pairwise

    refs = list(truth)
    table = contingency([truth[r] for r in refs], [clusters.get(r, r) for r in refs])
    pair = pairwise(table)
    cubed = bcubed(table)
    return {"pairwise_f1": float(pair.f1 or 0.0), "bcubed_f1": float(cubed.f1 or 0.0)}


# -- the children ---------------------------------------------------------------------------------


class PhaseTimes:
    """A stage progress that keeps the wall time of each phase the stage announces."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._current: str | None = None
        self._since = time.perf_counter()
        self._cpu_since = cpu_seconds()

    def start(self, description: str, total: int | None) -> None:
        self.stop()
        self._current, self._since = description, time.perf_counter()
        self._cpu_since = cpu_seconds()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {time.strftime('%H:%M:%S')} {description} (peak so far {rss:.0f} MB)", flush=True)

    def advance(self, n: int = 1) -> None:
        pass

    def stop(self) -> None:
        if self._current is not None:
            elapsed = time.perf_counter() - self._since
            self.phases[self._current] = round(self.phases.get(self._current, 0.0) + elapsed, 2)
            cpu = cpu_seconds() - self._cpu_since
            self.cpu[self._current] = round(self.cpu.get(self._current, 0.0) + cpu, 2)
            self._current = None


def child_stage(workspace: Path, truth_path: Path, out: Path) -> None:
    from threadline.resolve.export import entity_objects
    from threadline.resolve.stage import ResolveStage
    from threadline.settings import Settings
    from threadline.workspace import Workspace

    ws = Workspace.open(Settings(workspace=workspace))
    phases = PhaseTimes()
    profile = os.environ.get("BENCH_PROFILE")
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu_before = time.perf_counter(), cpu_seconds()
    report = ResolveStage().run(ws, phases)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    phases.stop()
    if profiler is not None and profile:
        import pstats

        profiler.disable()
        with open(f"{profile}.{truth_path.stem}", "w") as stream:
            pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(60)
    result: dict[str, Any] = {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "phases": phases.phases,
        "phase_cpu": phases.cpu,
        "counts": report.counts,
        "notes": report.notes,
    }
    if truth_path.is_file():
        truth = {k: int(v) for k, v in json.loads(truth_path.read_text()).items()}
        with ws.reading() as session:
            clusters = {
                ref: obj["id"]
                for obj in entity_objects(session, type_="person")
                for ref in obj["subjects"]
            }
        result.update(scores(truth, clusters))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ws.close()
    out.write_text(json.dumps(result))


BASELINE_U_PAIRS = 1e7
"""Random pairs for bare Splink's u: "at least 10 million" for large datasets (Splink's
tutorial 04, "Estimating model parameters"; the default is a million)."""
BASELINE_EM_PAIRS = 1e7
"""The most blocked pairs each of bare Splink's EM sessions uses (``max_pairs``, as Splink's
tutorial 09, "Scaling up to large datasets", passes it; the default is every pair)."""


def _subjects_from_bundle(bundle: Path) -> Iterator[dict[str, Any]]:
    with (bundle / "records.jsonl").open() as lines:
        for line in lines:
            yield from json.loads(line)["subjects"]


def child_baseline(bundle: Path, truth_path: Path, out: Path, *, defaults: bool = False) -> None:
    import duckdb
    import pyarrow as pa  # type: ignore[import-untyped]
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink import comparison_library as cl

    from threadline.domain.normalise import name_key, normalise_postcode, parse_name

    started, cpu_before = time.perf_counter(), cpu_seconds()
    columns: dict[str, list[Any]] = {
        k: [] for k in ("unique_id", "ref", "first_name", "surname", "dob", "postcode", "gender")
    }
    for i, s in enumerate(_subjects_from_bundle(bundle)):
        parts = parse_name(s.get("name") or "")
        columns["unique_id"].append(i)
        columns["ref"].append(s["ref"])
        columns["first_name"].append(name_key(parts.forenames[0]) if parts.forenames else None)
        columns["surname"].append(name_key(parts.surname) if parts.surname else None)
        columns["dob"].append(s.get("dob"))
        columns["postcode"].append(normalise_postcode(s.get("postcode") or ""))
        columns["gender"].append(s.get("gender"))
    table = pa.table(columns)
    step("bare Splink: data read")
    # DuckDB held to the stage's memory cap (spilling beyond it), so that both sides run
    # under the same limit on a shared machine; everything else is Splink's default.
    memory = os.environ.get("THREADLINE_DUCKDB_MEMORY") or "4GB"
    scratch = tempfile.mkdtemp(prefix="bench-baseline-duckdb-")
    db_api = DuckDBAPI(duckdb.connect(config={"memory_limit": memory, "temp_directory": scratch}))
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("gender"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("dob"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(db_api.register(table), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    step("bare Splink: prior estimated; u by random sampling")
    # Splink's advice for large data (see the module's docstring), unless --baseline-defaults.
    if defaults:
        linker.training.estimate_u_using_random_sampling()
    else:
        linker.training.estimate_u_using_random_sampling(max_pairs=BASELINE_U_PAIRS)
    em_pairs = None if defaults else BASELINE_EM_PAIRS  # None: Splink's default, every pair
    step("bare Splink: u estimated; EM blocked on first_name and surname")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname"), max_pairs=em_pairs
    )
    step("bare Splink: first EM done; EM blocked on dob")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), max_pairs=em_pairs
    )
    step("bare Splink: training done; predicting")
    predictions = linker.inference.predict(threshold_match_probability=0.9)
    step("bare Splink: predicted; clustering")
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    ).as_pyarrow_table()  # type: ignore[no-untyped-call]
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    shutil.rmtree(scratch, ignore_errors=True)
    refs = columns["ref"]
    clusters = {
        refs[uid]: cid
        for uid, cid in zip(
            clustered["unique_id"].to_pylist(), clustered["cluster_id"].to_pylist(), strict=True
        )
    }
    truth = {k: int(v) for k, v in json.loads(truth_path.read_text()).items()}
    result = {"seconds": seconds, "cpu_seconds": cpu, **scores(truth, clusters)}
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps(result))


def step(what: str) -> None:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {time.strftime('%H:%M:%S')} {what} (peak so far {rss:.0f} MB)", flush=True)


def load() -> str:
    """The machine's load average over 1, 5 and 15 minutes (``uptime``)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def cpu_seconds() -> float:
    """User and system time of this process and its reaped children (worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Child:
    """One measured child process; ``result()`` waits for it and reads what it wrote."""

    def __init__(self, *args: str) -> None:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
            self.out = Path(f.name)
        self.started = time.perf_counter()
        self.process = subprocess.Popen([sys.executable, __file__, "--child", *args, str(self.out)])

    def result(self, timeout: float | None = None) -> dict[str, Any]:
        """What the child measured; after ``timeout`` seconds from its start, the child is
        stopped and only its wall time and peak memory so far are reported."""
        if timeout is not None:
            try:
                self.process.wait(max(0.0, timeout - (time.perf_counter() - self.started)))
            except subprocess.TimeoutExpired:
                return self._stop()
        if self.process.wait() != 0:
            raise SystemExit(f"a child failed: {self.process.args!r}")
        result: dict[str, Any] = json.loads(self.out.read_text())
        result["process_seconds"] = time.perf_counter() - self.started
        result["load_at_end"] = load()
        self.out.unlink()
        return result

    def _stop(self) -> dict[str, Any]:
        peak = 0.0
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
        seconds = time.perf_counter() - self.started
        self.process.kill()
        self.process.wait()
        self.out.unlink(missing_ok=True)
        return {"timed_out": True, "seconds": seconds, "peak_rss_mb": peak, "load_at_end": load()}


def run_child(*args: str) -> dict[str, Any]:
    return Child(*args).result()


def threadline(workspace: Path, *args: str) -> float:
    env = {**os.environ, "THREADLINE_WORKSPACE": str(workspace)}
    env.pop("THREADLINE_DATABASE_URL", None)
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "threadline"), *args],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def prepare(root: Path, subjects: int, added: float, seed: int) -> None:
    """Write the two bundles and import the first into ``root/imported`` (kept for reuse)."""
    if (root / "imported" / "done").is_file():
        print(f"reusing the bundles and imported workspace in {root}", flush=True)
        return
    for stale in ("bundle", "added", "imported"):
        shutil.rmtree(root / stale, ignore_errors=True)
    persons: list[dict[str, Any]] = []
    started = time.perf_counter()
    truth = write_bundle(root / "bundle", subjects, seed, persons, prefix="R", new_persons=0.3)
    (root / "truth.json").write_text(json.dumps(truth))
    more = int(subjects * added)
    truth_added = write_bundle(root / "added", more, seed + 1, persons, prefix="A", new_persons=0.3)
    (root / "truth-all.json").write_text(json.dumps({**truth, **truth_added}))
    print(
        f"bundle: {len(truth):,} subjects of {len(set(truth.values())):,} persons, "
        f"+{len(truth_added):,} added ({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    threadline(root / "imported", "init")
    print(
        f"import: {threadline(root / 'imported', 'import', str(root / 'bundle')):.0f} s", flush=True
    )
    (root / "imported" / "done").write_text("imported\n")


def report(
    share: float, stage: dict[str, Any], baseline: dict[str, Any] | None, added: dict[str, Any]
) -> None:
    print()
    print(
        f"{'':28} {'seconds':>9} {'CPU s':>9} {'peak MB':>9} {'pairwise F1':>12} "
        f"{'B-cubed F1':>11}  load at end"
    )
    rows = [("resolve stage (full)", stage)]
    if baseline:
        rows.append(("bare Splink", baseline))
    rows.append((f"stage, +{share:.0%} added (incr.)", added))
    for label, r in rows:
        if r.get("timed_out"):
            print(
                f"{label:28} {r['seconds']:9.1f} {'':>9} {r['peak_rss_mb']:9.0f} "
                f"{'stopped: did not finish':>24}  {r['load_at_end']}"
            )
            continue
        print(
            f"{label:28} {r['seconds']:9.1f} {r['cpu_seconds']:9.1f} {r['peak_rss_mb']:9.0f} "
            f"{r.get('pairwise_f1', 0):12.4f} {r.get('bcubed_f1', 0):11.4f}  {r['load_at_end']}"
        )
    if baseline and not baseline.get("timed_out"):
        print(
            f"stage / baseline: time {stage['seconds'] / baseline['seconds']:.2f}, "
            f"CPU {stage['cpu_seconds'] / baseline['cpu_seconds']:.2f}, "
            f"memory {stage['peak_rss_mb'] / baseline['peak_rss_mb']:.2f}"
        )
    elif baseline:
        print(f"stage / baseline: time < {stage['seconds'] / baseline['seconds']:.2f}")
    print(f"incremental / full: {added['seconds'] / stage['seconds']:.1%} ({added['notes']})")
    for label, r in (("full", stage), ("incremental", added)):
        print(f"phases, {label}: " + ", ".join(f"{k} {v:.1f} s" for k, v in r["phases"].items()))
        cpu = r.get("phase_cpu", {})
        if cpu:
            print(f"CPU s by phase, {label}: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        if kind == "stage":
            child_stage(Path(rest[0]), Path(rest[1]), Path(rest[2]))
        else:
            child_baseline(
                Path(rest[0]), Path(rest[1]), Path(rest[-1]), defaults="defaults" in rest[2:-1]
            )
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--added", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep",
        type=Path,
        help="Keep the bundles and the imported workspace here, and reuse them when there.",
    )
    parser.add_argument("--prepare-only", action="store_true", help="Stop after the import.")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--baseline-timeout",
        type=float,
        help="Stop bare Splink after this many seconds and report how far it got.",
    )
    parser.add_argument(
        "--baseline-defaults",
        action="store_true",
        help="Bare Splink with u and EM at their defaults, not capped as its docs advise at scale.",
    )
    parser.add_argument(
        "--parallel",
        action="store_true",
        help="Run the stage and the baseline at the same time (a busy machine loads both alike).",
    )
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="threadline-bench-resolve-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        prepare(root, args.subjects, args.added, args.seed)
        if args.prepare_only:
            return
        print(f"machine load (uptime): {load()}", flush=True)
        ws = root / "workspace"
        shutil.rmtree(ws, ignore_errors=True)
        shutil.copytree(root / "imported", ws)
        baseline_args: tuple[str, ...] = (
            "baseline",
            str(root / "bundle"),
            str(root / "truth.json"),
        )
        if args.baseline_defaults:
            baseline_args += ("defaults",)
        beside = None
        if args.parallel and not args.skip_baseline:
            # Side by side: on a shared machine both then see the same load.
            beside = Child(*baseline_args)
        stage = run_child("stage", str(ws), str(root / "truth.json"))
        print(f"stage: {json.dumps(stage)}", flush=True)
        print(f"import added: {threadline(ws, 'import', str(root / 'added')):.0f} s", flush=True)
        added = run_child("stage", str(ws), str(root / "truth-all.json"))
        print(f"added: {json.dumps(added)}", flush=True)
        baseline = None
        if not args.skip_baseline:
            # After the stage's runs, so that a baseline stopped at --baseline-timeout
            # still leaves the stage's figures measured.
            beside = beside or Child(*baseline_args)
            baseline = beside.result(timeout=args.baseline_timeout)
            print(f"baseline: {json.dumps(baseline)}", flush=True)
        print(f"machine load (uptime): {load()}", flush=True)
        report(args.added, stage, baseline, added)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
