"""Benchmark: `threadline import` throughput and peak memory, against a bare baseline.

Writes bundles of N records (default 50,000 and 200,000), imports each into a
fresh workspace in a child process, and prints records per second and the
child's peak resident memory. Memory must not grow with bundle size (the import
streams), so the two sizes' peaks are printed side by side.

The baseline, measured in the same run on the same bundle, is the least any
importer must do: parse every line with ``json.loads`` and insert it as one
row into SQLite in one transaction. The ratio says what validation, staging,
set-wise checks, versioning and the typed tables cost on top.

With ``--postgres`` each bundle is also imported into a fresh PostgreSQL
database (``THREADLINE_TEST_POSTGRES_URL``, or a private cluster as the tests
start one), and the time is printed beside SQLite's, measured in the same run.

    .venv/bin/python bench/import.py [--records 50000 200000] [--keep DIR] [--postgres]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

FORENAMES = ["Mohammed", "Aaliyah", "Piotr", "Chloe", "Tariq", "Niamh", "Kwame", "Mei", "Daniel"]
SURNAMES = ["ALI", "Kowalski", "Brown", "Okafor", "Hussain", "O'Neill", "Chen", "Popescu", "Smith"]


def write_bundle(root: Path, records: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    (root / "files").mkdir(parents=True)
    (root / "manifest.json").write_text(
        json.dumps({"format": "threadline-bundle", "version": 1, "name": "bench"})
    )
    ops = [{"id": "UMB", "kind": "umbrella", "status": "open"}] + [
        {"id": f"OP{i}", "kind": "closed", "parent": "UMB", "status": "closed"} for i in range(8)
    ]
    (root / "operations.jsonl").write_text("".join(json.dumps(o) + "\n" for o in ops))
    with (root / "records.jsonl").open("w") as out:
        for i in range(records):
            year = rng.randint(1997, 2020)
            subjects = [
                {
                    "ref": f"R{i:07d}/S{j}",
                    "role": rng.choice(["suspect", "victim", "witness", "associate"]),
                    "name": f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}",
                    "dob": f"{rng.randint(1950, 2008)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                    "phones": [f"07700 900{rng.randint(0, 999):03d}"],
                    "vehicles": [f"RV{rng.randint(10, 69)} K{rng.choice('ABCDEFG')}X"],
                }
                for j in range(1, 3)
            ]
            grading = (
                {
                    "system": "5x5x5",
                    "source": rng.choice("ABCDE"),
                    "intelligence": rng.choice("12345"),
                    "handling": "1",
                }
                if year < 2016
                else {
                    "system": "3x5x2",
                    "source": rng.choice("123"),
                    "intelligence": rng.choice("ABCDE"),
                    "handling": "P",
                }
            )
            record = {
                "id": f"R{i:07d}",
                "operation": f"OP{i % 8}",
                "kind": rng.choice(["intelligence", "crime", "statement", "referral"]),
                "date": f"{year}-0{rng.randint(1, 9)}-{rng.randint(10, 28)}",
                "title": "Concern for welfare",
                "text": "Female, 14, seen getting into silver Astra outside takeaway on Wellgate. "
                "Driver known as 'Bash'. Information passed to CSE team for development. " * 2,
                "grading": grading,
                "subjects": subjects,
                "locations": [
                    {"address": f"{rng.randint(1, 99)} Wellgate, Riverton", "postcode": "RV6 1AA"}
                ],
                "links": [{"to": f"R{rng.randint(0, records - 1):07d}", "kind": "related"}],
            }
            out.write(json.dumps(record) + "\n")
    (root / "actions.jsonl").write_text("")
    (root / "events.jsonl").write_text("")


BASELINE = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE items (id TEXT PRIMARY KEY, raw TEXT)")
db.execute("BEGIN")
batch = []
with open(sys.argv[1], "rb") as f:
    for line in f:
        value = json.loads(line)
        batch.append((value["id"], line.decode()))
        if len(batch) == 1000:
            db.executemany("INSERT INTO items VALUES (?, ?)", batch); batch = []
db.executemany("INSERT INTO items VALUES (?, ?)", batch)
db.execute("COMMIT")
"""


MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process.

    The child runs under a fresh intermediate process, so that the peak is its
    own and not the largest of every child this benchmark has run.
    """
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *args], env=env, check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    return wall, int(out.stdout.split()[-1]) / 1024


def postgres_database(server: str, name: str) -> str:
    """A fresh database ``name`` on ``server``; its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    return url.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--keep", type=Path, help="keep bundles and workspaces here")
    parser.add_argument("--postgres", action="store_true", help="also import into PostgreSQL")
    args = parser.parse_args()
    with ExitStack() as stack:
        server = None
        if args.postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
            support = importlib.import_module("support.postgres")  # the tests' private cluster
            server = stack.enter_context(support.postgres_server())
            if server is None:
                parser.error("no PostgreSQL: set THREADLINE_TEST_POSTGRES_URL")
        measure(args.records, args.keep, server)


def measure(sizes: list[int], keep: Path | None, server: str | None) -> None:
    base = keep or Path(tempfile.mkdtemp(prefix="threadline-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    print(
        f"{'records':>9} {'import s':>9} {'rec/s':>8} {'peak MiB':>9} {'baseline s':>11} {'ratio':>6} {'bundle MiB':>11}"
    )
    try:
        for n in sorted(sizes):
            bundle = base / f"bundle-{n}"
            if not bundle.exists():
                write_bundle(bundle, n)
            size = (bundle / "records.jsonl").stat().st_size / 2**20
            workspace = base / f"workspace-{n}"
            shutil.rmtree(workspace, ignore_errors=True)
            env = os.environ | {"THREADLINE_WORKSPACE": str(workspace)}
            env.pop("THREADLINE_DATABASE_URL", None)
            cli = [python, "-c", "from threadline.cli.main import run; run()"]
            subprocess.run([*cli, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
            wall, peak = run_child([*cli, "import", str(bundle)], env)
            baseline_db = base / f"baseline-{n}.db"
            baseline_db.unlink(missing_ok=True)
            base_wall, _ = run_child(
                [python, "-c", BASELINE, str(bundle / "records.jsonl"), str(baseline_db)], env
            )
            print(
                f"{n:>9,} {wall:>9.1f} {n / wall:>8,.0f} {peak:>9.0f} {base_wall:>11.1f} {wall / base_wall:>6.1f} {size:>11.0f}"
            )
            if server is not None:
                pg_workspace = base / f"workspace-{n}-pg"
                shutil.rmtree(pg_workspace, ignore_errors=True)
                pg_env = env | {
                    "THREADLINE_WORKSPACE": str(pg_workspace),
                    "THREADLINE_DATABASE_URL": postgres_database(server, f"bench_import_{n}"),
                }
                subprocess.run([*cli, "init"], env=pg_env, check=True, stdout=subprocess.DEVNULL)
                pg_wall, pg_peak = run_child([*cli, "import", str(bundle)], pg_env)
                print(
                    f"{'':>9} {pg_wall:>9.1f} {n / pg_wall:>8,.0f} {pg_peak:>9.0f} "
                    f"PostgreSQL: {pg_wall / wall:.2f} x SQLite's import"
                )
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
