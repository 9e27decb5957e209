"""``threadline demo`` on a fresh directory: accounts per role, and the dashboard after sign-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.web.helpers import sign_in
from threadline.cli.main import app
from threadline.security.policy import Role
from threadline.settings import Settings
from threadline.web.app import create_app


@pytest.mark.slow
def test_demo_makes_accounts_and_a_dashboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("THREADLINE_WORKSPACE", raising=False)
    monkeypatch.delenv("THREADLINE_DATABASE_URL", raising=False)
    directory = tmp_path / "demo"
    runner = CliRunner()
    args = ["demo", "--dir", str(directory), "--scale", "0.1", "--no-serve"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    stored = json.loads((directory / "demo-accounts.json").read_text())
    assert {entry["role"] for entry in stored} == {r.value for r in Role}
    assert (directory / "demo-accounts.json").stat().st_mode & 0o077 == 0
    for entry in stored:
        assert entry["password"] in result.output
    again = runner.invoke(app, args)  # idempotent: same accounts, nothing imported twice
    assert again.exit_code == 0, again.output
    assert json.loads((directory / "demo-accounts.json").read_text()) == stored
    reviewer = next(e for e in stored if e["role"] == "reviewer")
    settings = Settings(workspace=directory / "workspace", database_url=None)
    with TestClient(create_app(settings)) as client:
        sign_in(client, reviewer["username"], reviewer["password"])
        home = client.get("/")
        assert "records you may see" in home.text
        assert len(client.get("/api/operations").json()) > 3
