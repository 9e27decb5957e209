from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from threadline.settings import Settings
from threadline.web.app import create_app
from threadline.workspace import Workspace


@pytest.fixture
def client(workspace: Workspace, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
