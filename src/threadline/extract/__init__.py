"""Free text → mentions: people, vehicles, phones, places, ages and dates, with offsets and roles.

``Extractor`` (spaCy NER plus rules) finds mentions in texts; ``ExtractStage``
runs it over the store incrementally as the first stage of ``threadline
analyse``. See ``docs/extraction.md``.
"""

from threadline.extract.extractor import EXTRACTOR_VERSION, Extractor, mentions_in
from threadline.extract.spans import MENTION_TYPES, ROLES, Found
from threadline.extract.stage import ExtractStage

__all__ = [
    "EXTRACTOR_VERSION",
    "MENTION_TYPES",
    "ROLES",
    "ExtractStage",
    "Extractor",
    "Found",
    "mentions_in",
]
