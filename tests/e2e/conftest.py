"""Browser tests: Playwright for Python driving Debian's Chromium against a real server.

Outside CI these skip, saying why, when Chromium or Playwright is missing; with
CI=true they must run. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.processes import IN_CI, ServerProcess

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _missing() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install '.[test]')"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    for item in items:
        if "tests/e2e" not in str(item.fspath).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.browser)
        # In CI a missing browser is a failure (the server fixture says so), never a skip.
        if reason is not None and not IN_CI:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def server(server_process: ServerProcess) -> str:
    return server_process.url


@pytest.fixture(scope="session")
def server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    if (reason := _missing()) is not None:
        if IN_CI:
            pytest.fail(f"CI must run the browser tests, but {reason}")
        pytest.skip(reason)
    # Make the compressed plotly.js now, so the first page load is the one users get.
    from app.api.assets import PlotlyBundle

    PlotlyBundle.load(background=False)
    folder = tmp_path_factory.mktemp("e2e")
    # Sessions in two worker processes, as the server runs by default on a multi-core machine.
    # Every page of the run comes from this one address, and each holds a session for the session TTL.
    env = {
        "NEURAL_PLAYGROUND_WORKERS": "2",
        "NEURAL_PLAYGROUND_MAX_SESSIONS_PER_CLIENT": "100000",
        "NEURAL_PLAYGROUND_MAX_MEMORY_PER_CLIENT_MB": "100000",
    }
    server = ServerProcess(folder / "runs.sqlite3", folder / "server.log", env=env)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Console:
    """Console errors and uncaught exceptions seen by a page."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.expected: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def expect(self, fragment: str) -> None:
        """A console error the test provokes on purpose (the browser logs refused requests)."""
        self.expected.append(fragment)

    @property
    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(f in e for f in self.expected)]


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Any, console: Console) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    console.watch(page)
    yield page
    context.close()
    assert console.unexpected == [], f"console errors: {console.unexpected}"


@pytest.fixture
def browser_context(browser: Any, console: Console) -> Iterator[Any]:
    """A factory of pages at a given viewport, closed after the test; console errors fail it."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int], **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        console.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert console.unexpected == [], f"console errors: {console.unexpected}"


def open_playground(page: Any, url: str) -> Any:
    """Load the page and wait until it shows a session's first frame."""
    page.goto(url)
    page.wait_for_function(
        "() => window.playground && window.playground.drawn && window.playground.boundary.source.startsWith('data:')"
    )
    return page


def sel(name: str) -> str:
    return f"[data-testid='{name}']"


def save_artifact(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path
