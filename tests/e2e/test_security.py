"""In Chromium: the page works under its Content-Security-Policy, and another site's page cannot drive the server."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.e2e.conftest import Console, open_playground, sel
from tests.e2e.test_lessons import RENDERED
from tests.processes import HOST

# Every violation, whether or not the browser also logs it to the console.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""

# What a page on another site can do without asking: a no-cors POST and a WebSocket.
FOREIGN_PAGE = """<!doctype html>
<title>Another site</title>
<script>
window.attack = async (server) => {
  const post = (init) => fetch(`${server}/api/sessions`, { method: "POST", mode: "no-cors", ...init }).catch(() => {});
  for (let i = 0; i < 5; i++) await post({});
  await post({ headers: { "content-type": "text/plain" }, body: "{}" });
  const stream = await new Promise((resolve) => {
    const ws = new WebSocket(`${server.replace("http", "ws")}/api/sessions/anything/stream`);
    ws.onopen = () => resolve("open");
    ws.onclose = (e) => resolve(`closed ${e.code}`);
  });
  return { stream };
};
</script>
"""


def violations(page: Any) -> list[str]:
    return list(page.evaluate("() => window.cspViolations"))


def sessions(server: str) -> int:
    return int(httpx.get(f"{server}/api/health", timeout=10).json()["sessions"])


@pytest.fixture
def foreign_site(tmp_path: Path) -> Iterator[str]:
    """A page on another origin (another port of the same machine), served by a plain HTTP server."""
    (tmp_path / "index.html").write_text(FOREIGN_PAGE)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{site.server_address[1]}"
    finally:
        site.shutdown()
        site.server_close()
        thread.join(timeout=10)


def test_the_page_works_under_its_policy(page: Any, server: str) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(server)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    open_playground(page, server)
    page.click(sel("play"))  # the WebSocket stream, under connect-src 'self'
    page.wait_for_function("() => window.playground.latest.state.epoch >= 3")
    page.click(sel("pause"))
    assert page.evaluate("() => window.playground.display.loadKernel()")  # WebAssembly, under 'wasm-unsafe-eval'
    for view in ("landscape", "health", "compare"):  # each draws with plotly
        page.click(sel(f"view-{view}"))
        page.wait_for_selector(RENDERED[view])
    assert violations(page) == []


def test_the_watch_and_lesson_pages_work_under_the_policy(page: Any, server: str) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    sid = httpx.post(f"{server}/api/sessions", json={"hidden_layers": [3]}, timeout=30).json()["id"]
    token = httpx.post(f"{server}/api/sessions/{sid}/watch", timeout=30).json()["token"]
    open_playground(page, f"{server}/watch/{token}")
    assert violations(page) == []
    page.goto(f"{server}/lessons")
    page.wait_for_selector("[data-testid^='lesson-'] a")
    assert violations(page) == []
    httpx.delete(f"{server}/api/sessions/{sid}", timeout=30)


@pytest.mark.parametrize(
    ("path", "rendered"), [("/docs", ".swagger-ui .info"), ("/redoc", "redoc h1, [role='main'] h1")]
)
def test_the_api_docs_work_under_their_policy(
    page: Any, server: str, console: Console, path: str, rendered: str
) -> None:
    # ReDoc's "powered by" logo is on a CDN: the docs load nothing from outside this server.
    console.expect("https://cdn.redoc.ly/")
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{server}{path}")
    page.wait_for_selector(rendered)
    assert [v for v in violations(page) if "https://cdn.redoc.ly/" not in v] == []


def test_another_sites_page_cannot_drive_the_server(
    page: Any, server: str, foreign_site: str, console: Console
) -> None:
    console.expect("WebSocket connection to")
    console.expect("Failed to load resource")
    before = sessions(server)
    page.goto(foreign_site)
    result = page.evaluate("(server) => window.attack(server)", server)
    assert sessions(server) == before
    assert result["stream"] != "open"
