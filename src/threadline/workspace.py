"""A workspace: one deployment's database, originals and analysis, in one directory.

``Workspace.create`` makes one (idempotent); ``Workspace.open`` opens an
existing one, applies any pending schema migration, and clears what a dead
import left behind. A PostgreSQL URL in the settings replaces the embedded
SQLite database; originals and other files stay in the workspace directory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from threadline.errors import WorkspaceError
from threadline.settings import Settings
from threadline.store import database
from threadline.store.models import Original
from threadline.store.originals import OriginalStore

MARKER = "threadline-workspace.json"
DB_NAME = "threadline.db"


@dataclass
class Workspace:
    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    originals: OriginalStore

    @classmethod
    def create(cls, settings: Settings) -> Workspace:
        """Create the workspace if it does not exist yet, and open it."""
        path = settings.workspace
        path.mkdir(parents=True, exist_ok=True)
        marker = path / MARKER
        if not marker.exists():
            marker.write_text(json.dumps({"format": "threadline-workspace", "version": 1}) + "\n")
        return cls.open(settings)

    @classmethod
    def open(cls, settings: Settings) -> Workspace:
        """Open an existing workspace, migrating its schema and recovering dead imports."""
        path = settings.workspace
        if not (path / MARKER).is_file():
            raise WorkspaceError(
                f"no threadline workspace at {path}: run 'threadline init' first "
                "(or pass --workspace / set THREADLINE_WORKSPACE)"
            )
        url = settings.database_url or database.sqlite_url(path / DB_NAME)
        try:
            engine = database.make_engine(url)
            database.upgrade(engine)
        except Exception as exc:  # the driver's own error is the useful part
            where = make_url(url).render_as_string(hide_password=True)
            raise WorkspaceError(f"cannot open the database {where}: {exc}") from exc
        workspace = cls(
            path=path,
            engine=engine,
            sessions=database.session_factory(engine),
            originals=OriginalStore(path / "originals", path / "staging"),
        )
        workspace.recover()
        return workspace

    def recover(self) -> None:
        """Remove originals staged by imports that died, keeping any the database references."""

        def referenced(sha: str) -> bool:
            with self.sessions() as session:
                return session.get(Original, sha) is not None

        self.originals.recover(referenced)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with database.transaction(self.sessions) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
