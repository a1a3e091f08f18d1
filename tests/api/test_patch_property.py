"""Random PATCHes, valid and not: after each, the session steps, exports and says what it is."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.nn.activations import ACTIVATIONS
from app.nn.features import FEATURES
from app.nn.losses import LOSSES
from app.nn.optimizers import OPTIMIZERS
from app.nn.regularizers import REGULARIZERS
from app.nn.schedules import SCHEDULES
from app.training.datasets import DATASETS
from tests.api.conftest import create


def _name(table: dict[str, Any]) -> st.SearchStrategy[str]:
    return st.sampled_from([*table, "nonsense"])


def _number(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.one_of(st.floats(lo, hi, allow_nan=False, allow_infinity=False), st.just(-0.0))


DATASET = st.fixed_dictionaries(
    {},
    optional={
        "name": _name({n: 0 for n in DATASETS if n != "custom"}),
        "noise": _number(-0.5, 1.5),
        "samples": st.integers(0, 300),
        "classes": st.one_of(st.none(), st.integers(0, 8)),
        "train_fraction": _number(0.0, 1.0),
    },
)
PATCH = st.fixed_dictionaries(
    {},
    optional={
        "dataset": DATASET,
        "hidden_layers": st.lists(st.integers(-1, 70), max_size=9),
        "activation": _name(ACTIVATIONS),
        "features": st.lists(_name(FEATURES), min_size=0, max_size=4),
        "loss": _name(LOSSES),
        "optimizer": st.fixed_dictionaries(
            {}, optional={"name": _name(OPTIMIZERS), "learning_rate": _number(-1.0, 12.0), "momentum": _number(-1, 1)}
        ),
        "schedule": st.fixed_dictionaries({}, optional={"name": _name(SCHEDULES), "every": st.integers(-1, 10)}),
        "regularization": st.fixed_dictionaries(
            {}, optional={"kind": _name(REGULARIZERS), "rate": _number(-1.0, 12.0)}
        ),
        "batch_size": st.integers(-1, 400),
        "seed": st.integers(-1, 5),
    },
)


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(patches=st.lists(PATCH, min_size=1, max_size=4))
def test_random_patches_leave_a_working_session(client: TestClient, patches: list[dict[str, Any]]) -> None:
    sid = create(client, dataset={"name": "circle", "samples": 40}, hidden_layers=[3])
    base = f"/api/sessions/{sid}"
    config = client.get(base).json()["config"]
    for patch in patches:
        r = client.patch(base, json=patch)
        assert r.status_code in (200, 422), r.text[:500]
        if r.status_code == 200:
            config = r.json()["config"]
        assert client.get(base).json()["config"] == config, patch
        step = client.post(f"{base}/step", json={"steps": 2})
        assert step.status_code == 200, (patch, step.text[:500])
        doc = client.get(f"{base}/export")
        assert doc.status_code == 200, (patch, doc.text[:500])
        again = client.post("/api/sessions/import", json=doc.json())
        assert again.status_code == 201, (patch, again.text[:500])
        assert client.delete(f"/api/sessions/{again.json()['id']}").status_code == 204
    assert client.delete(base).status_code == 204
