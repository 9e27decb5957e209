"""Benchmark: latency of the main pages and API calls under concurrent users, on loopback.

Builds (or reuses) a synthetic workspace at the given scale (default 10, about
20,000 records), creates one account per simulated user, starts
``threadline serve`` in a child process on 127.0.0.1, and has N users (default
20) sign in and then, all at once, work through rounds of the main screens and
API calls, each user with its own session. It prints p50 and p95 latency per
page or call, requests per second, and each p50 as a ratio to the baseline
measured in the same run: a static file served by the same server under the
same load. Each simulated user runs in its own process (the floor any request pays for the server, the loopback and the
client), so the load tool does not queue its users behind one GIL.

    .venv/bin/python bench/web.py [--scale 10] [--users 20] [--rounds 5] [--dir DIR]
                                  [--analyse] [--workers 1]

``--dir`` keeps the workspace between runs (generation and import at scale 10
take minutes); ``--analyse`` runs the analysis too, which adds the entity page.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from threadline.analyse.pipeline import analyse
from threadline.ingest import import_bundle
from threadline.security import accounts
from threadline.settings import Settings
from threadline.store.entity_models import Entity
from threadline.store.models import Operation, Record, Subject
from threadline.synth import generate
from threadline.workspace import Workspace

PASSWORD = "bench password 123"


def prepare(
    root: Path, scale: float, users: int, run_analysis: bool, database_url: str | None
) -> dict[str, list[str]]:
    settings = Settings(workspace=root / "workspace", database_url=database_url)
    bundle = root / f"bundle-{scale:g}"
    if not (bundle / "manifest.json").exists():
        started = time.perf_counter()
        generate(bundle, seed=11, scale=scale)
        print(f"generated scale {scale:g} in {time.perf_counter() - started:.0f} s", flush=True)
    workspace = Workspace.create(settings)
    try:
        with workspace.reading() as session:
            imported = session.scalar(select(Record.id).limit(1)) is not None
        if not imported:  # a workspace reused with --dir keeps what it holds
            started = time.perf_counter()
            import_bundle(workspace, bundle)
            print(f"imported in {time.perf_counter() - started:.0f} s", flush=True)
        with workspace.reading() as session:
            analysed = session.scalar(select(Entity.id).limit(1)) is not None
        if run_analysis and not analysed:
            started = time.perf_counter()
            analyse(workspace)
            print(f"analysed in {time.perf_counter() - started:.0f} s", flush=True)
        with workspace.transaction() as session:
            ops = list(session.scalars(select(Operation.id)))
            for n in range(users):
                name = f"bench{n:02d}"
                if accounts.find_user(session, name) is None:
                    # Most are reviewers; every third an analyst, whose views are redacted.
                    role = "analyst" if n % 3 == 2 else "reviewer"
                    accounts.create_user(
                        session, username=name, password=PASSWORD, role=role, operations=ops
                    )
        with workspace.reading() as session:
            rng = random.Random(5)
            records = list(session.scalars(select(Record.id)))
            names = [
                n.split()[-1]
                for n in session.scalars(
                    select(Subject.name).where(Subject.role == "suspect").limit(2000)
                )
                if n and len(n.split()[-1]) > 3
            ]
            entities = list(
                session.scalars(select(Entity.id).where(Entity.type == "person").limit(2000))
            )
        return {
            "operations": ops,
            "records": rng.sample(records, min(500, len(records))),
            "names": rng.sample(names, min(50, len(names))),
            "entities": rng.sample(entities, min(200, len(entities))),
            "count": [str(len(records))],
        }
    finally:
        workspace.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sign_in(client: httpx.Client, name: str) -> str:
    page = client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    response = client.post(
        "/signin",
        data={"username": name, "password": PASSWORD, "notice": "yes", "csrf_token": token[1]},
    )
    assert response.status_code == 200 and "Dashboard" in response.text, "sign-in failed"
    return token[1]


def user_session(
    base: str,
    name: str,
    data: dict[str, list[str]],
    rounds: int,
    barrier: Any,
    results: Any,
    seed: int,
) -> None:
    """One simulated user, in its own process so that the load tool's own Python does
    not share a GIL with the other users."""
    rng = random.Random(seed)
    timings: list[tuple[str, float]] = []
    with httpx.Client(base_url=base, follow_redirects=True, timeout=120) as client:
        sign_in(client, name)
        barrier.wait()
        for _ in range(rounds):
            record = rng.choice(data["records"])
            calls = [
                ("static file (baseline)", "/static/app.css"),
                ("GET /api/me (session only)", "/api/me"),
                ("dashboard", "/"),
                ("operation page", f"/operations/{rng.choice(data['operations'])}"),
                ("record page", f"/records/{record}"),
                ("GET /api/records/{id}", f"/api/records/{record}"),
                ("search page (name)", f"/search?q={rng.choice(data['names'])}"),
                ("GET /api/search (name)", f"/api/search?q={rng.choice(data['names'])}"),
            ]
            if data["entities"]:
                entity = rng.choice(data["entities"])
                calls.append(("entity page", f"/entities/{entity}"))
                calls.append(("GET /api/entities/{id}/graph", f"/api/entities/{entity}/graph"))
            rng.shuffle(calls)
            for label, path in calls:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status_code}")
                timings.append((label, elapsed))
    results.put(timings)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--analyse", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("THREADLINE_DATABASE_URL"),
        help="a PostgreSQL URL (default THREADLINE_DATABASE_URL; SQLite without)",
    )
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="threadline-bench-web-"))
    root.mkdir(parents=True, exist_ok=True)
    data = prepare(root, args.scale, args.users, args.analyse, args.database_url)
    port = free_port()
    env = dict(os.environ, THREADLINE_WORKSPACE=str(root / "workspace"))
    env.pop("THREADLINE_DATABASE_URL", None)
    if args.database_url:
        env["THREADLINE_DATABASE_URL"] = args.database_url
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("threadline")),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                httpx.get(f"{base}/signin", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        timings: dict[str, list[float]] = defaultdict(list)
        barrier = multiprocessing.Barrier(args.users + 1)
        results: multiprocessing.Queue[list[tuple[str, float]]] = multiprocessing.Queue()
        users = [
            multiprocessing.Process(
                target=user_session,
                args=(base, f"bench{n:02d}", data, args.rounds, barrier, results, n),
            )
            for n in range(args.users)
        ]
        for user in users:
            user.start()
        barrier.wait()
        load_before = os.getloadavg()
        started = time.perf_counter()
        for _ in users:
            for label, elapsed in results.get(timeout=3600):
                timings[label].append(elapsed)
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
        for user in users:
            user.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in timings.values())
    baseline = statistics.median(timings["static file (baseline)"])
    print(
        f"\nthreadline web, scale {args.scale:g} ({data['count'][0]} records), "
        f"{args.users} concurrent users, {args.rounds} rounds each, "
        f"{args.workers} uvicorn worker(s), "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}, loopback"
    )
    print(
        "load average (1, 5, 15 min) at the start "
        + ", ".join(f"{v:.1f}" for v in load_before)
        + "; at the end "
        + ", ".join(f"{v:.1f}" for v in load_after)
    )
    print(f"{total} requests in {wall:.1f} s: {total / wall:.1f} requests/s\n")
    print(f"{'page or call':32} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'p50 / baseline':>15}")
    for label, values in sorted(timings.items(), key=lambda kv: statistics.median(kv[1])):
        p50 = statistics.median(values)
        print(
            f"{label:32} {len(values):5d} {p50 * 1000:9.1f} "
            f"{percentile(values, 0.95) * 1000:9.1f} {p50 / baseline:15.1f}"
        )
    if args.dir is None:
        print(f"\n(workspace left in {root}; pass --dir to reuse it)")


if __name__ == "__main__":
    main()
