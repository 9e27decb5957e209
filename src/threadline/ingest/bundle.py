"""Importing a case bundle (``bundle.md``): read everything, check everything, then write.

The whole import is one database transaction:

1. *Read and stage*: every line of every file is parsed and validated on its
   own (problems name file, line and field) and staged in the database with
   the references it makes; originals are copied into a locked staging
   directory and their text extracted in a sandboxed worker.
2. *Check*: what needs the whole input (duplicate ids and refs, unknown
   operations, loops in the hierarchy) is checked set-wise over the staged rows.
3. *Apply*: only if there were no problems. New items are added, changed
   items get a new version (the earlier one is kept in ``versions``),
   unchanged items are left alone, so importing the same material twice adds
   nothing.

Any problem rolls the transaction back and removes the staged originals:
the workspace is left exactly as it was. Memory stays flat whatever the size
of the bundle, since nothing holds more than one batch.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.errors import DocumentError, Location
from threadline.ingest.apply import Applied, apply_staged, check_operation_hierarchy
from threadline.ingest.checks import check_staged
from threadline.ingest.documents.limits import DocumentLimits
from threadline.ingest.jsonl import parse_object, read_jsonl
from threadline.ingest.kinds import ITEM_KINDS, RECORD, ItemKind
from threadline.ingest.problems import ImportRejected, Problems
from threadline.ingest.rows import DocumentInfo, content_hash
from threadline.ingest.schema import (
    ActionLine,
    EventLine,
    Line,
    Manifest,
    OperationLine,
    RecordLine,
)
from threadline.ingest.stage import Ref, Stager
from threadline.store.models import Import, Record
from threadline.store.originals import FileTooLargeError, Staging
from threadline.workspace import Workspace

if TYPE_CHECKING:
    from threadline.ingest.documents import DocumentExtractor, ExtractedText

MAX_ORIGINAL_BYTES = 1024 * 1024 * 1024
"""Originals larger than this are refused (text is extracted only from smaller ones)."""

Progress = Callable[[str, int], None]
"""Called with a phase name and how many items that phase has done so far."""


@dataclass
class ImportSummary:
    import_id: int
    bundle: str
    added: dict[str, int]
    changed: dict[str, int]
    unchanged: dict[str, int]
    originals: int
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "import": self.import_id,
            "bundle": self.bundle,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "originals": self.originals,
            "warnings": self.warnings,
        }


def import_bundle(
    workspace: Workspace,
    path: Path,
    *,
    limits: DocumentLimits | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the bundle directory at ``path`` into ``workspace``, all or nothing.

    Raises:
        ImportRejected: the bundle has problems; nothing was written.
    """
    reader = BundleReader(path, limits or DocumentLimits(), progress)
    return reader.run(workspace)


