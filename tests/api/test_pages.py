"""``GET /`` and ``GET /embed``: the first paint carries the configuration of the link."""

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

SHARE = "input_size=5,5&kernel_size=3&stride=2&padding=1"


def initial_state(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="initial-state">(.*?)</script>', html)
    assert match, "the page embeds its first state"
    state: dict[str, Any] = json.loads(match.group(1))
    return state


def test_share_link_is_rendered_server_side(client: TestClient) -> None:
    response = client.get(f"/?{SHARE}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    state = initial_state(response.text)
    api = client.get(f"/api/trace?{SHARE}").json()
    assert state["trace"]["query"] == api["query"]
    assert state["trace"]["output_size"] == [3, 3]
    assert "steps" not in state["trace"]  # compact: the page reads axes × channel_taps
    assert state["trace"]["channel_taps"] == api["channel_taps"]
    assert state["messages"] == []
    assert 'name="stride" value="2"' in response.text
    assert "3×3 output" in response.text


def test_social_preview_and_oembed_discovery(client: TestClient) -> None:
    html = client.get(f"/?{SHARE}").text
    query = client.get(f"/api/trace?{SHARE}").json()["query"].replace("&", "&amp;")
    assert re.search(r'<meta property="og:title" content="[^"]*5×5 input', html)
    assert '<meta property="og:description"' in html
    assert f'/api/render.png?{query}"' in html  # the first step, "Step 1"
    oembed = re.search(
        r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html
    )
    assert oembed and "/api/oembed?url=http" in oembed.group(1)
    assert "%2F%3Finput_size%3D5%2C5" in oembed.group(1)


def test_malformed_parameter_is_named_and_falls_back_to_its_default(client: TestClient) -> None:
    response = client.get("/?input_size=5,5&kernel_size=3&stride=x&padding=1")
    assert response.status_code == 200
    assert 'data-param="stride"' in response.text
    state = initial_state(response.text)
    assert [m["param"] for m in state["messages"]] == ["stride"]
    assert "stride" not in state["fields"]
    assert state["trace"]["config"]["stride"] == [1, 1]
    assert state["trace"]["output_size"] == [5, 5]  # i=5, k=3, s=1, p=1 (SPEC: half padding)


def test_impossible_configuration_still_renders(client: TestClient) -> None:
    response = client.get("/?input_size=0,99&kernel_size=40&groups=abc")
    assert response.status_code == 200
    state = initial_state(response.text)
    named = {m["param"] for m in state["messages"]}
    assert {"groups", "input_size"} <= named
    assert state["trace"]["output"], "a default configuration is drawn instead"


def test_page_parameters_are_not_trace_fields(client: TestClient) -> None:
    response = client.get(f"/?{SHARE}&step=3&speed=2&autoplay=1&theme=dark&view=scatter&controls=0")
    state = initial_state(response.text)
    assert state["messages"] == []
    assert state["page"] == {
        "step": "3", "speed": "2", "autoplay": "1", "theme": "dark", "view": "scatter",
        "controls": "0",
    }  # fmt: skip
    assert 'data-theme="dark"' in response.text


def test_unknown_parameter_is_reported_and_ignored(client: TestClient) -> None:
    state = initial_state(client.get(f"/?{SHARE}&colour=red").text)
    assert [m["param"] for m in state["messages"]] == ["colour"]
    assert state["trace"]["output_size"] == [3, 3]


def test_bare_page_shows_a_classic_figure(client: TestClient) -> None:
    state = initial_state(client.get("/").text)
    assert state["trace"]["output_size"] == [3, 3]
    assert state["trace"]["canvas"]["size"] == [7, 7]


def test_values_cannot_break_out_of_the_page(client: TestClient) -> None:
    response = client.get("/?input_size=5,5&fill=</script><b>x")
    assert response.status_code == 200
    assert "<b>x" not in response.text
    assert initial_state(response.text)["messages"][0]["param"] == "fill"


def test_every_field_has_a_control_named_after_it(client: TestClient) -> None:
    html = client.get("/").text
    for name in (
        "transposed", "input_size", "kernel_size", "stride", "padding", "dilation",
        "output_padding", "in_channels", "out_channels", "groups", "input", "weight", "bias",
        "seed", "fill",
    ):  # fmt: skip
        # a plain label, the code name beside it, and the code name as the control's name
        assert f'<code id="name-{name}">{name}</code></label>' in html
        assert f'aria-labelledby="name-{name}"' in html and f'id="help-{name}"' in html
        assert f'name="{name}"' in html


def test_embed_shows_diagram_and_player_and_links_back(client: TestClient) -> None:
    response = client.get(f"/embed?{SHARE}&autoplay=1&controls=0")
    assert response.status_code == 200
    html = response.text
    query = initial_state(html)["trace"]["query"].replace("&", "&amp;")
    assert 'class="diagram"' in html
    assert '<div class="player" hidden>' in html
    assert 'id="controls"' not in html
    assert re.search(rf'<a id="full-page" href="http://testserver/\?{re.escape(query)}"', html)


@pytest.mark.parametrize(
    ("query", "param", "type"),
    [
        ("step=abc", "step", "not_a_whole_number"),
        ("step=-1", "step", "too_small"),
        ("step=0", "step", "too_small"),  # counted from 1, as the page shows it
        ("step=10", "step", "step_out_of_range"),  # 9 steps: "Step 1 of 9" to "Step 9 of 9"
        ("speed=-1", "speed", "value_out_of_range"),
        ("speed=0", "speed", "value_out_of_range"),
        ("speed=fast", "speed", "not_a_number"),
        ("theme=neon", "theme", "not_a_choice"),
        ("theme=DARK", "theme", "not_a_choice"),
        ("view=x", "view", "not_a_choice"),
        ("autoplay=2", "autoplay", "not_a_choice"),
        ("controls=yes", "controls", "not_a_choice"),
        ("stop=0", "stop", "too_small"),
        ("tour=../etc", "tour", "wrong_type"),
        ("step=99&step=0", "step", "given_twice"),
        ("stride=2&stride=2", "stride", "given_twice"),
        ("padding=SAME", "padding", "not_a_choice"),
        ("input_size=５,5", "input_size", "not_a_whole_number"),
        ("steps=0", "steps", "not_a_parameter"),
    ],
)
def test_every_bad_page_parameter_is_named_not_silently_defaulted(
    client: TestClient, query: str, param: str, type: str
) -> None:
    for route in ("/", "/embed"):
        base = "&".join(p for p in SHARE.split("&") if not p.startswith(f"{param}="))
        response = client.get(f"{route}?{base}&{query}")
        assert response.status_code == 200
        state = initial_state(response.text)
        [message] = [m for m in state["messages"] if m["param"] == param]
        assert message["type"] == type
        assert param not in state["page"]
        assert f'data-param="{param}"' in response.text
        assert message["msg"] in response.text.replace("&#34;", '"').replace("&quot;", '"')


def test_good_page_parameters_are_kept(client: TestClient) -> None:
    query = "step=8&speed=0.5&theme=dark&view=matrix&autoplay=0&controls=1&tour=1x1&stop=2"
    state = initial_state(client.get(f"/?{SHARE}&{query}").text)
    assert state["messages"] == []
    assert state["page"]["view"] == "matrix" and state["page"]["speed"] == "0.5"


def test_page_messages_are_rendered_from_the_catalogue(client: TestClient) -> None:
    html = client.get(f"/?{SHARE}&theme=neon").text
    assert "theme: theme must be one of light, dark" in html
    assert "the page shows its default instead." in html
