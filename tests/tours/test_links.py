"""Tour and compare links on the pages and in oEmbed: the first paint shows the stop."""

import json
import re
from html import unescape
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from app.i18n.messages import t
from app.tours.files import tours
from app.tours.links import expand, split_compare

BASE = "http://testserver"  # tests/conftest.py's public URL


def initial(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="initial-state">(.*?)</script>', html)
    assert found is not None
    state: dict[str, Any] = json.loads(found.group(1))
    return state


def test_a_stop_link_paints_that_stops_configuration(client: TestClient) -> None:
    tour = tours()["transposed"]
    for number, stop in enumerate(tour.stops, start=1):
        if stop.query is None:
            continue
        html = client.get(f"/?tour=transposed&stop={number}").text
        state = initial(html)
        want = client.get(f"/api/trace?{stop.query}").json()["query"]
        assert state["trace"]["query"] == want
        assert state["tour"]["slug"] == "transposed" and state["tour"]["stop"] == number
        assert f"<title>{t(stop.title)} · {t(tour.question)}" in unescape(html)
        assert f'<link rel="canonical" href="{BASE}/?tour=transposed&amp;stop={number}">' in html
        if stop.view != "canvas":
            assert state["page"]["view"] == stop.view


def test_a_bad_tour_or_stop_is_named_and_the_page_still_works(client: TestClient) -> None:
    state = initial(client.get("/?tour=nope").text)
    assert [(m["param"], m["type"]) for m in state["messages"]] == [("tour", "not_a_choice")]
    assert state["tour"] is None
    state = initial(client.get("/?tour=1x1&stop=99").text)
    assert [(m["param"], m["type"]) for m in state["messages"]] == [("stop", "value_out_of_range")]
    state = initial(client.get("/?tour=1x1&stop=0").text)
    assert [(m["param"], m["type"]) for m in state["messages"]] == [("stop", "too_small")]


def test_a_compare_link_paints_its_first_configuration() -> None:
    a = "input_size=2,2&in_channels=2&input=1,2;3,4|5,6;7,8"
    b = "input_size=5,5&stride=2"
    assert split_compare(f"{a}|{b}") == (a, b)
    pairs = expand([("compare", f"{a}|{b}")])
    assert ("input", "1,2;3,4|5,6;7,8") in pairs and ("stride", "2") not in pairs
    # a link that states its own fields keeps them
    assert expand([("input_size", "3"), ("tour", "1x1")]) == [("input_size", "3"), ("tour", "1x1")]


def test_oembed_answers_for_tour_and_compare_links(client: TestClient) -> None:
    link = f"{BASE}/?tour=dilated-vs-transposed&stop=6"
    answer = client.get(f"/api/oembed?url={quote(link, safe='')}").json()
    tour = tours()["dilated-vs-transposed"]
    assert answer["title"] == f"{t(tour.stops[5].title)} · {t(tour.question)}"
    assert f'src="{BASE}/embed?tour=dilated-vs-transposed&amp;stop=6"' in answer["html"]
    pair = (
        "compare="
        + quote("input_size=5,5&stride=2", safe=",")
        + "|"
        + quote("input_size=2,2&stride=2&transposed=1", safe=",")
    )
    answer = client.get(f"/api/oembed?url={quote(f'{BASE}/embed?{pair}', safe='')}").json()
    assert "/embed?compare=input_size%3D5,5%26stride%3D2|input_size%3D2,2" in answer["html"]


def test_tours_page_lists_every_tour_and_the_top_bar_links_there(client: TestClient) -> None:
    html = client.get("/tours").text
    for tour in tours().values():
        assert f'href="/?tour={tour.slug}&amp;stop=1">{t(tour.question)}</a>' in html
        assert f"{len(tour.stops)} stops" in html
    first_visit = client.get("/").text
    assert 'id="home-questions"' in first_visit and 'href="/tours"' in first_visit
    assert 'id="home-questions"' not in client.get("/?input_size=5,5").text
    assert 'id="home-questions"' not in client.get("/embed").text
