"""Fixtures shared by several test folders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.github.fakegithub import FakeGitHub


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """A fresh fake GitHub; the test fails if any answer strayed from the OpenAPI description."""
    server = FakeGitHub().start()
    yield server
    server.stop()
    assert server.schema_errors == []
