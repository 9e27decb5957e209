"""``threadline export`` in every format: parsed back, the right records, victims anonymised."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from tests.security.world import GRADES, OPERATIONS, add_entities, record_id, write_world
from threadline.cli.main import app
from threadline.ingest import import_bundle
from threadline.security import audit
from threadline.security.exports import FORMATS
from threadline.settings import Settings
from threadline.store.security_models import AuditEvent
from threadline.workspace import Workspace

runner = CliRunner()
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
PARTNER_CLASSES = ("permitted", "conditions")


def _records(fmt: str, content: bytes) -> tuple[set[str], str]:
    """The record ids an export holds, and all its text (to look for victims in)."""
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
        return {r["id"] for r in rows}, content.decode("utf-8")
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        rows = list(book["records"].iter_rows(values_only=True))
        header = list(rows[0])
        return {str(r[header.index("id")]) for r in rows[1:]}, "\n".join(cells)
    if fmt == "ftm":
        lines = [json.loads(line) for line in content.decode("utf-8").splitlines()]
        for line in lines:
            assert set(line) == {"id", "schema", "properties"}
            assert all(isinstance(v, list) for v in line["properties"].values())
        documents = {
            line["id"].removeprefix("record-") for line in lines if line["schema"] == "Document"
        }
        return documents, content.decode("utf-8")
    root = ET.fromstring(content)
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    nodes = {n.get("id", "") for n in graph.iter(f"{GRAPHML}node")}
    for edge in graph.iter(f"{GRAPHML}edge"):
        assert edge.get("source") in nodes and edge.get("target") in nodes
    texts = [d.text or "" for d in root.iter(f"{GRAPHML}data")]
    return {n.removeprefix("record:") for n in nodes if n.startswith("record:")}, "\n".join(texts)


@pytest.fixture
def world(settings: Settings, tmp_path: Path, cli_env: dict[str, str]) -> Settings:
    index = write_world(tmp_path / "world")
    workspace = Workspace.create(settings)
    try:
        import_bundle(workspace, tmp_path / "world")
        add_entities(workspace, index)
    finally:
        workspace.close()
    return settings


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_in_each_format(world: Settings, tmp_path: Path, fmt: str) -> None:
    every = {record_id(op, sharing) for op in OPERATIONS for sharing in GRADES}
    partner = {record_id(op, sharing) for op in OPERATIONS for sharing in PARTNER_CLASSES}
    for args, expected in (([], every), (["--partner"], partner)):
        out = tmp_path / f"export-{fmt}-{len(args)}"
        result = runner.invoke(
            app, ["export", "--format", fmt, "--out", str(out), "--reason", "test", *args]
        )
        assert result.exit_code == 0, result.output
        found, text = _records(fmt, out.read_bytes())
        assert found == expected
        # Victims are anonymised whatever the format, partner pack or not.
        assert "QUILLFEATHER" not in text.upper()
        assert "Vera" not in text
        assert "[victim" in text
        # The suspect is not a victim: named, so the export is not blanked wholesale.
        assert "Mohammed ALI" in text

    one = tmp_path / f"export-{fmt}-alpha"
    result = runner.invoke(
        app, ["export", "--format", fmt, "--out", str(one), "--operation", "ALPHA", "--partner"]
    )
    assert result.exit_code == 0, result.output
    assert _records(fmt, one.read_bytes())[0] == {
        record_id("ALPHA", sharing) for sharing in PARTNER_CLASSES
    }

    workspace = Workspace.open(world)
    try:
        with workspace.reading() as session:
            events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "export")))
            assert audit.verify(session).ok
    finally:
        workspace.close()
    assert len(events) == 3
    assert all(e.username.startswith("cli:") for e in events)
    assert [e.justification for e in events] == ["test", "test", "no reason given"]
    assert "partner" in events[1].target and "ALPHA" in events[2].target


def test_export_refuses_an_unknown_format_or_operation(world: Settings, tmp_path: Path) -> None:
    out = tmp_path / "x"
    assert runner.invoke(app, ["export", "--format", "pdf", "--out", str(out)]).exit_code == 1
    result = runner.invoke(
        app, ["export", "--format", "csv", "--out", str(out), "--operation", "NOPE"]
    )
    assert result.exit_code == 1
    assert not out.exists()
