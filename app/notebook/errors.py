"""One refusal for Python callers (notebooks, the command line), worded as the API's 422."""

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.api.errors import friendly, item
from app.arithmetic.errors import ConfigError


class ConvScopeError(ValueError):
    """A refused field: ``detail`` is the API's ``{"loc", "msg", "type", "ctx"}`` list and the
    message names the field, e.g. ``stride: stride must be at least 1 (got 0)``."""

    def __init__(self, detail: list[dict[str, Any]]) -> None:
        self.detail = detail
        super().__init__("; ".join(f"{_field(d)}: {d['msg']}" for d in detail))

    @property
    def field(self) -> str:
        return _field(self.detail[0])


def _field(entry: dict[str, Any]) -> str:
    names = [str(part) for part in entry["loc"][1:]]
    return ".".join(names) or str(entry["loc"][0])


def refusal(exc: Exception, where: str = "fields") -> ConvScopeError:
    """A ``ConfigError`` or a validation error as a ``ConvScopeError`` (the API's detail).

    >>> str(refusal(ConfigError("stride", "too_small", minimum=1, value=0)))
    'stride: stride must be at least 1 (got 0)'
    """
    if isinstance(exc, ConfigError):
        return ConvScopeError([item([where, exc.field], exc.type, **exc.ctx)])
    if isinstance(exc, RequestValidationError | ValidationError):
        errors = [{**e, "loc": (where, *e["loc"][1 if e["loc"][:1] == ("query",) else 0 :])}
                  for e in exc.errors()]  # fmt: skip
        return ConvScopeError(friendly(errors))
    raise TypeError(f"not a refusal: {exc!r}")
