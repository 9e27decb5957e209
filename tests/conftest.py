"""Fixtures shared by the suite: every workspace test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support.postgres import create_database, drop_database, postgres_server, sqlalchemy_url
from threadline.settings import Settings
from threadline.workspace import Workspace

# Property tests check results, never speed: on a shared 2-core machine an example can
# take longer than Hypothesis's default deadline of 200 ms and fail for no fault.
settings.register_profile("threadline", deadline=None)
settings.load_profile("threadline")


@pytest.fixture(scope="session")
def postgres() -> Iterator[str | None]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, postgres: str | None) -> Iterator[str | None]:
    """None for the embedded SQLite; a fresh PostgreSQL database otherwise."""
    if backend == "sqlite":
        yield None
        return
    if postgres is None:
        pytest.skip(
            "no PostgreSQL: install Debian's postgresql or set THREADLINE_TEST_POSTGRES_URL"
        )
    name = create_database(postgres)
    try:
        yield sqlalchemy_url(postgres, name)
    finally:
        drop_database(postgres, name)


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    return Settings(workspace=tmp_path / "workspace", database_url=database_url)


@pytest.fixture
def workspace(settings: Settings) -> Iterator[Workspace]:
    ws = Workspace.create(settings)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for running the ``threadline`` command against this test's workspace."""
    env = {"THREADLINE_WORKSPACE": str(settings.workspace)}
    if settings.database_url:
        env["THREADLINE_DATABASE_URL"] = settings.database_url
    else:
        monkeypatch.delenv("THREADLINE_DATABASE_URL", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env
