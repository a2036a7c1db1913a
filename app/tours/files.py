"""Tour files: read, validated by the one schema, and checked at start-up.

``tours()`` reads every ``static/tours/*.json`` once. A file that does not fit the schema,
whose slug is not its file name, whose text keys are missing from the English catalogue, or
whose configurations the API would refuse stops the server from starting, with the file,
the stop and the reason (the tests check the numbers the text states).
"""

import json
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.arithmetic.errors import ConfigError
from app.i18n.messages import catalogue
from app.layer.query import request_from_query
from app.layer.tracing import config_of
from app.stack.build import StackRefusal, run_stack
from app.stack.link import stack_request
from app.tours.schema import STACK_PAGE, Stop, Tour
from app.web.paths import STATIC_DIR

TOURS_DIR = STATIC_DIR / "tours"


class TourFileError(ValueError):
    """A tour file that cannot be served: which file, which stop, why."""


def _accepted(where: str, link: str) -> None:
    """Refuse a configuration the API would refuse (a 422 there is an error here)."""
    try:
        if link.startswith(STACK_PAGE):
            run_stack(stack_request(link.removeprefix(STACK_PAGE)))
        else:
            config_of(request_from_query(parse_qsl(link, keep_blank_values=True))[0])
    except (ConfigError, RequestValidationError, ValidationError, StackRefusal) as exc:
        raise TourFileError(f"{where}: {link!r} is refused: {exc}") from None


def _check_stop(where: str, stop: Stop) -> None:
    _accepted(where, stop.query if stop.query is not None else str(stop.page))
    if stop.compare is not None:
        _accepted(f"{where} (compare)", stop.compare)


def load_tour(path: Path) -> Tour:
    """One tour file, validated and checked; ``TourFileError`` says what is wrong."""
    try:
        tour = Tour.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise TourFileError(f"{path.name}: {exc}") from None
    if tour.slug != path.stem:
        raise TourFileError(f"{path.name}: slug {tour.slug!r} is not the file's name")
    missing = [key for key in tour.message_keys() if key not in catalogue()]
    if missing:
        raise TourFileError(f"{path.name}: no English text for {missing}")
    for number, stop in enumerate(tour.stops, start=1):
        _check_stop(f"{path.name}, stop {number}", stop)
    return tour


@cache
def tours() -> dict[str, Tour]:
    """Every tour, by slug, in the order of ``ORDER`` then by name."""
    loaded = [load_tour(path) for path in sorted(TOURS_DIR.glob("*.json"))]
    rank = {slug: i for i, slug in enumerate(ORDER)}
    loaded.sort(key=lambda tour: (rank.get(tour.slug, len(ORDER)), tour.slug))
    return {tour.slug: tour for tour in loaded}


# The seed questions first, in the order a learner meets them (SPEC.md "Tours and compare").
ORDER = ("transposed", "dilated-vs-transposed", "1x1", "training")
