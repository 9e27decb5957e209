"""A throwaway PostgreSQL server for the tests, or the one named by the environment.

``THREADLINE_TEST_POSTGRES_URL`` (a server URL whose user may create
databases) is used when set; otherwise, when Debian's PostgreSQL binaries are
installed, a private cluster is started on a Unix socket in a temporary
directory and stopped at the end. Without either, PostgreSQL tests are skipped
with a message saying how to enable them; CI always has one (``.ci/run``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _run_as(user: str | None, args: list[str]) -> None:
    if user is not None:
        args = ["runuser", "-u", user, "--", *args]
    subprocess.run(args, check=True, capture_output=True, text=True)


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """Yield a libpq URL of a server the tests may create databases on, or None."""
    url = os.environ.get("THREADLINE_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    bindir = _pg_bin()
    if bindir is None:
        yield None
        return
    user = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            yield None
            return
        user = "postgres"
    base = Path(tempfile.mkdtemp(prefix="threadline-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if user:
        shutil.chown(base, user)
        shutil.chown(sock, user)
    _run_as(
        user,
        [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "threadline", "--no-sync"],
    )
    opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    _run_as(
        user,
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-w",
            "-l",
            str(base / "log"),
            "start",
        ],
    )
    try:
        yield f"postgresql://threadline@/postgres?host={sock}"
    finally:
        subprocess.run(
            (["runuser", "-u", user, "--"] if user else [])
            + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def sqlalchemy_url(libpq_url: str, database: str) -> str:
    """The SQLAlchemy URL of ``database`` on the server of ``libpq_url``."""
    conninfo = psycopg.conninfo.conninfo_to_dict(libpq_url)
    conninfo["dbname"] = database
    host = conninfo.pop("host", None)
    user = conninfo.pop("user", "")
    password = conninfo.pop("password", None)
    port = conninfo.pop("port", None)
    auth = user + (f":{password}" if password else "")
    if host and str(host).startswith("/"):
        netloc = f"{auth}@" if auth else ""
        return f"postgresql+psycopg://{netloc}/{database}?host={host}" + (
            f"&port={port}" if port else ""
        )
    hostport = f"{host}:{port}" if port else str(host)
    return f"postgresql+psycopg://{auth}@{hostport}/{database}"


def create_database(libpq_url: str) -> str:
    name = "tl_" + uuid.uuid4().hex[:12]
    with psycopg.connect(libpq_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(libpq_url: str, name: str) -> None:
    with psycopg.connect(libpq_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
