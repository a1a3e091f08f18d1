"""The lesson record: presets for the ideas an introductory course teaches.

Each lesson is data: a config (a partial one: the rest are defaults), two or
three sentences, what to try, and the view that shows the idea. "compare"
lessons name a second run: the same config with a few fields changed, on the
same data and seed. Opening /lessons/NAME sets the lesson up in the page.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.training.config import Config, merge

View = Literal["network", "landscape", "gradcheck", "health", "collapse", "compare", "rewind", "code", "backprop"]


class Lesson(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    number: int
    title: str
    text: str = Field(description="Two or three sentences: the idea.")
    try_: list[str] = Field(alias="try", description="What to try, one line each.")
    view: View = "network"
    config: dict[str, Any] = Field(default_factory=dict, description="A partial config; the rest are defaults.")
    compare: dict[str, Any] | None = Field(None, description="The second run: changes to the first run's config.")
    flags: dict[str, Any] = Field(default_factory=dict, description="Page flags such as speed.")

    def resolved(self) -> Config:
        return Config.model_validate(self.config)

    def compared(self) -> Config | None:
        return None if self.compare is None else merge(self.resolved(), self.compare)


def lesson(number: int, name: str, title: str, text: str, tries: list[str], **rest: Any) -> Lesson:
    return Lesson.model_validate({"number": number, "name": name, "title": title, "text": text, "try": tries, **rest})
