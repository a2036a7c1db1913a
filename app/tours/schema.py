"""One schema for every tour file (``static/tours/<slug>.json``, SPEC.md "Tours and compare").

A tour is an ordered list of stops. Each stop is a configuration (a one-layer share query,
or a ``/stack?`` page), optionally a second one to compare, the view and the step to open
at (the step as the page shows it, counted from 1), cells to light, a title and a
paragraph (message keys: the text lives in ``static/i18n/<lang>/tours.json``), and the
numbers its text states (``expect``), which the tests check against the API.

>>> stop = Stop(query="input_size=5,5&stride=2", title="t", text="x",
...             expect={"output_size": [2, 2], "output[0,1,1]": 7})
>>> stop.kind, stop.step
('layer', 1)
"""

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"
KEY = r"^[a-z0-9][a-z0-9_.-]*$"
STACK_PAGE = "/stack?"
# An expect key: a path into the API's answer, ``compare.`` for the second configuration.
# ``output_size``, ``output[0,1,2]``, ``cost.macs``, ``layers[3].receptive_field``, …
EXPECT_KEY = re.compile(r"(compare\.)?[a-z_]+(\[\d+(,\d+)*\]|\.[a-z_]+)*")
HIGHLIGHT = r"^(input|output|canvas|kernel):\d+(,\d+)*$"

MessageKey = Annotated[str, StringConstraints(pattern=KEY)]
View = Literal["canvas", "scatter", "matrix", "overlap"]


class Stop(BaseModel):
    """One stop of a tour: what the diagram shows and what the text says about it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str | None = Field(None, description="a one-layer share query (trace fields only)")
    page: str | None = Field(None, description="another page, e.g. /stack?<its share query>")
    compare: str | None = Field(None, description="the second configuration, same kind")
    view: View = "canvas"
    step: int = Field(1, ge=1, description="the step the page shows, counted from 1")
    highlight: list[Annotated[str, StringConstraints(pattern=HIGHLIGHT)]] = []
    title: MessageKey
    text: MessageKey
    expect: dict[str, Any] = {}

    @property
    def kind(self) -> Literal["layer", "stack"]:
        return "layer" if self.query is not None else "stack"

    @model_validator(mode="after")
    def _one_configuration(self) -> "Stop":
        if (self.query is None) == (self.page is None):
            raise ValueError("a stop has either a query or a page, not both")
        if self.page is not None and not self.page.startswith(STACK_PAGE):
            raise ValueError(f"page must start with {STACK_PAGE}")
        stack_compare = self.compare is not None and self.compare.startswith(STACK_PAGE)
        if self.compare is not None and self.page is not None and not stack_compare:
            raise ValueError(f"the compare of a {STACK_PAGE} stop is a {STACK_PAGE} link")
        bad = [key for key in self.expect if not EXPECT_KEY.fullmatch(key)]
        if bad:
            raise ValueError(f"expect keys {bad} are not paths like output[0,1,2] or cost.macs")
        if self.compare is None and any(key.startswith("compare.") for key in self.expect):
            raise ValueError("compare.… expectations need a compare configuration")
        return self


class Tour(BaseModel):
    """A tour file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: Annotated[str, StringConstraints(pattern=SLUG)]
    title: MessageKey
    question: MessageKey
    stops: list[Stop] = Field(min_length=1)

    def message_keys(self) -> list[str]:
        """Every message key the tour's text uses."""
        return [self.title, self.question, *(k for s in self.stops for k in (s.title, s.text))]
