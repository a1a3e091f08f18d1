"""Imports go one way: api -> serving -> outputs -> training -> nn, with server.py and cli.py on top.

Every module in app/ is parsed (imports inside functions count too); a module
may import its own layer and the ones below, app/settings.py only from serving
up, the package root (the version) from anywhere but nn, and app/nn nothing of ours.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# Top-level name under app -> its rank; a module may import only ranks up to its own.
RANK = {"nn": 0, "training": 1, "outputs": 2, "serving": 3, "settings": 3, "api": 4, "server": 5, "cli": 5}
ROOT_RANK = 0  # the package root holds only the version


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exists(name: str) -> bool:
    path = APP.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Every module of ours that ``module`` imports, resolved to full names."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*package, *([base] if base else [])])
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if _exists(child) else base)
    return {name for name in found if name == "app" or name.startswith("app.")}


def _rank(name: str) -> int:
    parts = name.split(".")
    return ROOT_RANK if len(parts) == 1 else RANK[parts[1]]


def _violations() -> list[str]:
    problems = []
    for path in sorted(APP.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target in sorted(_imported(tree, module, path.name == "__init__.py")):
            if module.startswith("app.nn"):
                bad = not target.startswith("app.nn")
            else:
                bad = _rank(target) > _rank(module)
            if bad:
                problems.append(f"{module} imports {target}")
    return problems


def test_every_top_level_name_has_a_layer() -> None:
    names = {p.stem for p in APP.glob("*.py")} | {p.name for p in APP.iterdir() if (p / "__init__.py").is_file()}
    assert names - {"__init__"} == set(RANK)


def test_imports_only_go_down_the_layers() -> None:
    assert _violations() == []


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from app.api.schemas import ModelDocument", "app.outputs.documents", {"app.api.schemas"}),
        ("from app.serving import host", "app.api.deps", {"app.serving.host"}),
        ("from . import model", "app.nn.layers", {"app.nn.model"}),
        ("def f():\n    import app.server", "app.training.session", {"app.server"}),
        ("import numpy", "app.nn.model", set()),
    ],
)
def test_imports_are_found_however_spelt(source: str, module: str, expected: set[str]) -> None:
    assert _imported(ast.parse(source), module, is_package=False) == expected
