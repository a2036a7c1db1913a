"""``GET /api/oembed``: the oEmbed provider (https://oembed.com) for ConvScope links.

A consumer (a blog, an LMS, a wiki) that is given a link to ``/?<share query>`` or
``/embed?<share query>`` asks here and gets a ``rich`` answer whose ``html`` is the
``<iframe>`` of ``/embed`` with the same configuration; a tour stop's link
(``/?tour=<slug>&stop=<n>``) or a compare link embeds that stop or that pair. As the
spec says, a URL that is not ours is a 404, and a format other than JSON is a 501.
"""

from html import escape
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from app.api.errors import Refused
from app.api.language import CHOICES
from app.api.pages import describe, page_state, public_url
from app.api.render import picture_size
from app.arithmetic.errors import ConfigError
from app.i18n.languages import LANGUAGES, current, using
from app.layer.fields import LINK_FIELDS
from app.layer.query import parse_int, single
from app.layer.schemas import ErrorResponse
from app.limits import above
from app.tours.links import expand, own_link, tour_title
from app.web.capacity import cost_of_query, offload

router = APIRouter(prefix="/api", tags=["share"])
PATHS = ("", "/", "/embed")
OEMBED_PARAMS = ("url", "maxwidth", "maxheight", "format")
EMBED_PARAMS = ("view", "step", "speed", "autoplay", "controls", "theme")
SHOWN = ("view", "step")  # what the thumbnail shows too: the same view at the same step
WIDTH, HEIGHT = 640, 480  # the iframe's size when the consumer sets no maximum
SAFE = ",;|:"  # the share query's own separators stay readable


class OEmbedResponse(BaseModel):
    """oEmbed 1.0, type ``rich`` (https://oembed.com/#section2.3)."""

    version: str
    type: str
    provider_name: str
    provider_url: str
    title: str
    html: str
    width: int
    height: int
    thumbnail_url: str | None = None
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None
    cache_age: int


def _ours(url: str, base: str) -> list[tuple[str, str]]:
    """The query of ``url`` if it is a ConvScope page or embed at ``base`` (the configured
    public URL, never the request's Host header); else a 404.

    A URL that cannot even be parsed (``http://[::1``, a full-width ``＠`` in the host)
    is not ours either.
    """
    host = urlsplit(base).netloc
    try:
        parts = urlsplit(url)
        ours = parts.scheme in ("http", "https") and parts.netloc == host
        ours = ours and parts.path in PATHS
    except ValueError:
        ours = False
    if not ours:
        raise Refused(404, ["query", "url"], "url_not_ours", value=url, host=host)
    return parse_qsl(parts.query, keep_blank_values=True)


def _side(name: str, text: str | None) -> int | None:
    """``maxwidth``/``maxheight``: a whole number of pixels from 1, within the limit."""
    if text is None:
        return None
    value = parse_int(name, text)
    if value < 1:
        raise ConfigError(name, "too_small", minimum=1, value=value)
    above(name, value, "max_oembed_side")
    return value


def _fit(maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    """The iframe's size: the default, scaled down (keeping its shape) to fit the maxima.

    >>> _fit(None, None), _fit(320, None), _fit(1000, 240)
    ((640, 480), (320, 240), (320, 240))
    """
    scale = min(1.0, (maxwidth or WIDTH) / WIDTH, (maxheight or HEIGHT) / HEIGHT)
    return max(1, int(WIDTH * scale)), max(1, int(HEIGHT * scale))


def oembed(
    params: list[tuple[str, str]], base: str, maxwidth: int | None, maxheight: int | None
) -> dict[str, Any]:
    state = page_state(expand(params))
    query = state.trace["query"]
    embed_query = (own_link(state.page) or query) + "".join(
        "&" + urlencode({k: v}, safe=SAFE) for k, v in state.page.items() if k in EMBED_PARAMS
    )
    choice = current()
    if choice.explicit:  # links the product writes keep ?lang=
        query += f"&lang={choice.language}"
        embed_query += f"&lang={choice.language}"
    title, _ = tour_title(state.page) or describe(state.trace)
    width, height = _fit(maxwidth, maxheight)
    answer: dict[str, Any] = {
        "version": "1.0",
        "type": "rich",
        "provider_name": "ConvScope",
        "provider_url": f"{base}/",
        "title": title,
        "html": (
            f'<iframe src="{escape(f"{base}/embed?{embed_query}")}" width="{width}" '
            f'height="{height}" title="{escape(title)}" style="border:0" loading="lazy">'
            "</iframe>"
        ),
        "width": width,
        "height": height,
        "cache_age": 86400,
    }
    shown = query + "".join(
        "&" + urlencode({k: v}, safe=SAFE) for k, v in state.page.items() if k in SHOWN
    )
    try:  # the picture's size does not depend on its language (lang is not a trace field)
        size = picture_size(shown.replace(f"&lang={choice.language}", ""))
    except ConfigError:  # too large to draw (or a view the pictures refuse): no thumbnail
        return answer
    answer["thumbnail_url"] = f"{base}/api/render.png?{shown}"
    answer["thumbnail_width"], answer["thumbnail_height"] = size
    return answer


@router.get(
    "/oembed",
    response_model=OEmbedResponse,
    response_model_exclude_none=True,
    responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)
async def get_oembed(
    request: Request,
    url: Annotated[str, Query(description="a ConvScope page or embed URL on this host")],
    maxwidth: Annotated[str | None, Query(description="a whole number of pixels from 1")] = None,
    maxheight: Annotated[str | None, Query(description="a whole number of pixels from 1")] = None,
    # Hidden from the schema: fuzzers treat the 501 the oEmbed spec asks for as a server error.
    format: Annotated[str, Query(include_in_schema=False)] = "json",
) -> dict[str, Any]:
    """A ``rich`` oEmbed answer: the ``<iframe>`` of ``/embed`` for this configuration.

    ``format`` may be given as ``json``, the only format served; any other is a 501.
    """
    given = single(request.query_params.multi_items(), OEMBED_PARAMS)
    width, height = (
        _side("maxwidth", given.get("maxwidth")),
        _side("maxheight", given.get("maxheight")),
    )
    if given.get("format", "json") != "json":
        raise Refused(501, ["query", "format"], "format_not_served", value=given["format"])
    base = public_url(request)
    params = _ours(given["url"], base)
    languages = [v for k, v in params if k == "lang"]
    params = [(k, v) for k, v in params if k != "lang"]
    cost = cost_of_query((k, v) for k, v in params if k in LINK_FIELDS)
    if languages:  # the link's own ?lang= is the embed's language, and the answer's
        if len(languages) > 1 or languages[0] not in LANGUAGES:
            raise ConfigError("url", "not_a_choice", value=languages[-1], choices=CHOICES)
        with using(languages[0]):
            return await offload(request, cost, oembed, params, base, width, height)
    return await offload(request, cost, oembed, params, base, width, height)
