"""Tour and compare links on the pages: ``/?tour=<slug>&stop=<n>`` and
``/?compare=<query A>|<query B>`` (SPEC.md "Tours and compare").

The server paints the first configuration itself (no blank page, no flash of the default
diagram): ``expand`` puts the stop's (or compare's first) trace fields into the page's
query; the page's script reads the rest (the tour, the second diagram) from
``tour_state``.

>>> expand([("compare", "input_size=5,5&stride=2|input_size=2,2&transposed=1")])
[('compare', 'input_size=5,5&stride=2|input_size=2,2&transposed=1'), ('input_size', '5,5'), \
('stride', '2')]
"""

import re
from typing import Any
from urllib.parse import parse_qsl, quote

from app.i18n.messages import t
from app.layer.fields import LINK_FIELDS
from app.tours.files import tours
from app.tours.schema import Stop, Tour

SEPARATOR = re.compile(r"\|(?=[a-z_]+=)")


def split_compare(text: str) -> tuple[str, str]:
    """``A|B`` → (A, B). ``|`` also separates 2-D slices inside ``input=``/``weight=``
    values, but there it is followed by a number; between the queries, by a field name.

    >>> split_compare("input_size=2,2&input=1,2;3,4|5,6;7,8&in_channels=2|input_size=5")
    ('input_size=2,2&input=1,2;3,4|5,6;7,8&in_channels=2', 'input_size=5')
    """
    match = SEPARATOR.search(text)
    return (text[: match.start()], text[match.end() :]) if match else (text, "")


def stop_of(page: dict[str, str]) -> tuple[Tour, int, Stop] | None:
    """The tour and stop (counted from 1) a page's parameters name, if both exist."""
    tour = tours().get(page.get("tour", ""))
    if tour is None:
        return None
    text = page.get("stop", "1")
    number = int(text) if text.isdigit() else 0
    if not 1 <= number <= len(tour.stops):
        return None
    return tour, number, tour.stops[number - 1]


def expand(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The page's query with the first configuration of a tour stop or compare link added,
    unless the link states its own trace fields."""
    if any(name in LINK_FIELDS for name, _ in params):
        return params
    page = dict(params)
    first: str | None = None
    found = stop_of(page)
    if found is not None:
        stop = found[2]
        first = stop.query
        if stop.view != "canvas" and "view" not in page:
            params = [*params, ("view", stop.view)]
    elif "compare" in page and "tour" not in page:
        first = split_compare(page["compare"])[0]
    if not first:
        return params
    return [*params, *((k, v) for k, v in parse_qsl(first) if k in LINK_FIELDS)]


def tour_state(page: dict[str, str]) -> dict[str, Any] | None:
    """What the page's tour player needs: the tour (keys resolved by the page's ``t()``)."""
    found = stop_of(page)
    if found is None:
        return None
    tour, number, _ = found
    return {"stop": number, **tour.model_dump()}


def tour_title(page: dict[str, str]) -> tuple[str, str] | None:
    """The tab title and description of a tour stop, for previews and oEmbed."""
    found = stop_of(page)
    if found is None:
        return None
    tour, number, stop = found
    title = t("tour.page_title", stop=t(stop.title), question=t(tour.question))
    description = t(
        "tour.page_description", number=number, count=len(tour.stops), question=t(tour.question)
    )
    return title, description


def own_link(page: dict[str, str]) -> str | None:
    """The share query of a tour stop or a compare page (what its address bar holds).

    >>> own_link({"compare": "input_size=5,5&stride=2|input_size=2,2&transposed=1"})
    'compare=input_size%3D5,5%26stride%3D2|input_size%3D2,2%26transposed%3D1'
    """
    found = stop_of(page)
    if found is not None:
        return f"tour={found[0].slug}&stop={found[1]}"
    if "compare" in page:
        return f"compare={quote(page['compare'], safe=',;:|')}"
    return None
