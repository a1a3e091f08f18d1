"""The Dockerfile's promises, checked without a Docker engine.

- It is what the deployment section says: python:3.11-slim, a non-root user,
  the SQLite file on a volume, listening on all interfaces, one server command.
- The files it copies are enough to build the wheel that serves the page.
- Its HEALTHCHECK command, run with the image's environment, succeeds against
  a running server and fails when none answers.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from tests.processes import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    out = []
    for line in lines:
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def values(name: str) -> list[str]:
    return [rest for word, rest in instructions() if word == name]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for rest in values("ENV"):
        for pair in shlex.split(rest):
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def healthcheck_command() -> list[str]:
    (rest,) = values("HEALTHCHECK")
    _, _, command = rest.partition("CMD ")
    return list(json.loads(command))


def test_the_image_is_what_the_readme_says() -> None:
    assert values("FROM") == ["python:3.11-slim"]
    env = image_env()
    assert env["NEURAL_PLAYGROUND_HOST"] == "0.0.0.0"
    db = PurePosixPath(env["NEURAL_PLAYGROUND_DB"])
    assert db.suffix == ".sqlite3"
    assert str(db.parent) in json.loads(values("VOLUME")[0])
    (user,) = values("USER")
    assert user.split(":")[0] not in {"root", "0"}
    assert json.loads(values("CMD")[-1]) == ["neural-playground", "serve"]
    assert values("EXPOSE") == [env["NEURAL_PLAYGROUND_PORT"]]
    assert "/api/health" in " ".join(healthcheck_command())


def test_the_copied_files_build_the_wheel(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    context = tmp_path / "context"
    context.mkdir()
    for rest in values("COPY"):
        *sources, _ = rest.split()
        for source in sources:
            path = ROOT / source
            if path.is_dir():
                shutil.copytree(path, context / source, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(path, context / source)
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)]
    subprocess.run([*build, str(context)], check=True, capture_output=True, timeout=300)
    names = set(zipfile.ZipFile(next(tmp_path.glob("neural_playground-*.whl"))).namelist())
    assert {"app/cli.py", "app/templates/index.html", "app/static/js/main.js"} <= names


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """The server started as the image starts it (a bare ``serve``, settings from the image's
    environment), on 127.0.0.1 and a free port instead of 0.0.0.0:8000."""
    process = ServerProcess(
        tmp_path / "runs.sqlite3", env=image_env() | {"NEURAL_PLAYGROUND_WORKERS": "0"}, flags=False
    )
    try:
        process.start()
        yield process
    finally:
        process.stop()


def test_the_healthcheck_passes_on_a_live_server_and_fails_without_one(server: ServerProcess) -> None:
    command = healthcheck_command()
    assert command[0] == "python"
    command[0] = sys.executable
    env = os.environ | {"NEURAL_PLAYGROUND_PORT": str(server.port)}
    assert subprocess.run(command, env=env, capture_output=True, timeout=10).returncode == 0
    assert server.db.exists()
    server.stop()
    assert subprocess.run(command, env=env, capture_output=True, timeout=10).returncode != 0
