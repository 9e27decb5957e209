from __future__ import annotations

import pytest

from threadline.extract import Extractor


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """spaCy loaded once for the whole session."""
    return Extractor()
