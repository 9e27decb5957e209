"""The truth ledger: who every subject and span is, spilled to SQLite while the world is written.

A large world names hundreds of thousands of subjects and spans. Rather than
hold them, the generator appends them here as it goes, and at the end writes
``truth.json`` from ordered queries, one person or identifier at a time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from threadline.synth.truth import Opportunity

_SCHEMA = """
CREATE TABLE person (pid TEXT PRIMARY KEY, name TEXT, dob TEXT);
CREATE TABLE subject (key TEXT, ref TEXT);
CREATE TABLE mention (key TEXT, record TEXT, start INTEGER, "end" INTEGER, text TEXT, role TEXT);
CREATE TABLE file_mention (key TEXT, record TEXT, text TEXT, role TEXT);
CREATE TABLE ident (key TEXT PRIMARY KEY, label TEXT);
CREATE TABLE carrier (key TEXT, ref TEXT);
CREATE TABLE located (key TEXT, record TEXT);
CREATE TABLE about (key TEXT, item TEXT);
CREATE TABLE resident (key TEXT, ref TEXT);
"""

_BUFFERED = ("subject", "mention", "file_mention", "carrier", "located", "about", "resident")


class TruthLedger:
    """Append-only store of the truth about subjects and spans."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.executescript(_SCHEMA)
        self._rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _BUFFERED}
        self._persons: list[tuple[str, str, str]] = []
        self._idents: dict[str, str] = {}
        self._seen_persons: set[str] = set()
        self._seen_idents: set[str] = set()

    def person(self, pid: str, name: str, dob: str) -> None:
        if pid not in self._seen_persons:
            self._seen_persons.add(pid)
            self._persons.append((pid, name, dob))

    def identifier(self, key: str, label: str) -> None:
        if key not in self._seen_idents:
            self._seen_idents.add(key)
            self._idents[key] = label

    def subject(self, pid: str, ref: str) -> None:
        self._rows["subject"].append((pid, ref))

    def mention(
        self, key: str, record: str, start: int, end: int, text: str, role: str | None
    ) -> None:
        self._rows["mention"].append((key, record, start, end, text, role))

    def file_mention(self, key: str, record: str, text: str, role: str | None) -> None:
        self._rows["file_mention"].append((key, record, text, role))

    def carrier(self, key: str, ref: str) -> None:
        """A subject whose ``phones`` or ``vehicles`` list this identifier."""
        self._rows["carrier"].append((key, ref))

    def resident(self, key: str, ref: str) -> None:
        """A subject whose ``address`` is this place (a home: it involves no record)."""
        self._rows["resident"].append((key, ref))

    def located(self, key: str, record: str) -> None:
        """A record whose ``locations`` field names this place."""
        self._rows["located"].append((key, record))

    def about(self, key: str, item: str) -> None:
        """An action or event about this identifier or place."""
        self._rows["about"].append((key, item))

    def flush(self) -> None:
        with self.db:
            for table, rows in self._rows.items():
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    self.db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
                    rows.clear()
            if self._persons:
                self.db.executemany("INSERT INTO person VALUES (?,?,?)", self._persons)
                self._persons.clear()
            if self._idents:
                self.db.executemany("INSERT INTO ident VALUES (?,?)", self._idents.items())
                self._idents.clear()

    def close(self) -> None:
        self.db.close()

    def _grouped(self, sql: str) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
        """Rows of a query ordered by its first column, grouped by it."""
        key: str | None = None
        group: list[tuple[Any, ...]] = []
        for row in self.db.execute(sql):
            if row[0] != key:
                if key is not None:
                    yield key, group
                key, group = row[0], []
            group.append(row[1:])
        if key is not None:
            yield key, group

    def _merged(
        self, driver: str, parts: dict[str, str]
    ) -> Iterator[tuple[str, tuple[Any, ...], dict[str, list[tuple[Any, ...]]]]]:
        """Walk the driver query's keys in order with each part's rows for that key."""
        iters = {name: self._grouped(sql) for name, sql in parts.items()}
        heads: dict[str, tuple[str, list[tuple[Any, ...]]] | None] = {
            name: next(it, None) for name, it in iters.items()
        }
        for row in self.db.execute(driver).fetchall():
            key = row[0]
            found: dict[str, list[tuple[Any, ...]]] = {}
            for name, it in iters.items():
                head = heads[name]
                while head is not None and head[0] < key:
                    head = next(it, None)
                if head is not None and head[0] == key:
                    found[name] = head[1]
                    head = next(it, None)
                heads[name] = head
            yield key, tuple(row[1:]), found

    def write_truth(
        self,
        out: IO[str],
        *,
        opportunities: Sequence[Opportunity],
        near_misses: Sequence[Opportunity],
        decoys: Sequence[tuple[str, str]],
    ) -> None:
        """Write ``truth.json``, streaming persons and identifiers from the ledger."""
        self.flush()
        for table in _BUFFERED:
            self.db.execute(f"CREATE INDEX {table}_key ON {table}(key)")
        out.write('{"persons": {')
        first = True
        persons = self._merged(
            "SELECT pid, name, dob FROM person ORDER BY pid",
            {
                "subjects": "SELECT key, ref FROM subject ORDER BY key, rowid",
                "mentions": 'SELECT key, record, start, "end", text, role FROM mention '
                "ORDER BY key, rowid",
                "files": "SELECT key, record, text, role FROM file_mention ORDER BY key, rowid",
            },
        )
        for pid, (name, dob), parts in persons:
            if not parts:
                continue
            entry: dict[str, Any] = {"name": name, "dob": dob}
            entry["subjects"] = [r[0] for r in parts.get("subjects", [])]
            entry["mentions"] = [
                {"record": r[0], "start": r[1], "end": r[2], "text": r[3], "role": r[4]}
                for r in parts.get("mentions", [])
            ]
            if "files" in parts:
                entry["file_mentions"] = [
                    {"record": r[0], "text": r[1], "role": r[2]} for r in parts["files"]
                ]
            out.write(("\n" if first else ",\n") + json.dumps(pid) + ": ")
            out.write(json.dumps(entry, ensure_ascii=False))
            first = False
        out.write('},\n"identifiers": {')
        first = True
        idents = self._merged(
            "SELECT key, label FROM ident ORDER BY key",
            {
                "mentions": 'SELECT key, record, start, "end", text FROM mention '
                "WHERE key LIKE '%:%' ORDER BY key, rowid",
                "files": "SELECT key, record, text FROM file_mention "
                "WHERE key LIKE '%:%' ORDER BY key, rowid",
                "subjects": "SELECT key, ref FROM carrier ORDER BY key, rowid",
                "records": "SELECT DISTINCT key, record FROM located ORDER BY key, record",
                "about": "SELECT DISTINCT key, item FROM about ORDER BY key, item",
                "residents": "SELECT key, ref FROM resident ORDER BY key, rowid",
            },
        )
        for key, (label,), parts in idents:
            entry = {"label": label}
            entry["mentions"] = [
                {"record": r[0], "start": r[1], "end": r[2], "text": r[3]}
                for r in parts.get("mentions", [])
            ]
            if "files" in parts:
                entry["file_mentions"] = [{"record": r[0], "text": r[1]} for r in parts["files"]]
            if key.startswith("location:"):
                entry["records"] = [r[0] for r in parts.get("records", [])]
                entry["residents"] = [r[0] for r in parts.get("residents", [])]
            else:
                entry["subjects"] = [r[0] for r in parts.get("subjects", [])]
            entry["about"] = [r[0] for r in parts.get("about", [])]
            out.write(("\n" if first else ",\n") + json.dumps(key, ensure_ascii=False) + ": ")
            out.write(json.dumps(entry, ensure_ascii=False))
            first = False
        out.write("},\n")
        out.write('"decoys": ' + json.dumps([list(pair) for pair in decoys]) + ",\n")
        _write_list(out, "opportunities", opportunities)
        out.write(",\n")
        _write_list(out, "near_misses", near_misses)
        out.write("}\n")


def _write_list(out: IO[str], name: str, items: Sequence[Opportunity]) -> None:
    out.write(f'"{name}": [')
    for i, item in enumerate(items):
        out.write(("\n" if i == 0 else ",\n") + json.dumps(item.as_json(), ensure_ascii=False))
    out.write("]")
