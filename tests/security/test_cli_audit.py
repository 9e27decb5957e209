"""Consultations at the command line are audited like those in the browser."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from tests.support.bundles import write_bundle
from threadline.cli.main import app
from threadline.security import audit
from threadline.settings import load_settings
from threadline.store.security_models import AuditEvent
from threadline.workspace import Workspace

runner = CliRunner()


def test_each_cli_consultation_writes_one_event(tmp_path: Path, cli_env: dict[str, str]) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["import", str(write_bundle(tmp_path / "b"))]).exit_code == 0
    commands = [
        (["entities", "--json"], "search", "entities (command line)"),
        (["opportunities", "--json"], "view-opportunities", "opportunities (command line)"),
        (["records", "list", "--json"], "search", "records list (command line)"),
        (["records", "show", "INT-000123"], "view-record", "record INT-000123 (command line)"),
    ]
    for args, _, _ in commands:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    ws = Workspace.open(load_settings(Path(cli_env["THREADLINE_WORKSPACE"])))
    try:
        with ws.reading() as session:
            events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
            assert audit.verify(session).ok
    finally:
        ws.close()
    assert [e.action for e in events] == ["import"] + [action for _, action, _ in commands]
    for event, (_, _, target) in zip(events[1:], commands, strict=True):
        assert event.target.startswith(target)
