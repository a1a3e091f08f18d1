"""Training several sessions of one shape together: one NumPy call per layer for all of them.

A worker holds many sessions that share a network shape (a class on one lesson).
Stepping them one by one costs a few dozen small NumPy calls per batch each, and
the call overhead, not the arithmetic, is what the time goes on. Sessions with
the same ``cohort_key`` can be stepped by ``train_together``, which gives each
of them exactly the numbers ``Session.step`` would.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from app.training.session import Session


def cohort_key(session: Session) -> Hashable | None:
    """Sessions with equal keys can train together; None: this one trains alone."""
    m = session.model
    return (tuple(m.sizes), m.activation.name, type(session.loss), session.loss.outputs)


def train_together(sessions: Sequence[Session], batches: Sequence[int]) -> None:
    """Run ``batches[i]`` batches on ``sessions[i]`` (all with one cohort key), without evaluating."""
    for session, count in zip(sessions, batches, strict=True):
        session.step(count, "batch", evaluate=False)
