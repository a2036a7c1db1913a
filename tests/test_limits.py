"""app/limits.py: every limit in one place, checked before any trace work, named when refused."""

from dataclasses import fields
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.arithmetic.config import build_config
from app.arithmetic.errors import ConfigError
from app.layer import tracing
from app.layer.schemas import TraceRequest
from app.limits import LIMITS, Limits, check_config, check_request


def test_every_limit_is_reported(client: TestClient) -> None:
    body = client.get("/api/limits").json()
    assert body == LIMITS.as_dict()
    names = {f.name for f in fields(Limits)}
    stack = {name for name in names if name.startswith("max_stack_")}
    assert set(body) == names - stack | {"stack"} and set(body["stack"]) == stack
    assert body["max_padding_2d"] == 64 and body["max_padding_1d"] == 512
    assert body["max_canvas_size_2d"] == 256 and body["max_canvas_size_1d"] == 2048
    assert body["max_body_bytes"] == 2 * 1024 * 1024 and body["max_query_bytes"] == 16 * 1024


@pytest.mark.parametrize(
    ("query", "field", "limit_name"),
    [
        ("input_size=65,5", "input_size", "max_spatial_size_2d"),
        ("input_size=513", "input_size", "max_spatial_size_1d"),
        ("input_size=5,5&kernel_size=16", "kernel_size", "max_kernel_size"),
        ("input_size=5,5&stride=17", "stride", "max_stride"),
        ("input_size=5,5&dilation=1,17", "dilation", "max_dilation"),
        ("input_size=5,5&in_channels=65", "in_channels", "max_channels"),
        ("input_size=5,5&out_channels=65", "out_channels", "max_channels"),
        ("input_size=1,1&padding=127", "padding", "max_padding_2d"),
        ("input_size=1,1&padding=0:65,0:0", "padding", "max_padding_2d"),
        ("input_size=1&padding=513", "padding", "max_padding_1d"),
        ("input_size=5,5&seed=4294967296", "seed", "max_seed"),
        # "full" pads d·(k−1) = 16·14 = 224 on each side: refused once resolved.
        ("input_size=5,5&kernel_size=15&dilation=16&padding=full", "padding", "max_padding_2d"),
        ("input_size=64,64&stride=16&transposed=1", "input_size", "max_canvas_size_2d"),
        ("input_size=512&stride=16&kernel_size=15&transposed=1", "input_size",
         "max_canvas_size_1d"),
        ("input_size=16,16&stride=16&transposed=1&out_channels=64", "input_size",
         "max_output_cells"),
        ("input_size=64,64&kernel_size=15&in_channels=8&out_channels=8", "input_size", "max_taps"),
    ],
)  # fmt: skip
def test_each_refusal_names_its_limit(
    client: TestClient, query: str, field: str, limit_name: str
) -> None:
    response = client.get(f"/api/trace?{query}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", field]
    assert error["ctx"]["limit_name"] == limit_name
    assert error["ctx"]["limit"] == getattr(LIMITS, limit_name)
    assert limit_name in error["msg"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("input_size=1,1&padding=127", "padding"),
        (f"input_size=5,5&padding={10**11}", "padding"),
        (f"input_size=5,5&padding={10**30}", "padding"),
        ("input_size=5,5&stride=99999", "stride"),
        (f"input_size={10**9},{10**9}", "input_size"),
    ],
)
def test_big_numbers_are_refused_before_the_configuration_is_built(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, query: str, field: str
) -> None:
    def no_work(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("refused too late: the configuration was being built")

    monkeypatch.setattr(tracing, "build_config", no_work)
    response = client.get(f"/api/trace?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


def test_padding_ten_to_the_thirty_names_padding(client: TestClient) -> None:
    for response in (
        client.get(f"/api/trace?input_size=5,5&padding={10**30}"),
        client.post("/api/trace", json={"input_size": [5, 5], "padding": 10**30}),
        client.post("/api/trace", json={"input_size": [5, 5], "padding": [[0, 10**30], [0, 0]]}),
    ):
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][1] == "padding"


def test_check_request_and_check_config_directly() -> None:
    with pytest.raises(ConfigError) as info:
        check_request(TraceRequest(input_size=[5, 5], output_padding=[65, 0], transposed=True))
    assert (info.value.field, info.value.ctx["limit_name"]) == ("output_padding", "max_padding_2d")
    check_config(build_config([64, 64], kernel_size=3, padding=64))  # 192×192: within
    with pytest.raises(ConfigError) as info:
        check_config(build_config([64, 64], kernel_size=15, dilation=16, padding="full"))
    assert (info.value.field, info.value.type) == ("padding", "above_limit")
    with pytest.raises(ConfigError) as info:
        check_config(build_config([64, 64], stride=16, transposed=True))
    assert (info.value.type, info.value.ctx["value"]) == ("canvas_above_limit", 1013)


@pytest.mark.parametrize(
    ("query", "field", "type"),
    [
        ("render.svg?input_size=5,5&step=10", "step", "step_out_of_range"),  # 9 steps: 1 to 9
        ("render.svg?input_size=5,5&step=-1", "step", "step_out_of_range"),
        ("render.gif?input_size=5,5&fps=21", "fps", "above_limit"),
        ("render.gif?input_size=64,64&padding=1", "input_size", "above_limit"),  # 4096 frames
    ],
)
def test_picture_parameters_are_checked_before_drawing(
    client: TestClient, query: str, field: str, type: str
) -> None:
    response = client.get(f"/api/{query}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["query", field], type)
