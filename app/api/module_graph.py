"""The page's static import graph, so that the page can ask for all of its modules at once.

A browser learns a module's imports only once it has fetched and parsed that module, so a
graph three imports deep costs three round trips before the page can start. A
``<link rel="modulepreload">`` for every module the entry reaches lets it fetch them all
beside the entry. Dynamic ``import()`` is left out: those modules wait for their view.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence

# `import x from "./a.js"`, `import { a,\n b } from "./a.js"`, `export * from "./a.js"`, `import "./a.js"`.
STATIC_IMPORT = re.compile(
    r"""^[ \t]*(?:import|export)\s+(?:[\w\s{},*$]*?\bfrom\s*)?["']([^"'\n]+)["']""", re.MULTILINE
)


def static_imports(source: str) -> list[str]:
    """The relative specifiers a module's source imports statically, in source order."""
    return [spec for spec in STATIC_IMPORT.findall(source) if spec.startswith(("./", "../"))]


def module_graph(read: Callable[[str], str], entries: Sequence[str]) -> list[str]:
    """Every module the ``entries`` import, directly or not, entries excluded, in the order first found.

    Names are paths relative to the static folder ("js/api.js"); ``read(name)`` gives a module's source.
    """
    found = list(entries)
    for name in found:  # grows as it goes: a breadth-first walk
        for spec in static_imports(read(name)):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), spec))
            if target not in found:
                found.append(target)
    return found[len(entries) :]
