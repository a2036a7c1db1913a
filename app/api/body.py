"""JSON request bodies read so that no number can break the server.

``json.loads`` refuses an integer of more than 4300 digits outright (Python's limit
on converting digits), which would be reported as an unreadable body instead of
naming the field. Such a body is read again with every integer of more than
``MAX_DIGITS`` digits as infinity, like a float literal too large for a double: the
schema then refuses it *by field name*. (A shorter huge integer stays an int and is
refused by name too, by the schema's value check or by ``app.limits``.)
``NaN``/``Infinity`` literals are kept as the strings they are, so they are refused
as "not a number". Routes opt in with ``APIRouter(route_class=StrictJSONRoute)``.

>>> loads('{"seed": ' + "9" * 5000 + ', "input": [1, NaN]}')
{'seed': inf, 'input': [1, 'NaN']}
"""

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

MAX_DIGITS = 20


def _int(text: str) -> int | float:
    if len(text.lstrip("-")) > MAX_DIGITS:
        return -math.inf if text.startswith("-") else math.inf
    return int(text)


def loads(text: str | bytes) -> Any:
    """JSON with ``NaN``/``Infinity`` left as strings, and integers too long to convert
    as infinity (the fast plain reading first: the hook costs 5× on a body of numbers)."""
    try:
        return json.loads(text, parse_constant=str)
    except json.JSONDecodeError:
        raise
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        return json.loads(text, parse_int=_int, parse_constant=str)


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class StrictJSONRoute(APIRoute):
    """A route whose JSON body is read with ``loads`` above."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict_handler
