"""Settings the notes name: leaky ReLU's slope as a knob, and the penalty each regularization adds."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import open_playground, sel


def wait_config(page: Any, predicate_js: str) -> None:
    page.wait_for_function(f"() => {{ const c = window.playground.config; return {predicate_js}; }}")


def test_leaky_slope_knob_round_trips_through_the_link(page: Any, server: str) -> None:
    open_playground(page, server)
    assert page.locator(sel("activation-leaky_slope")).count() == 0
    page.select_option(sel("activation"), "leaky_relu")
    wait_config(page, "c.activation === 'leaky_relu'")
    page.fill(sel("activation-leaky_slope"), "0.02")
    page.press(sel("activation-leaky_slope"), "Enter")
    wait_config(page, "c.leaky_slope === 0.02")
    page.wait_for_function("() => location.search.includes('slope=0.02')")
    open_playground(page, page.url)
    assert page.input_value(sel("activation-leaky_slope")) == "0.02"
    assert page.evaluate("() => window.playground.config.leaky_slope") == 0.02


def test_regularization_shows_its_formula(page: Any, server: str) -> None:
    open_playground(page, f"{server}/?reg=l2&regrate=0.01")
    formula = str(page.text_content(sel("regularization-formula")))
    assert "rate/2 · Σw²" in formula and "λ = rate/2" in formula
    page.select_option(sel("regularization"), "l1")
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='regularization-formula']\").textContent.includes('Σ|w|')"
    )
    page.select_option(sel("regularization"), "none")
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='regularization-formula']\").textContent === ''"
    )
