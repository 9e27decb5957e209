"""How long ``threadline synth`` takes, and how much memory, at scale 100 (about 200,000 records).

Each run is a fresh Python process, so its peak resident memory is measured
alone: ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` read after the child ends. By
default the child calls ``threadline.synth.generate`` (the generator alone);
``--cli`` runs ``threadline synth`` instead, which also pays for importing every
command of the CLI. A scale-1 run first gives the baseline, and the big run's
cost per record is printed as a ratio to it (near 1 means generation stays
linear). The target is scale 100 under 1 GB.

    .venv/bin/python bench/synth.py [--scale 100] [--seed 1] [--keep DIR] [--cli]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LIBRARY = (
    "import json, sys; from pathlib import Path; from threadline.synth import generate; "
    "s = generate(Path(sys.argv[1]), scale=float(sys.argv[2]), seed=int(sys.argv[3])); "
    "print(json.dumps(s.to_json()))"
)


def run(out: Path, scale: float, seed: int, cli: bool) -> tuple[float, dict[str, Any], float]:
    """Generate one bundle in a child process: seconds, summary, and the child's peak RSS in MB."""
    if cli:
        command = [
            sys.executable,
            "-c",
            "from threadline.cli.main import app; app()",
            "synth",
            "--out",
            str(out),
            "--scale",
            str(scale),
            "--seed",
            str(seed),
            "--json",
        ]
    else:
        command = [sys.executable, "-c", LIBRARY, str(out), str(scale), str(seed)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    # ru_maxrss of children is the largest of any child so far (kilobytes on Linux),
    # so the runs go from small to large.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, json.loads(done.stdout), peak_mb


def size_mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=100.0, help="the big run's scale")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the big bundle here and keep it")
    parser.add_argument("--cli", action="store_true", help="run `threadline synth` itself")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as scratch:
        root = Path(scratch)
        rows = []
        for scale in (1.0, args.scale):
            out = args.keep if (args.keep and scale == args.scale) else root / f"scale-{scale:g}"
            seconds, summary, peak = run(out, scale, args.seed, args.cli)
            records = int(summary["records"])
            rows.append((scale, records, seconds, peak, size_mb(out)))
            last = summary
        base_per_record = rows[0][2] / rows[0][1]
        print(
            f"{'scale':>7} {'records':>9} {'seconds':>8} {'records/s':>10} "
            f"{'peak RSS MB':>12} {'bundle MB':>10} {'s/record vs scale 1':>20}"
        )
        for scale, records, seconds, peak, size in rows:
            ratio = (seconds / records) / base_per_record
            print(
                f"{scale:>7g} {records:>9,} {seconds:>8.1f} {records / seconds:>10,.0f} "
                f"{peak:>12,.0f} {size:>10,.0f} {ratio:>20.2f}"
            )
        print(
            f"scale {args.scale:g}: {last['planted']:,} opportunities planted, "
            f"{len(last['planted_missing'])} not found, "
            f"{len(last['near_misses_spoiled'])} near-misses spoiled, "
            f"{last['phones_reused']:,} phone numbers recycled"
        )
        big_peak = rows[-1][3]
        verdict = "under" if big_peak < 1024 else "OVER"
        print(
            f"peak memory at scale {args.scale:g}: {big_peak:,.0f} MB ({verdict} the 1 GB target)"
        )


if __name__ == "__main__":
    main()
