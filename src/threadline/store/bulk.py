"""Fast bulk writes: the ORM's per-row work skipped, the database's own bulk path used.

``bulk_insert`` is a Core ``INSERT`` with ``executemany`` (every dict in one
call must carry the same keys). ``copy_rows`` goes further for the millions of
rows an analysis stage writes: tuples straight to the driver, in the session's
transaction, as ``executemany`` on the raw SQLite cursor or ``COPY ... FROM
STDIN`` on PostgreSQL (psycopg), in batches so that memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import JSON, text
from sqlalchemy.orm import Session

from threadline.store.database import json_dumps
from threadline.store.models import Base

BATCH = 20_000


def bulk_insert(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        table = Base.metadata.tables[model.__tablename__]
        session.execute(table.insert(), list(rows))


def copy_rows(
    session: Session,
    model: type[Base],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``model``'s table.

    Values go to the driver as they are, except JSON columns, which are encoded
    here (pass the Python value, or its text as :class:`Encoded`). Returns how
    many rows were written.

    The database writes a batch in a thread of its own while the next batch
    is made (rows may be a generator doing real work): both drivers let go of
    Python's lock while the database works, so the two overlap on two cores.
    """
    session.flush()  # what the unit of work holds goes first
    table = Base.metadata.tables[model.__tablename__]
    json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    connection = session.connection()
    raw: Any = connection.connection.driver_connection
    dialect = connection.dialect.name
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    insert = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608 - model names
    cursor = raw.cursor()

    def write(batch: list[Sequence[Any]]) -> None:
        if dialect == "postgresql":
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            cursor.executemany(insert, batch)

    written = 0
    iterator = iter(rows)
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy-rows") as writer:
            pending: Future[None] | None = None
            try:
                while batch := list(islice(iterator, BATCH)):
                    if json_at:
                        batch = [_encode(row, json_at) for row in batch]
                    if pending is not None:
                        pending.result()
                    pending = writer.submit(write, batch)
                    written += len(batch)
            finally:
                if pending is not None:
                    pending.result()  # never leave the cursor to a running batch
    finally:
        cursor.close()
    return written


class Encoded(str):
    """JSON text already encoded, for a JSON column: ``copy_rows`` passes it on as it is.

    For values that repeat across millions of rows (a join's evidence has a few
    thousand distinct forms), encoded once each by the caller.
    """

    __slots__ = ()


def _encode(row: Sequence[Any], json_at: list[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in json_at:
        value = values[i]
        if type(value) is Encoded:
            values[i] = str(value)  # a plain str, as drivers expect
        elif value is not None:
            values[i] = json_dumps(value)
    return tuple(values)


def refresh_statistics(session: Session, *models: type[Base]) -> None:
    """Let PostgreSQL's planner see what was just written in this transaction.

    A table filled moments ago has no statistics until autovacuum gets to it,
    so the planner takes it for empty and may pick nested loops over many
    thousands of rows. ``ANALYZE`` may run inside the transaction and counts
    its own uncommitted rows. SQLite plans without such statistics: nothing
    to do there.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        session.execute(text(f"ANALYZE {model.__tablename__}"))


@contextmanager
def indexes_set_aside(session: Session, *models: type[Base]) -> Iterator[None]:
    """SQLite: the secondary indexes of ``models``' tables dropped while a bulk load fills
    them, and built again from their own DDL at the end, in the same transaction.

    Inserting a million rows keyed by random hashes into three or four B-trees
    is a random page write per row and index once the indexes outgrow the page
    cache; building an index afterwards is one sort. Meant for tables a full
    run has just emptied, around the inserts only: a query inside the block
    finds no index. Other connections never see the table without its indexes
    (they read the last commit). On PostgreSQL, dropping an index would lock
    readers out of the table until the commit, and ``COPY`` runs in the
    server's own process anyway: nothing is done there.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    session.flush()
    saved: list[tuple[str, str]] = []
    for model in models:
        found = session.execute(
            text(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL"
            ),
            {"table": model.__tablename__},
        )
        saved.extend((str(name), str(sql)) for name, sql in found)
    for name, _ in saved:
        session.execute(text(f'DROP INDEX "{name}"'))
    yield  # on an exception the transaction rolls back, and the drops with it
    for _, sql in saved:
        session.execute(text(sql))
