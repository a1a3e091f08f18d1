"""The page's menus list what GET /api/options offers, so a new choice needs no page change."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import open_playground, sel


def options(page: Any, name: str) -> list[str]:
    return [str(t) for t in page.locator(f"{sel(name)} option").all_text_contents()]


def test_a_choice_the_server_adds_appears_in_every_menu(page: Any, server: str) -> None:
    def more_choices(route: Any) -> None:
        body = route.fetch().json()
        body["activations"].append("soft_step")
        body["inits"].append({"name": "orthogonal", "label": "Orthogonal", "knobs": []})
        body["features"][0]["label"] = "first input"
        route.fulfill(json=body)

    page.route("**/api/options", more_choices)
    open_playground(page, server)
    assert "soft step" in options(page, "activation")
    assert "Orthogonal" in options(page, "init")
    assert page.text_content(sel("feature-x1")) == "first input"
    page.click(sel("view-compare"))
    page.select_option(sel("compare-field"), "activation")
    assert "soft_step" in options(page, "compare-value")
    page.select_option(sel("compare-field"), "init")
    assert "orthogonal" in options(page, "compare-value")
