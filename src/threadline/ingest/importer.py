"""Importing material: read everything, check everything, then write, in one transaction.

1. *Read and stage*: every item of the source (a bundle's JSON lines, a
   spreadsheet's rows, loose documents) is validated on its own (problems
   name file, line and field) and staged in the database with the references
   it makes; originals are copied into a locked staging directory and their
   text extracted in a sandboxed worker.
2. *Check*: what needs the whole input (duplicate ids and refs, unknown
   operations, loops in the hierarchy) is checked set-wise over the staged rows.
3. *Apply*: only if there were no problems. New items are added, changed
   items get a new version (the earlier one is kept in ``versions``),
   unchanged items are left alone, so importing the same material twice adds
   nothing.

Any problem rolls the transaction back and removes the staged originals: the
workspace is left exactly as it was. Memory stays flat whatever the size of
the input, since nothing holds more than one batch.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.errors import DocumentError, Location
from threadline.ingest.apply import Applied, apply_staged, check_operation_hierarchy
from threadline.ingest.bundle import BundleSource
from threadline.ingest.checks import check_staged
from threadline.ingest.documents import DocumentExtractor, DocumentLimits, UnreadableDocument
from threadline.ingest.kinds import RECORD
from threadline.ingest.problems import ImportRejected, Problems
from threadline.ingest.rows import DocumentInfo, content_hash
from threadline.ingest.schema import ActionLine, EventLine, Line, OperationLine, RecordLine
from threadline.ingest.sources import Source, SourceItem
from threadline.ingest.stage import Ref, Stager
from threadline.security import audit
from threadline.store.bulk import refresh_statistics
from threadline.store.models import Import, Record, StagedItem, StagedRef
from threadline.store.originals import FileTooLargeError, Staging
from threadline.workspace import Workspace

MAX_ORIGINAL_BYTES = 1024 * 1024 * 1024
"""Originals larger than this are refused (text is extracted only from smaller ones)."""

Progress = Callable[[str, int], None]
"""Called with the file being read and how many items have been read from it."""


@dataclass
class ImportSummary:
    import_id: int
    source: str
    format: str
    added: dict[str, int]
    changed: dict[str, int]
    unchanged: dict[str, int]
    originals: int
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "import": self.import_id,
            "source": self.source,
            "format": self.format,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "originals": self.originals,
            "warnings": self.warnings,
        }


class Importer:
    """Imports one source into one workspace, all or nothing."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        limits: DocumentLimits | None = None,
        progress: Progress | None = None,
        by: str | None = None,
    ) -> None:
        self.workspace = workspace
        self.by = by or cli_user()
        self.limits = limits or DocumentLimits()
        self.progress = progress
        self.problems = Problems()
        self.warnings: list[str] = []

    def run(self, source: Source) -> ImportSummary:
        """Raises ImportRejected, having written nothing, when the input has problems."""
        description = source.open(self.problems)
        self._raise_if_problems()
        with (
            self.workspace.originals.staging() as staging,
            DocumentExtractor(self.limits) as extractor,
        ):
            with self.workspace.transaction() as session:
                log = Import(
                    source_path=str(source.path),
                    source_format=source.format,
                    bundle_name=description.get("name"),
                    manifest=description,
                )
                session.add(log)
                session.flush()
                stager = Stager(session, log.id)
                self._stage(source, stager, staging, extractor, session)
                stager.flush()
                refresh_statistics(session, StagedItem, StagedRef)
                # Set-wise checks over partly staged input would only echo the
                # per-line problems (a bad operation line makes every record of
                # it "unknown"), so they wait until every line reads cleanly.
                if not self.problems:
                    self.warnings.extend(check_staged(session, log.id, self.problems))
                    check_operation_hierarchy(session, log.id, self.problems)
                self._raise_if_problems()
                applied = apply_staged(session, log.id)
                stager.clear()
                log.finished_at = dt.datetime.now(dt.UTC)
                summary = self._summary(log.id, source, applied)
                log.summary = summary.to_json()
                # The change is audited in the transaction that makes it.
                audit.append(
                    session,
                    username=self.by,
                    action="import",
                    target=f"import {log.id} ({source.format}) {source.path}",
                    justification=_counts_line(summary),
                )
            # Committed: only now may the originals join the store.
            staging.publish()
        return summary

    def _stage(
        self,
        source: Source,
        stager: Stager,
        staging: Staging,
        extractor: DocumentExtractor,
        session: Session,
    ) -> None:
        counts: dict[str, int] = {}
        for item in source.items(self.problems):
            if self.problems.full:
                return
            self._stage_item(source, item, stager, staging, extractor, session)
            done = counts[item.label] = counts.get(item.label, 0) + 1
            if self.progress and done % 1000 == 0:
                self.progress(item.label, done)
        if self.progress:
            for label, done in counts.items():
                self.progress(label, done)

    def _stage_item(
        self,
        source: Source,
        item: SourceItem,
        stager: Stager,
        staging: Staging,
        extractor: DocumentExtractor,
        session: Session,
    ) -> None:
        kind = item.kind
        try:
            line = kind.line_model.model_validate(item.value)
        except ValidationError as exc:
            self.problems.add_validation(item.label, item.number, exc, item.fields)
            return
        document = None
        if isinstance(line, RecordLine) and line.file is not None:
            document = self._document(source, line, item, staging, extractor, session)
        rows = kind.to_rows(line, document) if kind is RECORD else kind.to_rows(line)
        stager.add(
            item_type=kind.name,
            item_id=line.id,  # type: ignore[attr-defined]
            source_file=item.label,
            source_line=item.number,
            content_hash=content_hash(item.value, document.sha256 if document else None),
            raw=item.raw,
            payload=rows.to_json(),
            refs=_refs(line),
        )

    def _document(
        self,
        source: Source,
        record: RecordLine,
        item: SourceItem,
        staging: Staging,
        extractor: DocumentExtractor,
        session: Session,
    ) -> DocumentInfo | None:
        assert record.file is not None
        where = Location(item.label, item.number, item.fields.get("file", "file"))
        path = self._safe_path(source.files_root, record.file, where)
        if path is None:
            return None
        try:
            stored = staging.add(path, MAX_ORIGINAL_BYTES)
        except FileTooLargeError as exc:
            self._problem(where, f"'{record.file}': {exc}")
            return None
        except OSError as exc:
            self._problem(where, f"cannot read '{record.file}': {exc.strerror}")
            return None
        suffix = path.suffix.lower()
        # Re-importing the same record with the same original: keep the text we have.
        known = session.execute(
            select(Record.content_hash, Record.document_text, Record.document_status).where(
                Record.id == record.id
            )
        ).first()
        if known is not None and known[0] == content_hash(item.value, stored.sha256):
            return DocumentInfo(
                stored.sha256, stored.size, suffix, record.file, known[1], known[2] or ""
            )
        try:
            with staging.view(stored.sha256, suffix) as staged:
                extracted = extractor.extract(staged)
        except DocumentError as exc:
            # The worker names the staged copy; say the reason against the bundle's name.
            reason = exc.reason if isinstance(exc, UnreadableDocument) else str(exc)
            self.warnings.append(f"{where}: no text extracted from '{record.file}': {reason}")
            return DocumentInfo(
                stored.sha256, stored.size, suffix, record.file, None, f"failed: {reason}"
            )
        return DocumentInfo(
            stored.sha256,
            stored.size,
            suffix,
            record.file,
            extracted.text,
            f"ok: {extracted.detail}",
        )

    def _safe_path(self, root: Path, name: str, where: Location) -> Path | None:
        """The file a record names, if it is a regular, readable file inside ``root``."""
        pure = PurePosixPath(name.replace("\\", "/"))
        if not pure.parts or pure.is_absolute() or ":" in pure.parts[0]:
            self._problem(where, f"'{name}' must be a path relative to the bundle")
            return None
        if ".." in pure.parts:
            self._problem(where, f"'{name}' escapes the bundle directory")
            return None
        try:
            resolved = root.joinpath(*pure.parts).resolve(strict=True)
        except FileNotFoundError:
            self._problem(where, f"'{name}' does not exist in the bundle")
            return None
        except OSError as exc:
            self._problem(where, f"cannot resolve '{name}': {exc.strerror}")
            return None
        if not resolved.is_relative_to(root):
            self._problem(where, f"'{name}' escapes the bundle directory (link)")
            return None
        if not resolved.is_file():
            self._problem(where, f"'{name}' is not a regular file")
            return None
        if not os.access(resolved, os.R_OK):
            self._problem(where, f"'{name}' is not readable")
            return None
        return resolved

    def _problem(self, where: Location, message: str) -> None:
        self.problems.add(where.file, where.line, where.field, message)

    def _raise_if_problems(self) -> None:
        if self.problems:
            raise ImportRejected(self.problems)

    def _summary(self, import_id: int, source: Source, applied: Applied) -> ImportSummary:
        return ImportSummary(
            import_id=import_id,
            source=str(source.path),
            format=source.format,
            added=dict(applied.added),
            changed=dict(applied.changed),
            unchanged=dict(applied.unchanged),
            originals=applied.originals,
            warnings=self.warnings,
        )


def cli_user() -> str:
    """Who is at the command line: the operating-system account."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def _counts_line(summary: ImportSummary) -> str:
    parts = []
    for label, counts in (("added", summary.added), ("changed", summary.changed)):
        if counts:
            parts.append(label + " " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return "; ".join(parts) or "nothing new"


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


def import_bundle(
    workspace: Workspace,
    path: Path,
    *,
    limits: DocumentLimits | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import the case bundle directory at ``path`` (``bundle.md``)."""
    return Importer(workspace, limits=limits, progress=progress).run(BundleSource(path))
