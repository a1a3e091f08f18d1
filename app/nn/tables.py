"""Name -> row tables: every choice (activation, loss, optimizer, ...) is a row with a name."""

from __future__ import annotations

from typing import Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


RowT = TypeVar("RowT", bound=Named)


def table(*rows: RowT) -> dict[str, RowT]:
    """The rows by name, in the order given (forms list them in this order)."""
    out = {row.name: row for row in rows}
    if len(out) != len(rows):
        raise ValueError(f"two rows share a name in {[row.name for row in rows]}")
    return out
