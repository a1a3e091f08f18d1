"""axe-core (shipped inside axe-playwright-python, nothing from a CDN) finds no serious problem."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx

from app.training.lessons import LESSONS
from tests.e2e.conftest import open_playground


def serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = results.response["violations"]
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in found if v["impact"] in ("serious", "critical")]


def test_playground_lesson_and_watch_page_have_no_serious_violations(page: Any, server: str) -> None:
    open_playground(page, server)
    assert serious(page) == []
    sid = page.evaluate("() => window.playground.sessionId")
    page.goto(f"{server}/lessons/{next(iter(LESSONS))}")
    page.wait_for_function("() => window.playground && window.playground.drawn")
    assert serious(page) == []
    token = httpx.post(f"{server}/api/sessions/{sid}/watch").json()["token"]
    page.goto(f"{server}/watch/{token}")
    page.wait_for_function("() => window.playground && window.playground.drawn")
    assert serious(page) == []
