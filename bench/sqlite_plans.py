"""SQLite's plans for the resolve stage's incremental queries, without and with statistics.

Copies a workspace's database twice (one copy gets ``ANALYZE``), then prints
each query's ``EXPLAIN QUERY PLAN`` and its time in a rolled-back
transaction on both (docs/resolution.md, "SQLite's planner statistics").

    .venv/bin/python bench/sqlite_plans.py WORKSPACE/threadline.db [--scratch DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

KEYED = "('vehicle','phone','email','location','organisation')"


def quoted(values: list[str]) -> str:
    return ",".join("'" + v.replace("'", "''") + "'" for v in values[:900])


def queries(db: Path) -> dict[str, str]:
    """The queries, with real records, refs and entities of the workspace in their lists."""
    con = sqlite3.connect(db)
    records = [r for (r,) in con.execute("SELECT id FROM records ORDER BY id DESC LIMIT 900")]
    refs = [r for (r,) in con.execute("SELECT ref FROM subjects ORDER BY ref DESC LIMIT 900")]
    entities = [
        e
        for (e,) in con.execute(
            "SELECT entity_id FROM entity_members WHERE kind = 'subject'"
            " ORDER BY ref DESC LIMIT 900"
        )
    ]
    con.close()
    recs, subs, ents = quoted(records), quoted(refs), quoted(entities)
    changed = "SELECT id FROM records WHERE import_id > 1"
    return {
        "mentions of records (IN subquery)": "SELECT id FROM entity_members WHERE kind = 'mention'"
        f" AND entity_id IN (SELECT id FROM entities WHERE type = 'person') AND record_id IN ({recs})",
        "mentions of records (join)": "SELECT m.id FROM entity_members m"
        " JOIN entities e ON e.id = m.entity_id"
        f" WHERE m.kind = 'mention' AND m.record_id IN ({recs}) AND e.type = 'person'",
        "keyed mentions of changed records (IN subquery)": "SELECT id FROM entity_members"
        f" WHERE kind = 'mention' AND record_id IN ({changed})"
        f" AND entity_id IN (SELECT id FROM entities WHERE type IN {KEYED})",
        "keyed mentions of changed records (join)": "SELECT m.id FROM entity_members m"
        " JOIN entities e ON e.id = m.entity_id"
        f" WHERE m.kind = 'mention' AND m.record_id IN ({changed}) AND e.type IN {KEYED}",
        "members of entities, with kind": "SELECT ref, entity_id FROM entity_members"
        f" WHERE kind = 'subject' AND entity_id IN ({ents})",
        "members of entities, by entity id alone": "SELECT ref, entity_id, kind, via"
        f" FROM entity_members WHERE entity_id IN ({ents})",
        "every person's subject members": "SELECT m.ref, m.entity_id FROM entity_members m"
        " JOIN entities e ON e.id = m.entity_id WHERE e.type = 'person' AND m.kind = 'subject'",
        "entities of subject refs": "SELECT ref, entity_id FROM entity_members"
        f" WHERE kind = 'subject' AND via IS NULL AND ref IN ({subs})",
        "subjects of records": f"SELECT ref FROM subjects WHERE record_id IN ({recs})",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--scratch", type=Path)
    args = parser.parse_args()
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="threadline-plans-"))
    scratch.mkdir(parents=True, exist_ok=True)
    plain, analysed = scratch / "plain.db", scratch / "analysed.db"
    shutil.copy(args.database, plain)
    shutil.copy(args.database, analysed)
    con = sqlite3.connect(analysed)
    con.execute("ANALYZE")
    con.commit()
    con.close()
    for name, sql in queries(plain).items():
        print(f"== {name}")
        for label, db in (("without statistics", plain), ("with statistics", analysed)):
            con = sqlite3.connect(db, isolation_level=None)
            plan = " | ".join(row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql))
            con.execute("BEGIN")
            started = time.perf_counter()
            con.execute(sql).fetchall()
            ms = (time.perf_counter() - started) * 1000
            con.execute("ROLLBACK")
            con.close()
            print(f"  {label:19} {ms:9.1f} ms  {plan}")
    if not args.scratch:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
