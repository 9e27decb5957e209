"""The audit chain: appended in the caller's transaction; edits, deletions, reordering and
truncation all caught by verify."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from threadline.cli.main import app
from threadline.security import audit
from threadline.store.security_models import AuditEvent
from threadline.workspace import Workspace


def _fill(workspace: Workspace, n: int = 6) -> dict[str, object]:
    for i in range(n):
        with workspace.transaction() as session:
            audit.append(session, username="ana", action="view-record", target=f"R-{i}")
    with workspace.reading() as session:
        return audit.head(session)


def test_a_clean_chain_verifies(workspace: Workspace) -> None:
    head = _fill(workspace)
    with workspace.reading() as session:
        result = audit.verify(session, head)
    assert result.ok and result.events == 6
    assert head["seq"] == 6


def test_an_event_rolled_back_with_its_transaction_leaves_no_trace(workspace: Workspace) -> None:
    _fill(workspace, 2)
    with pytest.raises(RuntimeError), workspace.transaction() as session:
        audit.append(session, username="ana", action="export", target="ALPHA")
        raise RuntimeError("the export failed")
    with workspace.reading() as session:
        assert audit.head(session)["seq"] == 2
        assert audit.verify(session).ok


def _tamper(workspace: Workspace, how: str) -> None:
    with workspace.transaction() as session:
        if how == "edit":
            session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(target="R-99"))
        elif how == "delete":
            session.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
        elif how == "reorder":
            a, b = session.scalars(select(AuditEvent).where(AuditEvent.seq.in_([2, 3]))).all()
            fields = ("at", "username", "action", "target", "outcome", "prev_hash", "hash")
            values_a = {f: getattr(a, f) for f in fields}
            values_b = {f: getattr(b, f) for f in fields}
            for f in fields:
                setattr(a, f, values_b[f])
                setattr(b, f, values_a[f])
        elif how == "truncate":
            session.execute(delete(AuditEvent).where(AuditEvent.seq >= 5))


@pytest.mark.parametrize("how", ["edit", "delete", "reorder", "truncate"])
def test_tampering_is_caught(workspace: Workspace, how: str) -> None:
    head = _fill(workspace)
    _tamper(workspace, how)
    with workspace.reading() as session:
        result = audit.verify(session, head)
    assert not result.ok, how


def test_edit_with_a_recomputed_hash_is_still_caught(workspace: Workspace) -> None:
    head = _fill(workspace)
    with workspace.transaction() as session:
        event = session.get(AuditEvent, 3)
        assert event is not None
        event.target = "R-99"
        event.hash = audit.digest(event)
    with workspace.reading() as session:
        assert not audit.verify(session, head).ok


def test_cli_head_and_verify(workspace: Workspace, cli_env: dict[str, str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    _fill(workspace)
    runner = CliRunner()
    head_file = tmp_path / "head.json"
    result = runner.invoke(app, ["audit", "head", "--out", str(head_file)])
    assert result.exit_code == 0, result.output
    assert json.loads(head_file.read_text())["seq"] == 6
    ok = runner.invoke(app, ["audit", "verify", "--head", str(head_file)])
    assert ok.exit_code == 0, ok.output
    _tamper(workspace, "truncate")
    bad = runner.invoke(app, ["audit", "verify", "--head", str(head_file)])
    assert bad.exit_code == 1
    assert "truncated" in bad.output
