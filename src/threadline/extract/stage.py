"""The ``extract`` stage: every record's text turned into mentions, incrementally.

A record is (re-)extracted when the hash of its stored text (``Record.body``)
or the extractor's version differs from what ``extracted_records`` holds for
it; mentions of records that no longer exist are dropped. Each chunk of
records is written in one transaction (its old mentions deleted, the new ones
and its ``extracted_records`` row inserted), so a stage stopped half way keeps
what it finished and resumes from there.

Large batches are split over worker processes, each loading spaCy once; the
main process reads texts and writes mentions while the workers extract.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from threadline.analyse.stage import StageProgress, StageReport
from threadline.extract.extractor import EXTRACTOR_VERSION, Extractor, text_hash
from threadline.extract.spans import Found
from threadline.store.bulk import bulk_insert
from threadline.store.mention_models import ExtractedRecord, Mention
from threadline.store.models import Record, utcnow
from threadline.workspace import Workspace

#: Records per chunk: one ``nlp.pipe`` call in a worker, one transaction in the store.
CHUNK: Final = 500

#: Fewer records than this are extracted in the main process: starting a
#: worker and loading spaCy into it costs about as much as extracting this many.
PARALLEL_THRESHOLD: Final = 3000

_ID_BATCH: Final = 500

Extracted = tuple[list[list[Found]], float]


@dataclass(frozen=True, slots=True)
class Todo:
    """A record to extract: its id and the hash of its text."""

    record_id: str
    text_hash: str


class ExtractStage:
    """``threadline analyse`` stage 1: text → mentions."""

    name = "extract"

    def __init__(
        self,
        *,
        processes: int | None = None,
        parallel_threshold: int = PARALLEL_THRESHOLD,
        chunk: int = CHUNK,
        extractor: Extractor | None = None,
    ) -> None:
        self.processes = processes if processes is not None else min(2, os.cpu_count() or 1)
        self.parallel_threshold = parallel_threshold
        self.chunk = chunk
        self._extractor = extractor
        self.worker_cpu = 0.0
        """CPU seconds the worker processes spent in the last run (0 without workers)."""

    def run(self, workspace: Workspace, progress: StageProgress) -> StageReport:
        report = StageReport(self.name)
        todo, dropped = self._plan(workspace)
        report.counts["records"] = len(todo)
        report.counts["dropped"] = dropped
        progress.start("records", len(todo))
        types: Counter[str] = Counter()
        chunks = [todo[i : i + self.chunk] for i in range(0, len(todo), self.chunk)]
        self.worker_cpu = 0.0
        for chunk, found in self._extract_chunks(workspace, chunks):
            self._write(workspace, chunk, found)
            for mentions in found:
                types.update(m.type for m in mentions)
            progress.advance(len(chunk))
        report.counts["mentions"] = sum(types.values())
        report.counts.update({f"mentions_{t}": n for t, n in sorted(types.items())})
        report.counts["worker_cpu_ms"] = round(self.worker_cpu * 1000)
        return report

    def _plan(self, workspace: Workspace) -> tuple[list[Todo], int]:
        """Records whose text or extractor changed, and how many stale records were dropped."""
        with workspace.transaction() as session:
            done = {
                rid: (h, v)
                for rid, h, v in session.execute(
                    select(
                        ExtractedRecord.record_id,
                        ExtractedRecord.text_hash,
                        ExtractedRecord.extractor_version,
                    )
                )
            }
            todo: list[Todo] = []
            seen: set[str] = set()
            rows = session.execute(
                select(Record.id, Record.text, Record.document_text).execution_options(
                    yield_per=2000
                )
            )
            for rid, text, document_text in rows:
                seen.add(rid)
                digest = text_hash(_body(text, document_text))
                if done.get(rid) != (digest, EXTRACTOR_VERSION):
                    todo.append(Todo(rid, digest))
            gone = [rid for rid in done if rid not in seen]
            for i in range(0, len(gone), _ID_BATCH):
                batch = gone[i : i + _ID_BATCH]
                session.execute(delete(Mention).where(Mention.record_id.in_(batch)))
                session.execute(delete(ExtractedRecord).where(ExtractedRecord.record_id.in_(batch)))
            # Mentions left by a record deleted without its state row (cascade off).
            session.execute(delete(Mention).where(Mention.record_id.not_in(select(Record.id))))
        return todo, len(gone)

    def _texts(self, workspace: Workspace, chunk: Sequence[Todo]) -> list[str]:
        ids = [t.record_id for t in chunk]
        with workspace.reading() as session:
            bodies = {
                rid: _body(text, document_text)
                for rid, text, document_text in session.execute(
                    select(Record.id, Record.text, Record.document_text).where(Record.id.in_(ids))
                )
            }
        return [bodies.get(rid, "") for rid in ids]

    def _extract_chunks(
        self, workspace: Workspace, chunks: Sequence[Sequence[Todo]]
    ) -> Iterator[tuple[Sequence[Todo], list[list[Found]]]]:
        total = sum(len(c) for c in chunks)
        if self.processes < 2 or total < self.parallel_threshold:
            extractor = self._extractor or Extractor()
            for chunk in chunks:
                yield chunk, extractor.extract(self._texts(workspace, chunk))
            return
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(
            max_workers=self.processes, mp_context=context, initializer=_start_worker
        ) as pool:
            window: deque[tuple[Sequence[Todo], Future[Extracted]]] = deque()
            pending = iter(chunks)
            for chunk in pending:
                window.append((chunk, pool.submit(_work, self._texts(workspace, chunk))))
                if len(window) >= 2 * self.processes:
                    break
            while window:
                chunk, future = window.popleft()
                following = next(pending, None)
                if following is not None:
                    window.append(
                        (following, pool.submit(_work, self._texts(workspace, following)))
                    )
                found, cpu = future.result()
                self.worker_cpu += cpu
                yield chunk, found

    def _write(
        self, workspace: Workspace, chunk: Sequence[Todo], found: Sequence[Sequence[Found]]
    ) -> None:
        ids = [t.record_id for t in chunk]
        now = utcnow()
        with workspace.transaction() as session:
            session.execute(delete(Mention).where(Mention.record_id.in_(ids)))
            session.execute(delete(ExtractedRecord).where(ExtractedRecord.record_id.in_(ids)))
            bulk_insert(
                session,
                Mention,
                [
                    _row(t.record_id, m)
                    for t, mentions in zip(chunk, found, strict=True)
                    for m in mentions
                ],
            )
            bulk_insert(
                session,
                ExtractedRecord,
                [
                    {
                        "record_id": t.record_id,
                        "text_hash": t.text_hash,
                        "extractor_version": EXTRACTOR_VERSION,
                        "mentions": len(mentions),
                        "extracted_at": now,
                    }
                    for t, mentions in zip(chunk, found, strict=True)
                ],
            )


def _body(text: str | None, document_text: str | None) -> str:
    """``Record.body`` from its two columns, without loading the record."""
    return text if text is not None else (document_text or "")


def _row(record_id: str, m: Found) -> dict[str, Any]:
    return {
        "record_id": record_id,
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "type": m.type,
        "normalised": m.normalised,
        "role": m.role,
        "extractor": m.extractor,
        "confidence": m.confidence,
        "detail": m.detail,
    }


def mentions_of(session: Session, record_id: str) -> list[Mention]:
    """A record's mentions in text order."""
    return list(
        session.scalars(
            select(Mention)
            .where(Mention.record_id == record_id)
            .order_by(Mention.start, Mention.id)
        )
    )


_WORKER: Extractor | None = None


def _start_worker() -> None:
    global _WORKER
    _WORKER = Extractor()


def _work(texts: list[str]) -> Extracted:
    """Mentions of each text, and the CPU seconds this worker spent on them."""
    assert _WORKER is not None, "worker not started"
    started = time.process_time()
    found = _WORKER.extract(texts)
    return found, time.process_time() - started
