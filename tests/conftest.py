from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from app.training.config import Config
from app.training.session import Session

# Apps built by tests keep their sessions in-process unless a test asks for workers.
os.environ.setdefault("NEURAL_PLAYGROUND_WORKERS", "0")


def make_session(**overrides: Any) -> Session:
    return Session(Config.model_validate(overrides))


@pytest.fixture
def session_factory() -> Callable[..., Session]:
    return make_session
