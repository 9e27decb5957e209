"""Original documents, stored byte for byte and addressed by their SHA-256.

An import first *stages* originals in a directory of its own, holding an
exclusive lock on it; only after the database transaction commits are they
moved into the store. If the import dies (even by SIGKILL), the next opening of
the workspace finds a staging directory whose lock nobody holds and removes
it, after moving in any file the database does reference (the case where the
commit happened but the move did not). So the store never holds a file the
database does not know, and never lacks one it does.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CHUNK = 1 << 20
LOCK_NAME = ".lock"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int


class OriginalStore:
    """The content-addressed directory of originals, and the staging area in front of it."""

    def __init__(self, root: Path, staging_root: Path) -> None:
        self.root = root
        self.staging_root = staging_root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> IO[bytes]:
        return self.path_for(sha256).open("rb")

    @contextlib.contextmanager
    def staging(self) -> Iterator[Staging]:
        """A locked staging directory for one import; removed on exit whatever happened."""
        self.staging_root.mkdir(parents=True, exist_ok=True)
        directory = self.staging_root / uuid.uuid4().hex
        directory.mkdir()
        lock_fd = os.open(directory / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        try:
            yield Staging(directory, self)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
            os.close(lock_fd)

    def recover(self, is_referenced: Callable[[str], bool]) -> int:
        """Clear staging left by dead imports; returns how many files were moved in.

        Args:
            is_referenced: tells whether the database references an original.
        """
        if not self.staging_root.is_dir():
            return 0
        moved = 0
        for directory in self.staging_root.iterdir():
            if not directory.is_dir():
                continue
            lock_path = directory / LOCK_NAME
            try:
                lock_fd = os.open(lock_path, os.O_RDWR)
            except FileNotFoundError:
                lock_fd = -1
            try:
                if lock_fd >= 0:
                    try:
                        fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # a live import owns it
                for staged in directory.iterdir():
                    wanted = staged.name != LOCK_NAME and is_referenced(staged.name)
                    if wanted and not self.has(staged.name):
                        self.install(staged, staged.name)
                        moved += 1
                shutil.rmtree(directory, ignore_errors=True)
            finally:
                if lock_fd >= 0:
                    os.close(lock_fd)
        return moved

    def install(self, staged: Path, sha256: str) -> None:
        target = self.path_for(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        _fsync_dir(target.parent)


class Staging:
    """Originals read by one import, waiting for its commit."""

    def __init__(self, directory: Path, store: OriginalStore) -> None:
        self.directory = directory
        self.store = store
        self._staged: set[str] = set()

    def add(self, source: Path, max_bytes: int) -> StoredFile:
        """Copy ``source`` into staging, hashing as it goes; refuses files over ``max_bytes``."""
        digest = hashlib.sha256()
        size = 0
        tmp = self.directory / f"tmp-{uuid.uuid4().hex}"
        with source.open("rb") as src, tmp.open("wb") as dst:
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    dst.close()
                    tmp.unlink()
                    raise FileTooLargeError(size, max_bytes)
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        sha = digest.hexdigest()
        if sha in self._staged or self.store.has(sha):
            tmp.unlink()
        else:
            os.replace(tmp, self.directory / sha)
            self._staged.add(sha)
        return StoredFile(sha, size)

    def staged_path(self, sha256: str) -> Path:
        staged = self.directory / sha256
        return staged if staged.exists() else self.store.path_for(sha256)

    @contextlib.contextmanager
    def view(self, sha256: str, suffix: str) -> Iterator[Path]:
        """The staged bytes under a name with ``suffix``, for readers that go by the name."""
        view = self.directory / f"view-{uuid.uuid4().hex}{suffix}"
        os.link(self.staged_path(sha256), view)
        try:
            yield view
        finally:
            view.unlink(missing_ok=True)

    def publish(self) -> None:
        """Move every staged original into the store; call after the commit."""
        for sha in sorted(self._staged):
            staged = self.directory / sha
            if staged.exists() and not self.store.has(sha):
                self.store.install(staged, sha)
        self._staged.clear()


class FileTooLargeError(Exception):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"file is larger than the limit of {limit} bytes")
        self.size = size
        self.limit = limit


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
