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
