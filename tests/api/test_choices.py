"""Every row of every choice table, end to end: config, a step, gradients, options, exports, README.

A new row (an activation, a loss, ...) is covered here without a line of
test code: it must validate, train, pass the gradient check, appear in
/api/options with its label and knobs, export to scripts that predict what
the session predicts, and be listed in the README.
"""

from __future__ import annotations

import runpy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.nn.activations import ACTIVATIONS
from app.nn.features import FEATURES
from app.nn.inits import INITS
from app.nn.losses import LOSSES
from app.nn.optimizers import OPTIMIZERS
from app.nn.regularizers import REGULARIZERS
from app.nn.schedules import SCHEDULES
from app.training.config import Config
from app.training.datasets import DATASETS
from tests.api.conftest import create

README = Path(__file__).resolve().parents[2] / "README.md"
BASE: dict[str, Any] = {"dataset": {"name": "xor", "samples": 40}, "hidden_layers": [3], "batch_size": 10}
CUSTOM = {"points": [[-2.0, -2.0], [2.0, 2.0], [-2.0, 2.0], [2.0, -2.0]], "labels": [0, 0, 1, 1]}
# The README heading, the /api/options list and the config for a row of each table.
TABLES: dict[str, tuple[Mapping[str, Any], str, Any]] = {
    "Datasets": (DATASETS, "datasets", lambda n: {"dataset": {"name": n, **(CUSTOM if n == "custom" else {})}}),
    "Features": (FEATURES, "features", lambda n: {"features": [n]}),
    "Activations": (ACTIVATIONS, "activation_choices", lambda n: {"activation": n}),
    "Losses": (LOSSES, "losses", lambda n: {"loss": n}),
    "Optimizers": (OPTIMIZERS, "optimizers", lambda n: {"optimizer": {"name": n}}),
    "Schedules": (SCHEDULES, "schedules", lambda n: {"schedule": {"name": n, "every": 1, "period": 2}}),
    "Regularization": (REGULARIZERS, "regularization_choices", lambda n: {"regularization": {"kind": n, "rate": 0.01}}),
    "Inits": (INITS, "init_choices", lambda n: {"init": n}),
}
ROWS = [(heading, name) for heading, (table, _, _) in TABLES.items() for name in table]


def _config(heading: str, name: str) -> dict[str, Any]:
    patch = TABLES[heading][2](name)
    return {**BASE, **patch, "dataset": {**BASE["dataset"], **patch.get("dataset", {})}}


def _script_predictions(client: TestClient, sid: str, kind: str, points: list[list[float]], tmp: Path) -> Any:
    path = tmp / f"model_{kind}.py"
    path.write_text(client.get(f"/api/sessions/{sid}/export/{kind}").text)
    return runpy.run_path(str(path))["predict"](points)


@pytest.mark.parametrize(("heading", "name"), ROWS, ids=[f"{h.lower()}-{n}" for h, n in ROWS])
def test_every_row_trains_checks_lists_and_exports(client: TestClient, tmp_path: Path, heading: str, name: str) -> None:
    table, options_key, _ = TABLES[heading]
    config = _config(heading, name)
    Config.model_validate(config)
    sid = create(client, **config)

    state = client.post(f"/api/sessions/{sid}/step", json={"steps": 1, "unit": "batch"}).json()
    assert state["step"] == 1 and state["status"] != "diverged"

    check = client.get(f"/api/sessions/{sid}/gradcheck").json()
    assert check["relative_error"] < 1e-6, check["layers"]

    listed = {c["name"]: c for c in client.get("/api/options").json()[options_key]}
    row = table[name]
    assert listed[name]["label"] == row.label
    if options_key != "datasets":
        assert listed[name]["knobs"] == list(row.knobs)

    points = np.random.default_rng(0).uniform(-6, 6, (50, 2)).tolist()
    expected = client.post(f"/api/sessions/{sid}/predict", json={"points": points}).json()
    want = np.asarray(expected.get("probabilities", expected.get("values"))).reshape(50, -1)
    got = np.asarray(_script_predictions(client, sid, "numpy", points, tmp_path)).reshape(50, -1)
    assert np.abs(got - want).max() < 1e-9
    compile(client.get(f"/api/sessions/{sid}/export/pytorch").text, "model_pytorch.py", "exec")
    pytest.importorskip("torch", reason="torch is not installed (pip install '.[bench]')")
    torch_got = _script_predictions(client, sid, "pytorch", points, tmp_path).numpy().reshape(50, -1)
    assert np.abs(torch_got - want).max() < 1e-9


@pytest.mark.parametrize("heading", list(TABLES))
def test_readme_lists_every_row(heading: str) -> None:
    section = README.read_text().split(f"\n#### {heading}\n", 1)[1].split("\n#", 1)[0]
    missing = [name for name in TABLES[heading][0] if f"`{name}`" not in section]
    assert not missing, f"README's {heading} table lacks {missing}"
