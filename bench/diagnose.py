"""Why the whole pipeline misses true opportunities and raises wrong ones: a table of causes.

Reads an analysed workspace and its bundle's ``truth.json``, scores the
opportunities as ``threadline evaluate`` does, and gives every missed true
opportunity, every raised near-miss and every false positive (a prediction
matching neither) the causes found in what it is about:

- ``wrong merge``: the entity holds subjects or spans of another true person
  (for a vehicle, phone or place: members voting for another true key);
- ``entity split``: the true person's subjects (or the true key's holders,
  spans and records) are spread over more than one entity, or a subject
  holding the true key (its ``phones``/``vehicles``) was joined to none
  (a mistyped registration);
- ``span not joined``: an extracted mention overlaps a true span of it in the
  opportunity's records (or, failing any other cause there, in any record:
  a span elsewhere can join records or count them), but sits in no entity or
  in another entity;
- ``extraction miss``: a true span of it in the opportunity's records has no
  extracted mention overlapping it (Jaccard >= 0.5, the evaluator's rule);
- ``no true entity``: the prediction's entity maps to nothing in the truth;
- ``another entity``: what it is about is clean, but another true person or
  identifier in its records has one of the causes above (a victim split in
  two makes three victims of two; a covering person merged with another
  makes a phone's cross-operation link "covered");
- ``detector rule``: none of these: the detector, its inputs outside
  resolution (e.g. an event or action not about it), or the evaluator's
  mapping.

An item can have several causes; the table counts it under the first in the
order above, and ``--examples`` prints a few of each.

    .venv/bin/python bench/diagnose.py WORKSPACE TRUTH.json [--examples 3]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from threadline.evaluate import Truth
from threadline.evaluate.mentions import best_truth_span, span_jaccard
from threadline.evaluate.opportunities import (
    KINDS,
    RECORD_KINDS,
    EntityTargets,
    _keys_of,
    _Ledger,
    ranked,
)
from threadline.evaluate.truth import TruthOpportunity, TruthSpan, canonical_identifier
from threadline.evaluate.workspace import workspace_prediction
from threadline.settings import Settings
from threadline.store.entity_models import EntityMember
from threadline.workspace import Workspace

CAUSES = (
    "wrong merge",
    "entity split",
    "span not joined",
    "extraction miss",
    "no true entity",
    "another entity",
    "detector rule",
)
MIN_JACCARD = 0.5


class Resolution:
    """The workspace's mentions and entities, indexed to answer the causes."""

    def __init__(
        self,
        truth: Truth,
        entities: Sequence[Mapping[str, Any]],
        mentions: Any,
        holders: Mapping[str, set[str]],
        true_holders: Mapping[str, Sequence[str]],
    ) -> None:
        self.truth = truth
        self.holders = holders
        """Subject ref → the identifier or place entities it holds as its own."""
        self.true_holders = true_holders
        """True identifier key → the subject refs holding it."""
        self.targets = EntityTargets(truth, entities)
        self.entity_of_subject: dict[str, str] = {}
        self.entity_of_span: dict[tuple[str, int, int], str] = {}
        self.mentions: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.entities = {str(e["id"]): e for e in entities}
        self.of_key: dict[str, set[str]] = defaultdict(set)
        self.location_of_record: dict[str, set[str]] = defaultdict(set)
        """Record → the place entities its ``locations`` field was joined to."""
        for e in entities:
            eid = str(e["id"])
            for ref in e.get("subjects") or ():
                self.entity_of_subject[ref] = eid
            for m in e.get("mentions") or ():
                if m.get("start") is not None:
                    self.entity_of_span[(m["record"], int(m["start"]), int(m["end"]))] = eid
            for key in self.targets.targets(eid):
                self.of_key[key].add(eid)
            if e.get("type") == "location":
                for record in e.get("records") or ():
                    self.location_of_record[record].add(eid)
        for m in mentions:
            self.mentions[m["record"]].append((int(m["start"]), int(m["end"]), m["type"]))

    def _overlapping(self, span: TruthSpan) -> list[tuple[int, int]]:
        return [
            (s, e)
            for s, e, _ in self.mentions.get(span.record, ())
            if span_jaccard(span.start, span.end, s, e) >= MIN_JACCARD
        ]

    def entities_of(self, key: str) -> set[str]:
        """Entities holding the true person's subjects, or mapped to the true key."""
        found = set(self.of_key.get(key, ()))
        person = self.truth.persons.get(key)
        if person is not None:
            found |= {
                self.entity_of_subject[r] for r in person.subjects if r in self.entity_of_subject
            }
        ident = self.truth.identifiers.get(key)
        if ident is not None and ident.type == "location":
            found |= {e for r in ident.records for e in self.location_of_record.get(r, ())}
        if ident is not None:
            for ref in self.true_holders.get(key, ()):
                found |= {
                    e
                    for e in self.holders.get(ref, ())
                    if (self.entities.get(e) or {}).get("type") == ident.type
                }
        return found

    def main_entity(self, key: str) -> str | None:
        person = self.truth.persons.get(key)
        if person is not None:
            votes = Counter(
                self.entity_of_subject[r] for r in person.subjects if r in self.entity_of_subject
            )
            if votes:
                return votes.most_common(1)[0][0]
        found = sorted(self.of_key.get(key, ()))
        return found[0] if found else None

    def spans_of(self, key: str) -> tuple[TruthSpan, ...]:
        person = self.truth.persons.get(key)
        if person is not None:
            return tuple(person.mentions)
        ident = self.truth.identifiers.get(key)
        return tuple(ident.mentions) if ident is not None else ()

    def merged(self, entity: str, key: str) -> bool:
        """The entity holds members of another true person or key."""
        e = self.entities.get(entity) or {}
        others = {
            p
            for r in e.get("subjects") or ()
            if (p := self.truth.person_of_subject.get(r)) is not None and p != key
        }
        if others:
            return True
        for m in e.get("mentions") or ():
            if m.get("start") is None:
                continue
            span = best_truth_span(self.truth, m["record"], m["start"], m["end"], ("person",))
            if key in self.truth.persons and span is not None and span.key != key:
                return True  # a span of another person joined into it
        if key in self.truth.identifiers and self.truth.identifiers[key].type == "location":
            voted = {
                k for r in e.get("records") or () for k in self.truth.locations_of_record.get(r, ())
            }
            if voted - {key}:
                return True
        ident = self.truth.identifiers.get(key)
        if ident is not None and ident.type in ("vehicle", "phone"):
            values = {canonical_identifier(v) for v in e.get("identifiers") or ()}
            if values and canonical_identifier(ident.value) not in values:
                return True
        return False

    def causes(self, key: str, records: Iterable[str] | None) -> list[str]:
        """Causes found for the true person or key; spans only in ``records`` unless None."""
        found: list[str] = []
        entities = self.entities_of(key)
        main = self.main_entity(key)
        if not entities:
            found.append("no true entity")
        if any(self.merged(e, key) for e in entities):
            found.append("wrong merge")
        ident = self.truth.identifiers.get(key)
        unheld = ident is not None and any(
            not any(
                (self.entities.get(e) or {}).get("type") == ident.type
                for e in self.holders.get(ref, ())
            )
            for ref in self.true_holders.get(key, ())
        )
        if len(entities) > 1 or unheld:  # unheld: a subject's value joined to nothing
            found.append("entity split")
        wanted = set(records) if records is not None else None
        for span in self.spans_of(key):
            if wanted is not None and span.record not in wanted:
                continue
            overlapping = self._overlapping(span)
            if not overlapping:
                found.append("extraction miss")
                continue
            joined = {self.entity_of_span.get((span.record, s, e)) for s, e in overlapping}
            if main is None or main not in joined:
                found.append("span not joined")
        return found


