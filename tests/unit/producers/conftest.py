from __future__ import annotations

import pytest
from feedserver import FeedServer


@pytest.fixture
def server():
    with FeedServer() as srv:
        yield srv
