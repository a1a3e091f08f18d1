from __future__ import annotations

from typing import Any

import pytest

from app.config import Config
from app.training import Session


def make_session(**overrides: Any) -> Session:
    return Session(Config.model_validate(overrides))


@pytest.fixture
def session_factory():  # type: ignore[no-untyped-def]
    return make_session
