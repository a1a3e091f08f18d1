"""The cohort benchmark's smoke run, as a user would start it: its together-vs-alone check passes
and its JSON holds the table's numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.processes import REPO

pytestmark = pytest.mark.timeout(240)


def test_quick_run_checks_together_against_alone_and_reports_json() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "cohort.py"), "--quick", "--json"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},  # this checkout's app, not an installed one
        capture_output=True,
        text=True,
        timeout=200,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [c["sessions"] for c in doc["cohorts"]] == [1, 3]
    for cohort in doc["cohorts"]:
        assert {"alone", "together"} <= set(cohort["us_per_session_step"])
        assert len(cohort["samples_us"]["together"]) == doc["settings"]["repeats"]
        assert cohort["ratios"]["alone/together"] > 0
    assert doc["evaluate_us"] > 0
    assert "alone/tog" in proc.stderr
