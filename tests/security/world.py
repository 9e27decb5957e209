"""A small hand-made world for access tests: every operation relation × every sharing class.

Operations: UMB (umbrella) coordinating ALPHA and BRAVO, and SOLO on its own.
Each operation holds one record per sharing class; each record names a
victim (``Vera QUILLFEATHER-<record>``) in a subject and in its text, and a
suspect, and carries a unique search token.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from threadline.store.entity_models import Entity, EntityLink, EntityMember
from threadline.store.mention_models import Mention
from threadline.store.models import Record
from threadline.store.opportunity_models import Opportunity
from threadline.workspace import Workspace

OPERATIONS = {"UMB": None, "ALPHA": "UMB", "BRAVO": "UMB", "SOLO": None}

GRADES: dict[str, dict[str, str] | None] = {
    "permitted": {"system": "3x5x2", "source": "1", "intelligence": "A", "handling": "P"},
    "conditions": {"system": "3x5x2", "source": "2", "intelligence": "B", "handling": "C"},
    "law_enforcement": {"system": "5x5x5", "source": "B", "intelligence": "2", "handling": "1"},
    "originator": {"system": "5x5x5", "source": "A", "intelligence": "1", "handling": "4"},
    "ungraded": None,
}


def record_id(operation: str, sharing: str) -> str:
    return f"R-{operation}-{sharing.replace('_', '')}"


def token(operation: str, sharing: str) -> str:
    return f"zq{operation.lower()}{sharing.replace('_', '')}"


def victim_name(operation: str, sharing: str) -> str:
    return f"Vera QUILLFEATHER{operation}{sharing.replace('_', '').upper()}"


def write_world(out: Path) -> dict[str, tuple[str, str]]:
    """Write the bundle; return record id -> (operation, sharing class)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(
        json.dumps({"format": "threadline-bundle", "version": 1, "name": "access world"})
    )
    ops = [
        {
            "id": op,
            "name": f"Operation {op.title()}",
            "kind": "umbrella" if op == "UMB" else "current",
            "parent": parent,
            "status": "open",
        }
        for op, parent in OPERATIONS.items()
    ]
    records: list[dict[str, Any]] = []
    index: dict[str, tuple[str, str]] = {}
    for op in OPERATIONS:
        for sharing, grade in GRADES.items():
            rid = record_id(op, sharing)
            index[rid] = (op, sharing)
            victim = victim_name(op, sharing)
            record: dict[str, Any] = {
                "id": rid,
                "operation": op,
                "kind": "statement",
                "date": "2005-03-01",
                "title": f"Statement of {victim}",
                "text": (
                    f"Reference {token(op, sharing)}. {victim} states that a male known as "
                    f"Mohammed ALI collected her from Canal Street in a red car."
                ),
                "subjects": [
                    {"ref": f"{rid}/S1", "role": "victim", "name": victim, "age": 14},
                    {"ref": f"{rid}/S2", "role": "suspect", "name": "Mohammed ALI"},
                ],
            }
            if grade is not None:
                record["grading"] = grade
            records.append(record)
    for name, items in (("operations", ops), ("records", records)):
        (out / f"{name}.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    return index


SUSPECT_ENTITY = "E-ali"


def victim_entity(record: str) -> str:
    return f"E-victim-{record}"


def add_entities(workspace: Workspace, index: dict[str, tuple[str, str]]) -> None:
    """Hand-made analysis over the world: one suspect entity across every record, and per
    record a victim entity (its victim subject and the victim's name in the text as a
    mention)."""
    with workspace.transaction() as session:
        session.add(Entity(id=SUSPECT_ENTITY, type="person", label="Mohammed ALI", key=None))
        for n, (rid, (op, sharing)) in enumerate(sorted(index.items())):
            text = session.get(Record, rid)
            assert text is not None and text.text is not None
            victim = victim_name(op, sharing)
            start = text.text.index(victim)
            mention = Mention(
                record_id=rid,
                start=start,
                end=start + len(victim),
                text=victim,
                type="person",
                role="victim",
                extractor="test",
                confidence=1.0,
            )
            suspect_at = text.text.index("Mohammed ALI")
            suspect = Mention(
                record_id=rid,
                start=suspect_at,
                end=suspect_at + len("Mohammed ALI"),
                text="Mohammed ALI",
                type="person",
                role="suspect",
                extractor="test",
                confidence=1.0,
            )
            session.add_all([mention, suspect])
            session.flush()
            entity = victim_entity(rid)
            session.add(Entity(id=entity, type="person", label=victim, key=None))
            session.add_all(
                [
                    EntityMember(
                        entity_id=entity,
                        kind="subject",
                        ref=f"{rid}/S1",
                        record_id=rid,
                        operation_id=op,
                    ),
                    EntityMember(
                        entity_id=entity,
                        kind="mention",
                        ref=str(mention.id),
                        record_id=rid,
                        operation_id=op,
                        span_start=mention.start,
                        span_end=mention.end,
                        text=victim,
                    ),
                    EntityMember(
                        entity_id=SUSPECT_ENTITY,
                        kind="subject",
                        ref=f"{rid}/S2",
                        record_id=rid,
                        operation_id=op,
                    ),
                    EntityMember(
                        entity_id=SUSPECT_ENTITY,
                        kind="mention",
                        ref=str(suspect.id),
                        record_id=rid,
                        operation_id=op,
                        span_start=suspect.start,
                        span_end=suspect.end,
                        text="Mohammed ALI",
                    ),
                ]
            )
            if n:
                session.add(
                    EntityLink(
                        entity_id=SUSPECT_ENTITY,
                        left_kind="subject",
                        left_ref=f"{sorted(index)[0]}/S2",
                        right_kind="subject",
                        right_ref=f"{rid}/S2",
                        source="model",
                        match_weight=9.5,
                        match_probability=0.998,
                    )
                )


OPPORTUNITIES = {
    "O-alpha": ["R-ALPHA-permitted", "R-ALPHA-conditions"],
    "O-alpha-orig": ["R-ALPHA-originator"],
    "O-cross": ["R-ALPHA-permitted", "R-BRAVO-lawenforcement"],
    "O-solo": ["R-SOLO-ungraded"],
}


def add_opportunities(workspace: Workspace) -> None:
    """Hand-made opportunities over the world's records (the suspect in each)."""
    with workspace.transaction() as session:
        for rank, (oid, records) in enumerate(OPPORTUNITIES.items(), start=1):
            victim = victim_name(*_op_sharing(records[0]))
            session.add(
                Opportunity(
                    id=oid,
                    kind="unactioned-suspect",
                    rank=rank,
                    score=1.0 - rank / 10,
                    title=f"Mohammed ALI named in {len(records)} records",
                    explanation=f"Named as suspect; {victim} gave the account in {records[0]}.",
                    status="new",
                    anchor=SUSPECT_ENTITY,
                    entities=[SUSPECT_ENTITY],
                    records=records,
                    operations=sorted({r.split("-")[1] for r in records}),
                    evidence_hash="0" * 64,
                )
            )


def _op_sharing(record: str) -> tuple[str, str]:
    _, op, code = record.split("-")
    sharing = next(s for s in GRADES if s.replace("_", "") == code)
    return op, sharing
