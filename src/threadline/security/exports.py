"""Exports: what a person may see, in a form that leaves the system, victims anonymised.

Everything here reads through :meth:`Access.publishing`, so an export holds
exactly the records the person may read (for a ``partner`` pack, only those a
partner agency may receive: sharing classes ``permitted`` and ``conditions``),
with every victim anonymised whatever the person's role, as the record pages
show them to an analyst. The resolved entities those records hold go with
them, labelled from the exported material only (a victim, or an identifier or
place of a victim, as ``[victim]``).

Formats (:data:`FORMATS`): ``csv`` (a row a record), ``xlsx`` (sheets of
records, subjects, entities and appearances), ``ftm`` (FollowTheMoney entities,
one JSON object a line: a ``Document`` a record, a ``Person`` a subject, a
``Person``/``Vehicle``/``Address``/``Organization``/``Thing`` an entity,
``Documentation`` joining each to its records) and ``graphml`` (records,
subjects and entities as nodes; appearances and record links as edges).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from sqlalchemy import select

from threadline.security.access import Access, RecordView
from threadline.security.entities import EntityAccess
from threadline.store.entity_models import EntityMember

FORMATS = ("csv", "xlsx", "ftm", "graphml")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ftm": "application/x-ndjson",
    "graphml": "application/graphml+xml",
}
SUFFIXES = {"csv": "csv", "xlsx": "xlsx", "ftm": "ftm.json", "graphml": "graphml"}
RECORD_COLUMNS = (
    "id",
    "operation",
    "kind",
    "date",
    "grading",
    "sharing",
    "title",
    "subjects",
    "text",
)


@dataclass(frozen=True)
class ExportedEntity:
    id: str
    type: str
    label: str
    records: list[str]


@dataclass
class Material:
    """What an export holds: record views (anonymised) and the entities in them."""

    records: list[RecordView] = field(default_factory=list)
    entities: list[ExportedEntity] = field(default_factory=list)


@dataclass(frozen=True)
class Export:
    format: str
    content: bytes
    records: int
    entities: int

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def filename(self) -> str:
        return f"threadline-export.{SUFFIXES[self.format]}"


def gather(access: Access, *, operation: str | None = None, partner: bool = False) -> Material:
    """The records and entities an export of ``access``'s view holds, victims anonymised."""
    published = access.publishing(partner=partner)
    material = Material(records=list(published.export(operation=operation)))
    record_ids = [r.id for r in material.records]
    members: dict[str, set[str]] = {}
    for start in range(0, len(record_ids), 500):
        chunk = record_ids[start : start + 500]
        for entity_id, record_id in published.session.execute(
            select(EntityMember.entity_id, EntityMember.record_id).where(
                EntityMember.record_id.in_(chunk)
            )
        ):
            if record_id is not None:
                members.setdefault(entity_id, set()).add(record_id)
    labels = EntityAccess(published).labels(members)
    material.entities = [
        ExportedEntity(eid, kind, label, sorted(members[eid]))
        for eid, (kind, label) in sorted(labels.items())
    ]
    return material


def export(
    access: Access, *, format: str, operation: str | None = None, partner: bool = False
) -> Export:
    """The export of ``access``'s view in ``format`` (one of :data:`FORMATS`)."""
    writer = WRITERS.get(format)
    if writer is None:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    material = gather(access, operation=operation, partner=partner)
    return Export(format, writer(material), len(material.records), len(material.entities))


# -- formats ----------------------------------------------------------------------------


def record_row(view: RecordView) -> list[str]:
    return [
        view.id,
        view.operation,
        view.kind or "",
        view.date.isoformat() if view.date else "",
        view.grading or "",
        view.sharing,
        view.title,
        "; ".join(f"{s.role}: {s.name or ''}" for s in view.subjects),
        view.text,
    ]


def write_csv(material: Material) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RECORD_COLUMNS)
    writer.writerows(record_row(view) for view in material.records)
    return out.getvalue().encode("utf-8")


