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


# Mutations under each live region (aria-live, the roles status, log and alert, and <output>,
# whose implicit role is status) for two seconds: a screen reader reads each change out.
LIVE_REGION_CHANGES = """() => new Promise((resolve) => {
  const region = (node) => {
    for (let e = node.nodeType === 1 ? node : node.parentElement; e; e = e.parentElement) {
      const live = e.getAttribute("aria-live");
      if (live) return live === "off" ? null : e;
      const role = e.getAttribute("role") || (e.tagName === "OUTPUT" ? "status" : "");
      if (["status", "log", "alert"].includes(role)) return e;
    }
    return null;
  };
  const changes = new Map();
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const found = region(record.target);
      if (found) changes.set(found, (changes.get(found) || 0) + 1);
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  setTimeout(() => {
    observer.disconnect();
    resolve([...changes].map(([e, n]) => [e.dataset.testid || e.className || e.tagName, n]));
  }, 2000);
})"""


def test_live_regions_stay_quiet_while_a_run_plays(page: Any, server: str) -> None:
    open_playground(page, server)
    page.select_option("[data-testid='speed']", "max")
    page.click("[data-testid='play']")
    page.wait_for_function("() => Number(document.querySelector('[data-testid=epoch]').textContent) > 50")
    changes = dict(page.evaluate(LIVE_REGION_CHANGES))
    # The epoch and the metrics move ten times a second, outside any live region.
    assert changes == {} or max(changes.values()) <= 1, changes
    assert int(page.text_content("[data-testid='epoch']")) > 50
