"""In Chromium: a first load asks for every module the page runs at once, not one level of
imports at a time."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import open_playground

MODULES_LOADED = """() => performance.getEntriesByType('resource')
    .map((e) => new URL(e.name).pathname).filter((path) => path.endsWith('.js') && path.includes('/js/'))"""
MODULES_LISTED = """() => [...document.querySelectorAll("script[type='module'], link[rel='modulepreload']")]
    .map((e) => new URL(e.src || e.href).pathname)"""


def test_every_module_the_page_runs_is_listed_in_its_head(browser: Any, server: str) -> None:
    context = browser.new_context()  # nothing cached: every module is fetched
    try:
        page = open_playground(context.new_page(), server)
        loaded = set(page.evaluate(MODULES_LOADED))
        listed = page.evaluate(MODULES_LISTED)
    finally:
        context.close()
    assert len(listed) == len(set(listed)), listed
    assert loaded == set(listed), f"not preloaded: {sorted(loaded - set(listed))}"