def primary(causes: Iterable[str]) -> str:
    found = set(causes)
    for cause in CAUSES:
        if cause in found:
            return cause
    return "detector rule"


def keys_in(truth: Truth, true_holders: Mapping[str, Sequence[str]], records: set[str]) -> set[str]:
    """Every true person and identifier in the records (subjects, holders, spans)."""
    keys = {p for r, p in truth.person_of_subject.items() if r.split("/")[0] in records}
    keys |= {s.key for r in records for s in truth.spans_by_record.get(r, ())}
    keys |= {k for k, refs in true_holders.items() if any(r.split("/")[0] in records for r in refs)}
    return keys


def about_keys(truth: Truth, entry: TruthOpportunity) -> list[str]:
    """What a true entry is about: its person or key; for a record kind, who is in the record."""
    if entry.kind not in RECORD_KINDS:
        return sorted(entry.targets)
    record = entry.anchor
    keys = {p for r, p in truth.person_of_subject.items() if r.split("/")[0] == record}
    keys |= {s.key for s in truth.spans_by_record.get(record or "", ())}
    return sorted(keys)


def diagnose(workspace: Workspace, truth_path: Path) -> dict[str, Any]:
    truth = Truth.load(truth_path)
    prediction = workspace_prediction(workspace)
    holders: dict[str, set[str]] = defaultdict(set)
    with workspace.reading() as session:
        for eid, ref in session.execute(
            select(EntityMember.entity_id, EntityMember.ref).where(
                (EntityMember.kind == "holder")
                | ((EntityMember.kind == "subject") & EntityMember.via.is_not(None))
            )
        ):
            holders[ref].add(eid)
    true_holders = {
        key: list(value.get("subjects") or ())
        for key, value in json.loads(truth_path.read_text(encoding="utf-8"))["identifiers"].items()
    }
    resolution = Resolution(truth, prediction.entities, prediction.mentions, holders, true_holders)

    def related(about: Iterable[str], records: Sequence[str]) -> list[str]:
        others = sorted(keys_in(truth, true_holders, set(records)) - set(about))
        for scope in (records, None):
            if any(resolution.causes(key, scope) for key in others):
                return ["another entity"]
        return []

    true_ledger = _Ledger(truth.opportunities)
    near_ledger = _Ledger(truth.near_misses)
    table: dict[str, Counter[tuple[str, str]]] = {
        "missed": Counter(),
        "near-miss raised": Counter(),
        "false positive": Counter(),
    }
    examples: dict[tuple[str, str, str], list[str]] = defaultdict(list)

    def note(what: str, kind: str, causes: list[str], text: str) -> None:
        cause = primary(causes)
        table[what][(kind, cause)] += 1
        examples[(what, kind, cause)].append(text)

    for _, item in ranked(prediction.opportunities):
        kind = str(item["kind"])
        keys = _keys_of(item, resolution.targets)
        if true_ledger.take(kind, keys) is not None:
            continue
        records = list(item.get("records") or [])
        near = near_ledger.take(kind, keys)
        what = "near-miss raised" if near is not None else "false positive"
        if kind in RECORD_KINDS:
            anchor = records[0] if records else ""
            pseudo = TruthOpportunity(kind, None, None, (anchor,), anchor)
            targets = about_keys(truth, pseudo)
        else:
            targets = sorted(keys)
        causes = [c for key in targets for c in resolution.causes(key, records)]
        if not targets:
            causes.append("no true entity")
        if not causes:  # a span elsewhere (it joins records, or counts them)
            causes = [c for key in targets for c in resolution.causes(key, None)]
        if not causes:
            causes = related(targets, records)
        note(what, kind, causes, f"{item.get('id')} {item.get('title', '')[:100]} -> {targets}")
    for index, entry in enumerate(truth.opportunities):
        if index in true_ledger.used:
            continue
        about_them = about_keys(truth, entry)
        causes = [c for key in about_them for c in resolution.causes(key, entry.records)]
        if not causes:
            causes = [c for key in about_them for c in resolution.causes(key, None)]
        if not causes:
            causes = related(about_them, entry.records)
        about = entry.anchor if entry.kind in RECORD_KINDS else ", ".join(sorted(entry.targets))
        note("missed", entry.kind, causes, f"{about} records {list(entry.records)[:6]}: {causes}")
    return {"table": table, "examples": examples}


