"""One typed settings object, read from the environment when asked for.

Nothing here runs at import time: callers build a ``Settings`` when they need
one (the CLI once per command, the web app in its lifespan hook).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_workspace() -> Path:
    """The documented default workspace: ``$XDG_DATA_HOME/threadline``.

    That is ``~/.local/share/threadline`` when ``XDG_DATA_HOME`` is not set.
    """
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "threadline"


class Settings(BaseSettings):
    """Deployment settings. Environment variables are prefixed ``THREADLINE_``."""

    model_config = SettingsConfigDict(env_prefix="THREADLINE_", extra="ignore")

    workspace: Path = Field(default_factory=default_workspace)
    """Where the embedded database, originals and analysis live."""

    database_url: str | None = None
    """A SQLAlchemy URL (e.g. ``postgresql+psycopg://...``) that replaces the embedded SQLite."""


def load_settings(workspace: Path | None = None) -> Settings:
    """Settings from the environment, with ``--workspace`` taking precedence."""
    settings = Settings()
    if workspace is not None:
        settings = settings.model_copy(update={"workspace": workspace})
    return settings
