"""Loss landscapes of one-weight models: the surface and a descent path over it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from app.outputs.wire import Wire, WireIn

Bound = Annotated[float, Field(ge=-100.0, le=100.0)]


class LandscapeIn(WireIn):
    samples: int = Field(100, ge=5, le=2000)
    noise: float = Field(0.2, ge=0.0, le=1.0)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    learning_rate: float = Field(0.5, gt=0.0, le=100.0)
    steps: int = Field(60, ge=0, le=5000)
    # Strict(False): a strict tuple takes nothing but a Python tuple, never a JSON array.
    start: Annotated[
        tuple[Annotated[float, Field(ge=-50, le=50)], Annotated[float, Field(ge=-50, le=50)]], Strict(False)
    ] = Field((-4.0, -3.0), description="(b, w) where descent starts.")
    resolution: int = Field(61, ge=5, le=201)
    extent: Annotated[tuple[Bound, Bound, Bound, Bound], Strict(False)] = Field(
        (-6.0, 6.0, -5.0, 7.0), description="b from, b to, w from, w to; each in -100..100."
    )


class LandscapeOut(Wire):
    kind: Literal["logistic", "linear"]
    b: list[float]
    w: list[float]
    loss: list[list[float]] = Field(description="Rows follow w, columns b.")
    path: list[tuple[float, float, float]] = Field(
        description="(b, w, loss) per step, the start first; it ends early where it stops being finite or "
        "where it leaves the surface by more than the surface's own width (that point included)."
    )
    uphill_step: int | None = Field(
        None, description="The first step whose loss is above the start's: descent climbed, so it diverged."
    )
    turns: int = Field(0, description="Steps that turn back against the step before: the path zig-zags.")
    stable_rate: float = Field(
        description="2 / λmax, λmax the loss's largest curvature (linear) or a bound on it (logistic): descent "
        "converges (linear) or goes downhill at every step (logistic) at rates below it."
    )
    minimum: tuple[float, float, float] | None = Field(None, description="Linear only: the closed-form (b*, w*, L*).")
    points: list[tuple[float, float]] = Field(description="The 1-D data, (x, y).")