def print_table(found: dict[str, Any], examples: int) -> None:
    table: dict[str, Counter[tuple[str, str]]] = found["table"]
    for what, counts in table.items():
        total = sum(counts.values())
        print(f"\n### {what}: {total}\n")
        print("| kind | " + " | ".join(CAUSES) + " | total |")
        print("| --- |" + " --- |" * (len(CAUSES) + 1))
        kinds = [k for k in KINDS if any(kk == k for kk, _ in counts)]
        for kind in kinds:
            row = [counts[(kind, c)] for c in CAUSES]
            print(f"| {kind} | " + " | ".join(str(v) for v in row) + f" | {sum(row)} |")
        column = [sum(counts[(k, c)] for k in KINDS) for c in CAUSES]
        print("| all | " + " | ".join(str(v) for v in column) + f" | {total} |")
    if examples:
        print()
        for (what, kind, cause), texts in sorted(found["examples"].items()):
            for text in texts[:examples]:
                print(f"- {what} / {kind} / {cause}: {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("truth", type=Path)
    parser.add_argument("--examples", type=int, default=0)
    parser.add_argument("--json", type=Path, help="Also write the counts here.")
    args = parser.parse_args()
    workspace = Workspace.open(Settings(workspace=args.workspace))
    try:
        found = diagnose(workspace, args.truth)
    finally:
        workspace.close()
    print_table(found, args.examples)
    if args.json:
        out = {w: {f"{k} / {c}": n for (k, c), n in t.items()} for w, t in found["table"].items()}
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
