"""The page draws maps from weights with its own copy of the engine's tables: every engine row has its JS row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.nn.activations import ACTIVATIONS
from app.nn.features import FEATURES
from app.nn.losses import HEADS

SOURCE = Path(__file__).resolve().parents[2] / "static" / "js" / "nn_tables.js"


def js_rows(table: str) -> list[str]:
    """The keys of ``export const TABLE = { ... };`` in nn_tables.js, in order."""
    text = SOURCE.read_text()
    block = re.search(rf"^export const {table} = \{{\n(.*?)^\}};", text, re.S | re.M)
    assert block, f"nn_tables.js has no {table} table"
    return re.findall(r"^  (\w+):", block.group(1), re.M)


@pytest.mark.parametrize(("table", "rows"), [("FEATURES", FEATURES), ("ACTIVATIONS", ACTIVATIONS), ("HEADS", HEADS)])
def test_every_engine_row_has_its_page_row(table: str, rows: dict[str, object]) -> None:
    assert js_rows(table) == list(rows)