class BundleReader:
    def __init__(self, path: Path, limits: DocumentLimits, progress: Progress | None) -> None:
        self.path = path
        self.limits = limits
        self.progress = progress
        self.problems = Problems()
        self.warnings: list[str] = []

    def run(self, workspace: Workspace) -> ImportSummary:
        root = self._root()
        manifest = self._manifest(root)
        self._check_layout(root)
        self._raise_if_problems()
        with workspace.originals.staging() as staging, LazyExtractor(self.limits) as extractor:
            with workspace.transaction() as session:
                record = Import(
                    source_path=str(root),
                    source_format="bundle",
                    bundle_name=manifest.get("name"),
                    manifest=manifest,
                )
                session.add(record)
                session.flush()
                stager = Stager(session, record.id)
                for kind in ITEM_KINDS:
                    self._stage_file(root, kind, stager, staging, extractor, session)
                stager.flush()
                # Set-wise checks over partly staged input would only echo the
                # per-line problems (a bad operation line makes every record of
                # it "unknown"), so they wait until every line reads cleanly.
                if not self.problems:
                    self.warnings.extend(check_staged(session, record.id, self.problems))
                    check_operation_hierarchy(session, record.id, self.problems)
                self._raise_if_problems()
                applied = apply_staged(session, record.id)
                stager.clear()
                record.finished_at = dt.datetime.now(dt.UTC)
                summary = self._summary(record.id, root, applied)
                record.summary = summary.to_json()
            # Committed: only now may the originals join the store.
            staging.publish()
        return summary

    # -- reading --------------------------------------------------------------

    def _root(self) -> Path:
        if not self.path.exists():
            self.problems.add(str(self.path), None, None, "no such bundle directory")
        elif not self.path.is_dir():
            self.problems.add(str(self.path), None, None, "a bundle is a directory (see bundle.md)")
        self._raise_if_problems()
        return self.path.resolve()

    def _manifest(self, root: Path) -> dict[str, Any]:
        path = root / "manifest.json"
        if not path.is_file():
            self.problems.add("manifest.json", None, None, "required file is missing")
            self._raise_if_problems()
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problems.add(
                "manifest.json", None, None, f"not valid UTF-8 (byte {exc.start + 1})"
            )
            self._raise_if_problems()
            raise AssertionError("unreachable") from None
        try:
            value = parse_object(text)
        except ValueError as exc:
            line = _json_error_line(text)
            self.problems.add("manifest.json", line, None, str(exc))
            self._raise_if_problems()
            raise AssertionError("unreachable") from None
        try:
            Manifest.model_validate(value)
        except ValidationError as exc:
            self.problems.add_validation("manifest.json", 1, exc)
        return value

    def _check_layout(self, root: Path) -> None:
        for kind in ITEM_KINDS:
            if kind.required and not (root / kind.filename).is_file():
                self.problems.add(kind.filename, None, None, "required file is missing")

    def _stage_file(
        self,
        root: Path,
        kind: ItemKind,
        stager: Stager,
        staging: Staging,
        extractor: LazyExtractor,
        session: Session,
    ) -> None:
        path = root / kind.filename
        if not path.is_file():
            return
        label = kind.filename
        done = 0
        for line in read_jsonl(path, label, self.problems):
            if self.problems.full:
                return
            try:
                item = kind.line_model.model_validate(line.value)
            except ValidationError as exc:
                self.problems.add_validation(label, line.number, exc)
                continue
            document = None
            if kind is RECORD and isinstance(item, RecordLine) and item.file is not None:
                document = self._document(
                    root, item, line.value, label, line.number, staging, extractor, session
                )
            rows = kind.to_rows(item, document) if kind is RECORD else kind.to_rows(item)
            stager.add(
                item_type=kind.name,
                item_id=item.id,  # type: ignore[attr-defined]
                source_file=label,
                source_line=line.number,
                content_hash=content_hash(line.value, document.sha256 if document else None),
                raw=line.raw,
                payload=rows.to_json(),
                refs=_refs(item),
            )
            done += 1
            if self.progress and done % 1000 == 0:
                self.progress(kind.filename, done)
        if self.progress:
            self.progress(kind.filename, done)

    def _document(
        self,
        root: Path,
        record: RecordLine,
        value: dict[str, Any],
        label: str,
        line: int,
        staging: Staging,
        extractor: LazyExtractor,
        session: Session,
    ) -> DocumentInfo | None:
        assert record.file is not None
        source = self._safe_path(root, record.file, label, line)
        if source is None:
            return None
        try:
            stored = staging.add(source, MAX_ORIGINAL_BYTES)
        except FileTooLargeError as exc:
            self.problems.add(label, line, "file", f"'{record.file}': {exc}")
            return None
        except OSError as exc:
            self.problems.add(label, line, "file", f"cannot read '{record.file}': {exc.strerror}")
            return None
        suffix = source.suffix.lower()
        # Re-importing the same record with the same original: keep the text we have.
        known = session.execute(
            select(Record.content_hash, Record.document_text, Record.document_status).where(
                Record.id == record.id
            )
        ).first()
        if known is not None and known[0] == content_hash(value, stored.sha256):
            return DocumentInfo(
                stored.sha256, stored.size, suffix, record.file, known[1], known[2] or ""
            )
        try:
            with staging.view(stored.sha256, suffix) as staged:
                extracted = extractor.extract(staged)
        except DocumentError as exc:
            where = Location(label, line, "file")
            self.warnings.append(f"{where}: no text extracted from '{record.file}': {exc}")
            return DocumentInfo(
                stored.sha256, stored.size, suffix, record.file, None, f"failed: {exc}"
            )
        return DocumentInfo(
            stored.sha256,
            stored.size,
            suffix,
            record.file,
            extracted.text,
            f"ok: {extracted.detail}",
        )

    def _safe_path(self, root: Path, name: str, label: str, line: int) -> Path | None:
        """The file a record names, if it is a regular file inside the bundle."""
        pure = PurePosixPath(name.replace("\\", "/"))
        if not pure.parts or pure.is_absolute() or ":" in pure.parts[0]:
            self.problems.add(
                label, line, "file", f"'{name}' must be a path relative to the bundle"
            )
            return None
        if ".." in pure.parts:
            self.problems.add(label, line, "file", f"'{name}' escapes the bundle directory")
            return None
        candidate = root.joinpath(*pure.parts)
        try:
            resolved = candidate.resolve(strict=True)
        except FileNotFoundError:
            self.problems.add(label, line, "file", f"'{name}' does not exist in the bundle")
            return None
        except OSError as exc:
            self.problems.add(label, line, "file", f"cannot resolve '{name}': {exc.strerror}")
            return None
        if not resolved.is_relative_to(root):
            self.problems.add(label, line, "file", f"'{name}' escapes the bundle directory (link)")
            return None
        if not resolved.is_file():
            self.problems.add(label, line, "file", f"'{name}' is not a regular file")
            return None
        if not os.access(resolved, os.R_OK):
            self.problems.add(label, line, "file", f"'{name}' is not readable")
            return None
        return resolved

    # -- results --------------------------------------------------------------

    def _raise_if_problems(self) -> None:
        if self.problems:
            raise ImportRejected(self.problems)

    def _summary(self, import_id: int, root: Path, applied: Applied) -> ImportSummary:
        return ImportSummary(
            import_id=import_id,
            bundle=str(root),
            added=dict(applied.added),
            changed=dict(applied.changed),
            unchanged=dict(applied.unchanged),
            originals=applied.originals,
            warnings=self.warnings,
        )


