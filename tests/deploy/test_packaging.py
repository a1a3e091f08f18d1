"""A plain (non-editable) install must serve the page: the wheel carries templates/ and static/."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_carries_the_page(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("neural_playground-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ["app/templates/index.html", "app/static/js/main.js", "app/static/css/playground.css", "app/cli.py"]:
        assert path in names, path
    static = {p.relative_to(ROOT).as_posix() for p in (ROOT / "static").rglob("*") if p.is_file()}
    assert {f"app/{p}" for p in static} <= names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