def _cell(value: object) -> object:
    # A spreadsheet would run text starting with "=" (and friends) as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_xlsx(material: Material) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheets: dict[str, tuple[tuple[str, ...], list[list[object]]]] = {
        "records": (RECORD_COLUMNS, [list(record_row(v)) for v in material.records]),
        "subjects": (
            ("record", "ref", "role", "name", "aliases", "age", "gender"),
            [
                [v.id, s.ref, s.role or "", s.name or "", "; ".join(s.aliases), s.age, s.gender]
                for v in material.records
                for s in v.subjects
            ],
        ),
        "entities": (
            ("id", "type", "label", "records"),
            [[e.id, e.type, e.label, len(e.records)] for e in material.entities],
        ),
        "appearances": (
            ("entity", "record"),
            [[e.id, r] for e in material.entities for r in e.records],
        ),
    }
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(list(header))
        for row in rows:
            sheet.append([_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_FTM_SCHEMA = {
    "person": "Person",
    "vehicle": "Vehicle",
    "location": "Address",
    "organisation": "Organization",
}


def _ftm_entity(entity: ExportedEntity) -> dict[str, object]:
    schema = _FTM_SCHEMA.get(entity.type, "Thing")
    properties: dict[str, list[str]] = {"name": [entity.label]}
    if schema == "Vehicle" and entity.label.startswith("[") is False:
        properties["registrationNumber"] = [entity.label]
    if schema == "Address":
        properties["full"] = [entity.label]
    return {"id": f"entity-{entity.id}", "schema": schema, "properties": properties}


def write_ftm(material: Material) -> bytes:
    lines: list[dict[str, object]] = []
    for view in material.records:
        document: dict[str, list[str]] = {
            "title": [view.title],
            "bodyText": [view.text],
            "keywords": [view.operation, view.sharing],
        }
        if view.date:
            document["date"] = [view.date.isoformat()]
        if view.grading:
            document["notes"] = [f"grading {view.grading}"]
        lines.append({"id": f"record-{view.id}", "schema": "Document", "properties": document})
        for subject in view.subjects:
            person: dict[str, list[str]] = {"name": [subject.name or subject.ref]}
            if subject.aliases:
                person["alias"] = subject.aliases
            if subject.dob:
                person["birthDate"] = [subject.dob.isoformat()]
            if subject.gender:
                person["gender"] = [subject.gender]
            subject_id = f"subject-{subject.ref}"
            lines.append({"id": subject_id, "schema": "Person", "properties": person})
            lines.append(_documentation(view.id, subject_id, subject.role))
    for entity in material.entities:
        lines.append(_ftm_entity(entity))
        lines.extend(_documentation(r, f"entity-{entity.id}", None) for r in entity.records)
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def _documentation(record_id: str, entity_id: str, role: str | None) -> dict[str, object]:
    properties = {"document": [f"record-{record_id}"], "entity": [entity_id]}
    if role:
        properties["role"] = [role]
    return {
        "id": f"doc-{record_id}-{entity_id}",
        "schema": "Documentation",
        "properties": properties,
    }


GRAPHML = "http://graphml.graphdrawing.org/xmlns"


def write_graphml(material: Material) -> bytes:
    ET.register_namespace("", GRAPHML)
    root = ET.Element(f"{{{GRAPHML}}}graphml")
    keys = {
        "kind": "node",
        "label": "node",
        "operation": "node",
        "date": "node",
        "sharing": "node",
        "relation": "edge",
    }
    for name, domain in keys.items():
        ET.SubElement(
            root,
            f"{{{GRAPHML}}}key",
            {"id": name, "for": domain, "attr.name": name, "attr.type": "string"},
        )
    graph = ET.SubElement(
        root, f"{{{GRAPHML}}}graph", {"id": "threadline", "edgedefault": "undirected"}
    )

    def node(node_id: str, **data: str) -> None:
        element = ET.SubElement(graph, f"{{{GRAPHML}}}node", {"id": node_id})
        for key, value in data.items():
            ET.SubElement(element, f"{{{GRAPHML}}}data", {"key": key}).text = value

    edges = 0

    def edge(source: str, target: str, relation: str) -> None:
        nonlocal edges
        edges += 1
        element = ET.SubElement(
            graph, f"{{{GRAPHML}}}edge", {"id": f"e{edges}", "source": source, "target": target}
        )
        ET.SubElement(element, f"{{{GRAPHML}}}data", {"key": "relation"}).text = relation

    exported = {view.id for view in material.records}
    for view in material.records:
        node(
            f"record:{view.id}",
            kind=f"record {view.kind or ''}".strip(),
            label=view.title,
            operation=view.operation,
            date=view.date.isoformat() if view.date else "",
            sharing=view.sharing,
        )
        for subject in view.subjects:
            node(f"subject:{subject.ref}", kind="subject", label=subject.name or subject.ref)
            edge(f"subject:{subject.ref}", f"record:{view.id}", subject.role or "subject")
    for view in material.records:
        for target, kind in view.links:
            if target in exported:
                edge(f"record:{view.id}", f"record:{target}", kind or "link")
    for entity in material.entities:
        node(f"entity:{entity.id}", kind=f"entity {entity.type}", label=entity.label)
        for record_id in entity.records:
            edge(f"entity:{entity.id}", f"record:{record_id}", "appears in")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


WRITERS: dict[str, Callable[[Material], bytes]] = {
    "csv": write_csv,
    "xlsx": write_xlsx,
    "ftm": write_ftm,
    "graphml": write_graphml,
}

__all__ = ["FORMATS", "Export", "ExportedEntity", "Material", "export", "gather"]
