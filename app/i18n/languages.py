"""Which language a request is answered in (SPEC.md, "Languages").

``?lang=`` (``en``, ``bn``, ``vi``, ``hi``) on any route wins; a page without it follows
``Accept-Language`` (RFC 9110 §12.5.4: quality values, language ranges, ``*``), then
English. The choice of the request being answered lives in a context variable, so
``t()`` anywhere below a route (an error message, a picture's legend, a template)
speaks it without every function passing it on; ``using(language)`` sets it where
work leaves the request's context (a worker process).

>>> from_accept_language("hi-IN,hi;q=0.9,en-US;q=0.8,en;q=0.7")
'hi'
>>> from_accept_language("fr-CH, fr;q=0.9, vi;q=0.5, *;q=0.1"), from_accept_language("de")
('vi', 'en')
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

ENGLISH = "en"
LANGUAGES = ("en", "bn", "vi", "hi")
# Written right to left: none of ours yet; <html dir> reads this.
RIGHT_TO_LEFT: frozenset[str] = frozenset()
# Each language's name in itself, for the switcher.
NAMES = {"en": "English", "bn": "বাংলা", "vi": "Tiếng Việt", "hi": "हिन्दी"}


@dataclass(frozen=True)
class Choice:
    """The language of an answer, and whether the request named it (``?lang=``)."""

    language: str = ENGLISH
    explicit: bool = False

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"


ENGLISH_CHOICE = Choice()
_choice: ContextVar[Choice] = ContextVar("convscope_language", default=ENGLISH_CHOICE)


def current() -> Choice:
    """The choice of the request being answered (English outside any request)."""
    return _choice.get()


def language() -> str:
    return _choice.get().language


def requested() -> str | None:
    """The language the request named with ``?lang=``, else None (API errors add
    ``msg_local`` only then)."""
    choice = _choice.get()
    return choice.language if choice.explicit else None


@contextmanager
def using(choice: Choice | str) -> Iterator[Choice]:
    """Answer in ``choice`` inside the block.

    >>> with using("bn"):
    ...     language(), requested()
    ('bn', 'bn')
    >>> language()
    'en'
    """
    if isinstance(choice, str):
        choice = Choice(choice, explicit=True)
    token = _choice.set(choice)
    try:
        yield choice
    finally:
        _choice.reset(token)


def in_language(choice: Choice, func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` answered in ``choice``: a module function, so a worker process that
    has none of the request's context can run it (app/web/capacity.py)."""
    with using(choice):
        return func(*args)


def from_accept_language(header: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header; English if none fits.

    A range matches a language of ours when its primary subtag is that language
    (``bn-IN`` → ``bn``); ``*`` matches English; ``q=0`` refuses; ties keep the header's
    order.
    """
    best, best_q = ENGLISH, 0.0
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        tag = name.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if not 0 < q <= 1:
            continue
        primary = ENGLISH if tag == "*" else tag.split("-")[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best
