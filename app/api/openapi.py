"""OpenAPI links: what one operation returns names what later operations act on.

A created session's id leads to every route on that session, a saved run's
slug to the run's routes, a watch link's token to the watch routes. Clients
and tools that follow links (schemathesis' stateful phase among them) can then
chain real requests instead of guessing ids.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

# (path, method, status) of an operation, the path parameter its answer provides, and where in the answer.
SOURCES: tuple[tuple[str, str, str, str, str], ...] = (
    ("/api/sessions", "post", "201", "session_id", "$response.body#/id"),
    ("/api/sessions/import", "post", "201", "session_id", "$response.body#/id"),
    ("/api/runs/{slug}/open", "post", "201", "session_id", "$response.body#/id"),
    ("/api/runs", "post", "201", "slug", "$response.body#/slug"),
    ("/api/sessions/{session_id}/runs", "post", "201", "slug", "$response.body#/slug"),
    ("/api/sessions/{session_id}/watch", "post", "200", "token", "$response.body#/token"),
)


def links_to(paths: dict[str, Any], parameter: str, expression: str) -> dict[str, Any]:
    """A link to every operation whose path has ``parameter``, which ``expression`` fills."""
    return {
        operation["operationId"]: {"operationId": operation["operationId"], "parameters": {parameter: expression}}
        for path, operations in paths.items()
        if "{" + parameter + "}" in path
        for operation in operations.values()
    }


def add_links(document: dict[str, Any]) -> dict[str, Any]:
    paths = document["paths"]
    for path, method, status, parameter, expression in SOURCES:
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is not None:
            response["links"] = links_to(paths, parameter, expression)
    return document


def install(app: FastAPI) -> None:
    """``app.openapi()`` (and /openapi.json) answer the document with its links."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        return add_links(build())

    app.openapi = openapi  # type: ignore[method-assign]
