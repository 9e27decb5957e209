"""Reading documents in a separate, resource-limited worker process.

A hostile or merely pathological file can make a parser loop or allocate
without end, and nothing inside the parsing process can reliably stop it.
So the parent hands each document to one long-lived worker, with its
address space capped by `RLIMIT_AS` and its processor time by `RLIMIT_CPU`,
and waits at most `max_seconds` for the answer.

Workers come from multiprocessing's "forkserver": a fresh interpreter,
started once, that has imported the parsers and forks a worker on request.
Unlike a plain fork, nothing of the parent (database connections, threads,
locks held) is copied; unlike "spawn", replacing a worker costs milliseconds,
not the second a new interpreter takes to import pypdf. A worker that
overruns, runs out of memory or crashes is killed and replaced; the document
is reported as a `DocumentError` in words a user understands, and the next
document goes to the fresh worker.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import resource
import signal
import threading
import warnings
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import TracebackType
from typing import Self

from threadline.errors import DocumentError
from threadline.ingest.documents.extract import read_document
from threadline.ingest.documents.extracted import ExtractedText
from threadline.ingest.documents.limits import DocumentLimits, describe_bytes, describe_seconds
from threadline.ingest.documents.unreadable import UnreadableDocument

# How a worker that hit its memory limit says so: it exits with this code at
# once, since after a MemoryError even sending a reply may fail.
_OUT_OF_MEMORY_EXIT = 86

# Time a fresh worker gets to say it is ready (the first also starts the fork
# server, which imports the parsers). Not part of any document's time: on a
# loaded machine a start can take seconds.
_START_SECONDS = 120.0

# Time a worker gets to leave on its own before it is killed.
_STOP_SECONDS = 2.0

_READY = "ready"


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection


class DocumentExtractor:
    """Extracts documents' text in a worker process, within time and memory limits.

    One worker is reused for many documents (starting a process costs far
    more than reading a typical document); it is started on first use, and
    replaced after any document that overran or crashed it. Use it as a
    context manager, so the worker never outlives its use:

        with DocumentExtractor(DocumentLimits()) as extractor:
            for path in paths:
                try:
                    extracted = extractor.extract(path)
                except DocumentError as exc:
                    ...  # record why this original has no text

    Calls from several threads are served one at a time.

    Args:
        limits: limits applied to every document; `max_seconds` and
            `max_memory_bytes` are enforced on the worker.
    """

    def __init__(self, limits: DocumentLimits | None = None) -> None:
        self._limits = limits if limits is not None else DocumentLimits()
        self._context = multiprocessing.get_context("forkserver")
        self._worker: _Worker | None = None
        self._lock = threading.Lock()

    @property
    def limits(self) -> DocumentLimits:
        """The limits applied to every document."""
        return self._limits

    @property
    def worker_pid(self) -> int | None:
        """The process id of the current worker, or None when none is running."""
        return self._worker.process.pid if self._worker is not None else None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def extract(self, path: Path) -> ExtractedText:
        """Extract one document's text (see `extract_text`) in the worker.

        Raises:
            UnreadableDocument: (a DocumentError) the document cannot be
                read, or reading it took longer than `max_seconds`, needed
                more than `max_memory_bytes`, or crashed the worker; or no
                worker could be started. `reason` says which.
        """
        request = str(path.absolute())  # the worker may not share our working directory
        with self._lock:
            try:
                outcome, payload = self._exchange(request)
            except BaseException as exc:
                # Whatever broke the exchange (an overrun, a crash, Ctrl-C while
                # waiting), the worker may still answer this request later, so it
                # must not be asked the next one.
                self._discard()
                if isinstance(exc, DocumentError):
                    raise UnreadableDocument(str(path), str(exc)) from None
                raise
        if outcome == "ok" and isinstance(payload, ExtractedText):
            return payload
        raise UnreadableDocument(str(path), str(payload))

    def _exchange(self, request: str) -> tuple[str, object]:
        """Send one path to the worker and wait for its answer.

        Raises:
            DocumentError: why no answer came, without the path.
        """
        worker = self._running_worker()
        try:
            worker.connection.send(request)
        except OSError:
            # The idle worker died (killed from outside); one fresh try.
            self._discard()
            worker = self._running_worker()
            worker.connection.send(request)
        if not worker.connection.poll(self._limits.max_seconds):
            raise DocumentError(
                f"reading it took longer than "
                f"{describe_seconds(self._limits.max_seconds)} and was stopped"
            )
        try:
            outcome, payload = worker.connection.recv()
        except (EOFError, OSError):
            raise DocumentError(self._why_stopped(worker)) from None
        return str(outcome), payload

    def close(self) -> None:
        """Stop the worker, if one is running. The extractor can still be used after."""
        with self._lock:
            self._discard(gracefully=True)

    def _running_worker(self) -> _Worker:
        if self._worker is not None and self._worker.process.is_alive():
            return self._worker
        self._discard()
        self._worker = self._start()
        return self._worker

    def _start(self) -> _Worker:
        # Takes effect only if the fork server is not running yet; the list is
        # process-wide, which is harmless: preloading only saves imports.
        self._context.set_forkserver_preload([__name__])
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=serve,
            args=(child_end, self._limits),
            name="threadline-document-worker",
            # Daemonic: multiprocessing kills it when this interpreter exits.
            daemon=True,
        )
        process.start()
        # Only the worker holds its end now, so its death reads as end-of-file here.
        child_end.close()
        worker = _Worker(process, parent_end)
        try:
            ready = parent_end.poll(_START_SECONDS) and parent_end.recv() == _READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            code = process.exitcode
            self._stop(worker, gracefully=False)
            what = "did not answer in time" if code is None else f"exited with code {code}"
            raise DocumentError(
                f"the document extraction worker could not be started: it {what} "
                "(its error output, if any, is above)"
            )
        return worker

    def _discard(self, *, gracefully: bool = False) -> None:
        if self._worker is not None:
            worker, self._worker = self._worker, None
            self._stop(worker, gracefully=gracefully)

    @staticmethod
    def _stop(worker: _Worker, *, gracefully: bool) -> None:
        # Closing our end makes an idle worker's recv() end, and it exits.
        worker.connection.close()
        if gracefully:
            worker.process.join(_STOP_SECONDS)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(_STOP_SECONDS)
        if not worker.process.is_alive():
            worker.process.close()

    def _why_stopped(self, worker: _Worker) -> str:
        worker.process.join(_STOP_SECONDS)
        code = worker.process.exitcode
        memory = describe_bytes(self._limits.max_memory_bytes)
        if code == _OUT_OF_MEMORY_EXIT:
            return f"reading it needed more than {memory} of memory and was stopped"
        if code == -signal.SIGXCPU:
            seconds = describe_seconds(self._limits.max_seconds)
            return f"reading it used more than {seconds} of processor time and was stopped"
        if code == -signal.SIGKILL:
            return (
                "the extraction process was killed from outside while reading it, "
                "most likely by the system for using too much memory"
            )
        if code is not None and code < 0:
            return f"the extraction process crashed while reading it ({signal.Signals(-code).name})"
        return f"the extraction process stopped unexpectedly while reading it (exit code {code})"


def serve(connection: Connection, limits: DocumentLimits) -> None:
    """The worker's loop: read paths from `connection`, answer with their text.

    Runs in the worker process. Each request is an absolute path; each
    answer is ("ok", ExtractedText) or ("error", reason). The loop ends when
    the parent closes its end of the pipe, so the worker never outlives it
    by more than the document in hand.
    """
    _settle_worker(limits)
    connection.send(_READY)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        _allow_processor_time(limits.max_seconds)
        try:
            reply: tuple[str, object] = ("ok", read_document(Path(request), limits))
        except MemoryError:
            os._exit(_OUT_OF_MEMORY_EXIT)
        except DocumentError as exc:
            reply = ("error", str(exc))
        except Exception as exc:
            reply = ("error", f"could not be read: {type(exc).__name__}: {exc}")
        try:
            connection.send(reply)
        except MemoryError:
            os._exit(_OUT_OF_MEMORY_EXIT)
        except OSError:
            return
        del reply


def _settle_worker(limits: DocumentLimits) -> None:
    """Prepare the worker process: limits, signals, and quiet libraries."""
    # Ctrl-C reaches the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _lower_limit(resource.RLIMIT_AS, limits.max_memory_bytes)
    # A worker killed for its processor time must not leave a core file behind.
    _lower_limit(resource.RLIMIT_CORE, 0)
    # Warnings about malformed files would go to the terminal; the answer
    # (text or reason) is what counts.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def _lower_limit(which: int, value: int) -> None:
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))


def _allow_processor_time(seconds: float) -> None:
    """Let the next document use `seconds` more processor time, then SIGXCPU.

    `RLIMIT_CPU` counts the process's whole life, so the soft limit is moved
    on before each document. The wall-clock limit in the parent normally
    stops a document first; this one stops a worker whose parent has gone.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    soft = math.ceil(used + seconds) + 1
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
