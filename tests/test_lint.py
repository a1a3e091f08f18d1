"""The code stays ruff clean, ruff formatted, and type-checks with mypy (settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.processes import REPO

PATHS = ["app", "tests", "benchmarks"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    pytest.importorskip("ruff")
    for command in (("ruff", "check", *PATHS), ("ruff", "format", "--check", *PATHS)):
        result = run(*command)
        assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    pytest.importorskip("mypy")
    result = run("mypy", *PATHS)
    assert result.returncode == 0, result.stdout + result.stderr
