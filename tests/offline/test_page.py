"""The offline page: the API's trace and the matrix inline, nothing fetched from anywhere, a
small file; GET /api/render.html names the file and refuses by field."""

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from app.layer.query import request_from_query
from app.layer.tracing import run_matrix, run_trace
from app.offline import offline_from_query
from app.offline.bundle import PREFIX
from app.offline.views import rules

QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"
# The seed's 64×64 sizes are allowed; the file must stay small for a slide deck or an LMS
MAX_BYTES = 225_000  # 218 kB for 64×64 × 2 channels (canvas and overlap views; docs/offline.md)


class _Resources(HTMLParser):
    """Every URL the document would load (src, href, and url() in styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.initial = ""
        self._in_state = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.urls.append(value)
        self._in_state = ("id", "initial-state") in attrs

    def handle_data(self, data: str) -> None:
        if self._in_state:
            self.initial += data
        self.urls += re.findall(r"""url\(\s*["']?([^"')]+)""", data)


def _pairs(query: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in (p.split("=", 1) for p in query.split("&"))]


def test_the_page_holds_the_apis_trace_and_the_matrix() -> None:
    page = offline_from_query(_pairs(QUERY))
    parsed = _Resources()
    parsed.feed(page.html)
    state = json.loads(parsed.initial)
    request, flat = request_from_query(_pairs(QUERY))
    expected = run_trace(request, flat)
    assert state["trace"] == {k: v for k, v in expected.items() if k not in ("steps", "code")}
    matrix = json.loads(json.dumps(run_matrix(request, flat), default=lambda a: a.tolist()))
    assert state["data"] == {f"/api/matrix?{expected['query']}": matrix}
    assert state["catalogue"]["player.play"] == "Play"
    assert "too_small" not in state["catalogue"]  # the API's errors stay out of the file


@pytest.mark.parametrize(
    "query",
    [QUERY, "input_size=64,64&kernel_size=3&in_channels=2&out_channels=2",
     "input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4&fill=ones"],
)  # fmt: skip
def test_nothing_is_loaded_from_outside_and_the_file_is_small(query: str) -> None:
    page = offline_from_query(_pairs(query))
    parsed = _Resources()
    parsed.feed(page.html)
    assert all(url.startswith("data:") for url in parsed.urls), parsed.urls
    assert len(page.html.encode()) < MAX_BYTES
    assert '<script type="importmap">' in page.html


def test_the_route_names_the_file_and_refuses_by_field(client: TestClient) -> None:
    response = client.get(f"/api/render.html?{QUERY}&view=matrix&step=4")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="conv2d-5x5-k3-s2-p1-matrix.html"'
    for bad, field, kind in (("stride=0", "stride", "too_small"),
                             ("view=nope", "view", "not_a_choice"),
                             ("step=10", "step", "step_out_of_range"),
                             ("step=0", "step", "step_out_of_range"),
                             ("lang=xx", "lang", "not_a_choice"),
                             ("speed=-1", "speed", "value_out_of_range"),
                             ("fps=2", "fps", "not_a_parameter")):  # fmt: skip
        response = client.get(f"/api/render.html?input_size=5,5&stride=2&padding=1&{bad}"
                              .replace("stride=2&padding=1&stride=0", "stride=0"))  # fmt: skip
        assert response.status_code == 422, bad
        detail = response.json()["detail"][0]
        assert (detail["loc"][-1], detail["type"]) == (field, kind)


def _state_and_modules(query: str) -> tuple[dict[str, object], set[str]]:
    page = offline_from_query(_pairs(query))
    parsed = _Resources()
    parsed.feed(page.html)
    found = re.search(r'<script type="importmap">(.*?)</script>', page.html)
    assert found is not None
    names = {name.removeprefix(PREFIX) for name in json.loads(found.group(1))["imports"]}
    return json.loads(parsed.initial), names


@pytest.mark.parametrize(
    ("query", "views"),
    [(QUERY, ["canvas", "matrix", "overlap"]),
     ("input_size=4,4,4&kernel_size=3&transposed=1", ["scatter", "overlap", "volume"]),
     ("input_size=5,5&transposed=1&grad_output=ones", ["canvas", "scatter", "matrix", "overlap",
                                                        "gradients"]),
     ("input_size=6,6&op=max_pool&kernel_size=2", ["canvas", "overlap"]),
     ("input_size=64,64&kernel_size=3&in_channels=2&out_channels=2", ["canvas", "overlap"]),
     # a matrix too large to embed is not offered, but opened when asked for (it says why)
     ("input_size=24,24", ["canvas", "overlap"]),
     ("input_size=24,24&view=matrix", ["canvas", "matrix", "overlap"]),
     ("input_size=8,8&input=image:chelsea", ["canvas", "matrix", "overlap", "picture"])],
)  # fmt: skip
def test_the_file_carries_the_views_it_offers_and_no_other(query: str, views: list[str]) -> None:
    """views.json's rule for the trace, less what reads data the file lacks (the im2col
    answer, a gradient not traced, a picture not given), plus the view it opens with."""
    state, modules = _state_and_modules(query)
    assert state["views"] == views
    carried = {name for name in rules() if f"js/views/{name}.js" in modules}
    assert carried == {*views, "canvas"}  # canvas: every view falls back to it (views/index.js)
    words: dict[str, str] = state["catalogue"]  # type: ignore[assignment]
    if len(views) > 1:  # the chooser's labels (one view: no chooser)
        assert {f"view.{name}" for name in views} <= words.keys()
    # the messages of a view left out stay out too (app/i18n/used.py)
    assert not any(key.startswith("im2col.") for key in words)
    for name in rules().keys() - {*views, "canvas"}:
        assert not any(key.startswith(f"view.{name}.") for key in words), name