class LazyExtractor:
    """Starts the sandboxed extraction worker only when a bundle has documents."""

    def __init__(self, limits: DocumentLimits) -> None:
        self.limits = limits
        self._extractor: DocumentExtractor | None = None

    def __enter__(self) -> LazyExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._extractor is not None:
            self._extractor.__exit__(None, None, None)
            self._extractor = None

    def extract(self, path: Path) -> ExtractedText:
        if self._extractor is None:
            from threadline.ingest.documents import DocumentExtractor

            self._extractor = DocumentExtractor(self.limits).__enter__()
        return self._extractor.extract(path)


def _refs(item: Line) -> list[Ref]:
    refs: list[Ref] = []
    if isinstance(item, OperationLine):
        if item.parent is not None:
            refs.append(Ref("parent", item.parent, "parent"))
        return refs
    if isinstance(item, RecordLine | ActionLine | EventLine):
        refs.append(Ref("operation", item.operation, "operation"))
        for i, subject in enumerate(item.subjects):
            refs.append(Ref("subject", subject.ref, f"subjects[{i}].ref"))
    if isinstance(item, RecordLine):
        refs.extend(Ref("record", link.to, f"links[{i}].to") for i, link in enumerate(item.links))
    if isinstance(item, ActionLine | EventLine):
        refs.extend(Ref("record", r, f"records[{i}]") for i, r in enumerate(item.records))
    return refs


def _json_error_line(text: str) -> int | None:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.lineno
    return None
