"""The console script, run as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.cli import main
from app.outputs.documents import session_from_document
from tests.conftest import make_session

RESULT_FIELDS = {"epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "status", "seconds"}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_train_json_on_xor() -> None:
    proc = run_cli("train", "--dataset", "xor", "--hidden", "4", "--epochs", "300", "--lr", "0.1", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result) >= RESULT_FIELDS
    assert result["epochs"] == 300 and result["status"] == "ready"
    assert result["test_accuracy"] >= 0.97
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--dataset", "nope"], "dataset.name"),
        (["--dataset", "circle", "--classes", "3"], "dataset.classes"),
        (["--lr", "abc"], "--lr"),
        (["--lr", "-1"], "optimizer.learning_rate"),
        (["--hidden", "8,x"], "--hidden"),
        (["--epochs", "0"], "--epochs"),
        (["--bogus"], "--bogus"),
        (["--config", "/does/not/exist.json"], "--config"),
    ],
)
def test_bad_flags_exit_2_with_one_line(args: list[str], field: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and field in err


def test_bad_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text('{"hidden_layers": [8, 100]}')
    assert main(["train", "--config", str(cfg)]) == 2
    assert "hidden_layers.1" in capsys.readouterr().err
    cfg.write_text("{not json")
    assert main(["train", "--config", str(cfg)]) == 2


def test_config_file_with_flag_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"dataset": {"name": "xor"}, "hidden_layers": [], "optimizer": {"learning_rate": 0.1}}))
    assert main(["train", "--config", str(cfg), "--hidden", "4", "--epochs", "100", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["test_accuracy"] >= 0.97


def test_export_then_reload_predicts_identically(tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    proc = run_cli("train", "--dataset", "moons", "--hidden", "6,6", "--epochs", "40", "--export", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    reloaded = session_from_document(doc)
    same = make_session(**doc["config"])
    same.step(40, "epoch")
    grid = np.random.default_rng(0).uniform(-6, 6, (500, 2))
    assert np.array_equal(reloaded.predict(grid), same.predict(grid))
    assert len(doc["history"]) == 40


def test_diverging_run_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--dataset", "spiral", "--lr", "10", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "diverged" and "learning rate" in result["message"]


def test_bad_serve_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "99999"]) == 2
    assert "port" in capsys.readouterr().err
    assert main(["serve", "--port", "http"]) == 2


def test_bad_serve_setting_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEURAL_PLAYGROUND_INSTANCE", "Room-1")
    assert main(["serve"]) == 2
    assert "instance" in capsys.readouterr().err
