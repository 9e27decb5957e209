"""Bringing material in: case bundles, spreadsheets with a mapping, loose documents."""

from __future__ import annotations

from pathlib import Path

from threadline.errors import InputError, Location
from threadline.ingest.bundle import BundleSource
from threadline.ingest.importer import Importer, ImportSummary, Progress, import_bundle
from threadline.ingest.loose import DocumentsSource
from threadline.ingest.sources import Source
from threadline.ingest.tabular import TabularSource

__all__ = ["ImportSummary", "Importer", "Progress", "import_bundle", "import_path", "open_source"]

SPREADSHEETS = (".csv", ".xlsx", ".xlsm")


def open_source(
    path: Path,
    *,
    mapping: Path | None = None,
    operation: str | None = None,
    kind: str = "other",
) -> Source:
    """The source that reads ``path``: a bundle, a spreadsheet (needs a mapping) or documents."""
    if path.suffix.lower() in SPREADSHEETS:
        if mapping is None:
            raise InputError(
                Location(path.name), "a spreadsheet needs --mapping FILE (see docs/import.md)"
            )
        return TabularSource(path, mapping)
    if (path.is_dir() and (path / "manifest.json").exists()) or operation is None:
        return BundleSource(path)
    return DocumentsSource(path, operation, kind)


def import_path(
    importer: Importer,
    path: Path,
    *,
    mapping: Path | None = None,
    operation: str | None = None,
    kind: str = "other",
) -> ImportSummary:
    return importer.run(open_source(path, mapping=mapping, operation=operation, kind=kind))
