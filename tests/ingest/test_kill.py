"""An import killed with SIGKILL part-way leaves the workspace as it was before.

A real ``threadline import`` runs in a child process on a bundle big enough to
take a few seconds, with original documents so that staging holds files. The
test watches the child through /proc (which file it has open, and how far it
has read) and kills it at a chosen point: while reading records, and after
reading everything (while checking and applying). Opening the workspace again
must find the same rows and files as before the import began.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.bundles import MANIFEST, OPERATIONS, write_bundle, write_jsonl
from tests.support.snapshot import snapshot
from threadline.ingest.importer import import_bundle
from threadline.settings import Settings
from threadline.workspace import Workspace

RECORDS = 30_000


def _big_bundle(root: Path) -> Path:
    root.mkdir()
    (root / "files").mkdir()
    (root / "manifest.json").write_text(json.dumps(MANIFEST))
    write_jsonl(root / "operations.jsonl", OPERATIONS)
    for i in range(20):
        (root / "files" / f"doc-{i}.txt").write_text(f"Statement number {i}.\n")
    with (root / "records.jsonl").open("w") as out:
        for i in range(RECORDS):
            record = {
                "id": f"INT-{i:06d}",
                "operation": "CLOVER",
                "kind": "intelligence",
                "date": "2004-06-12",
                "text": f"Log {i}: silver Astra seen at Wellgate.",
                "subjects": [{"ref": f"INT-{i:06d}/S1", "role": "suspect", "name": f"Person {i}"}],
            }
            if i % 1500 == 0:
                record["file"] = f"files/doc-{i // 1500}.txt"
            out.write(json.dumps(record) + "\n")
    write_jsonl(root / "actions.jsonl", [])
    write_jsonl(root / "events.jsonl", [])
    return root


def _open_file_position(pid: int, name: str) -> int | None:
    """How far process ``pid`` has read the open file called ``name``, or None if not open."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return None
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.endswith("/" + name):
            try:
                info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
            except OSError:
                return None
            return int(info.split("pos:")[1].split()[0])
    return None


def _wait_for(condition: object, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"import ended (exit {proc.returncode}) before the kill point")
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.005)
    pytest.fail("kill point not reached in time")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["reading records", "checking and applying"])
def test_sigkill_part_way_leaves_the_workspace_as_before(
    tmp_path: Path, settings: Settings, point: str
) -> None:
    bundle = _big_bundle(tmp_path / "bundle")
    workspace = Workspace.create(settings)
    import_bundle(workspace, write_bundle(tmp_path / "small"))
    before = snapshot(workspace)
    workspace.close()

    env = os.environ | {"THREADLINE_WORKSPACE": str(settings.workspace)}
    if settings.database_url:
        env["THREADLINE_DATABASE_URL"] = settings.database_url
    proc = subprocess.Popen(
        [sys.executable, "-c", "from threadline.cli.main import run; run()", "import", str(bundle)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    size = (bundle / "records.jsonl").stat().st_size
    try:
        if point == "reading records":
            _wait_for(
                lambda: (_open_file_position(proc.pid, "records.jsonl") or 0) > size // 3, proc
            )
        else:
            seen = {"records": False}

            def past_reading() -> bool:
                # records.jsonl was open and now is closed: the (empty) actions
                # and events files take no time, so the import is checking or
                # applying what it staged.
                if _open_file_position(proc.pid, "records.jsonl") is not None:
                    seen["records"] = True
                    return False
                return seen["records"]

            _wait_for(past_reading, proc)
        staged = list((settings.workspace / "staging").glob("*/*"))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert staged, "the import had staged originals when it was killed"

    reopened = Workspace.open(settings)
    try:
        assert snapshot(reopened) == before
        assert not any((settings.workspace / "staging").iterdir())
    finally:
        reopened.close()
