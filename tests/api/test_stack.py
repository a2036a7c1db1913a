"""``POST /api/stack``: shapes, cost, fields, refusals naming the layer, limits, exported code."""

import contextlib
import io
import json
import os
import re
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest
from fastapi.testclient import TestClient

from app.limits import LIMITS
from app.web.assets import static_url
from app.web.paths import STATIC_DIR

STEM = [
    {"kernel_size": 7, "stride": 2, "padding": 3, "out_channels": 64},
    {"op": "max_pool", "kernel_size": 3, "stride": 2, "padding": 1},
]


def post(client: TestClient, **body: Any) -> Any:
    return client.post("/api/stack", json={"input_size": [224, 224], "in_channels": 3, **body})


def test_resnet_stem(client: TestClient) -> None:
    response = post(client, layers=STEM)
    assert response.status_code == 200
    body = response.json()
    assert [x["output_size"] for x in body["layers"]] == [[112, 112], [56, 56]]
    assert [x["out_channels"] for x in body["layers"]] == [64, 64]
    assert [x["receptive_field"] for x in body["layers"]] == [[7, 7], [11, 11]]
    assert [x["jump"] for x in body["layers"]] == [[2, 2], [4, 4]]
    assert body["total"] == {"params": 64 * 3 * 49, "macs": 64 * 3 * 49 * 112 * 112}
    assert (
        "trace" in response.headers["server-timing"] or "stack" in response.headers["server-timing"]
    )


def test_each_layer_links_to_the_one_layer_page_or_says_why_not(client: TestClient) -> None:
    small = client.post(
        "/api/stack",
        json={
            "input_size": [8, 8],
            "layers": [{"kernel_size": 3, "padding": "same", "bias": True}],
        },
    ).json()
    [layer] = small["layers"]
    assert layer["trace_refusal"] is None
    assert layer["query"] == "input_size=8,8&padding=same&bias=1"  # its bias kept
    assert client.get(f"/api/trace?{layer['query']}").json()["output_size"] == [8, 8]
    big = post(client, layers=STEM).json()["layers"][0]
    assert big["trace_refusal"].startswith("Too big to animate cell by cell")
    assert "64 cells a side" in big["trace_refusal"] and big["crop"]["query"]


def test_dilation_probe_grows_3_7_15_31(client: TestClient) -> None:
    layers = [{"dilation": d, "padding": "same"} for d in (1, 2, 4, 8)]
    body = client.post(
        "/api/stack",
        json={"input_size": [40, 40], "layers": layers, "probe": {"layer": 3, "index": [20, 20]}},
    ).json()
    assert [x["receptive_field"] for x in body["layers"]] == [[3, 3], [7, 7], [15, 15], [31, 31]]
    sizes = [b[1] - b[0] + 1 for p in body["probe"] for b in p["bounds"][:1]]
    assert sizes == [3, 7, 15, 31]
    assert body["probe"][0]["cells"][0] == [19, 20, 21]
    assert (
        body["probe"][1]["cells"][0] == [17, 19, 21, 23] or len(body["probe"][1]["cells"][0]) == 7
    )


@pytest.mark.parametrize(
    ("body", "loc", "type"),
    [
        ({"layers": [{"kernel_size": 3}, {"kernel_size": 999}]},
         ["body", "layers", 1, "kernel_size"], None),
        ({"layers": [{"op": "max_pool", "out_channels": 5}]}, ["body", "layers", 0, "out_channels"],
         "stack_pool_channels"),
        ({"layers": [{"op": "avg_pool", "transposed": True}]}, ["body", "layers", 0, "transposed"],
         "stack_pool_transposed"),
        ({"input_size": [4097, 8], "layers": []}, ["body", "input_size"], "stack_above_limit"),
        ({"in_channels": 4097, "layers": []}, ["body", "in_channels"], "stack_above_limit"),
        ({"layers": [{"out_channels": 4097}]}, ["body", "layers", 0, "out_channels"],
         "stack_above_limit"),
        ({"layers": [{}] * 257}, ["body", "layers"], "stack_too_many_layers"),
        ({"input_size": [8, 8, 8, 8], "layers": []}, ["body", "input_size"],
         "stack_dimensions_3d"),
        ({"input_size": [513, 8, 8], "layers": []}, ["body", "input_size"], "stack_above_limit"),
        ({"input_size": [65_537], "layers": []}, ["body", "input_size"], "stack_above_limit"),
        ({"input_size": [4096], "layers": [{"kernel_size": 256}]},
         ["body", "layers", 0, "kernel_size"], "stack_above_limit"),
        ({"input_size": [8, 8],
          "layers": [{"kernel_size": 1, "stride": 300, "transposed": True}] * 2},
         ["body", "layers", 1], "stack_output_above_limit"),
        ({"layers": [{}], "probe": {"layer": 1, "index": [0, 0]}}, ["body", "probe", "layer"],
         "stack_probe_layer"),
        ({"layers": [{}], "probe": {"layer": 0, "index": [0, 222]}}, ["body", "probe", "index"],
         "stack_probe_index"),
    ],
)  # fmt: skip
def test_refusals_name_the_layer_and_field(
    client: TestClient, body: dict[str, Any], loc: list[Any], type: str | None
) -> None:
    response = post(client, **body)
    assert response.status_code == 422, response.text
    [detail] = response.json()["detail"]
    assert detail["loc"] == loc
    if type is not None:
        assert detail["type"] == type
    if loc[1:2] == ["layers"] and len(loc) > 2:
        assert detail["msg"].startswith(f"layer {loc[2] + 1}: ")
        assert detail["ctx"]["layer"] == loc[2] + 1


def test_kernel_too_large_names_layer_3(client: TestClient) -> None:
    layers = [{"kernel_size": 3, "stride": 2}] * 2 + [{"kernel_size": 7}]
    response = client.post("/api/stack", json={"input_size": [23], "layers": layers})
    [detail] = response.json()["detail"]
    assert detail["loc"] == ["body", "layers", 2, "kernel_size"]
    assert detail["msg"].startswith("layer 3: ") and "7" in detail["msg"] and "(5)" in detail["msg"]


def test_strict_fields(client: TestClient) -> None:
    for layer in ({"kernel_size": "3"}, {"bias": 1}, {"stride": True}, {"colour": 1}):
        response = post(client, layers=[layer])
        assert response.status_code == 422, layer


def test_a_second_of_audio_and_a_wide_kernel_fit(client: TestClient) -> None:
    """16,000 samples, a kernel of 255 (audio front ends start with 80 and more)."""
    layers = [{"kernel_size": 255, "stride": 4, "out_channels": 64}, {"kernel_size": 80}]
    body = {"input_size": [65_536], "in_channels": 1, "layers": layers}
    response = client.post("/api/stack", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["layers"][0]["output_size"] == [(65_536 - 255) // 4 + 1]
    volume = {"input_size": [512, 512, 512], "layers": [{"kernel_size": 3, "stride": 2}]}
    assert client.post("/api/stack", json=volume).json()["layers"][0]["output_size"] == [255] * 3


def test_the_stack_limits_are_listed_apart(client: TestClient) -> None:
    body = client.get("/api/limits").json()
    assert body["stack"]["max_stack_size_1d"] == 65_536
    assert body["stack"]["max_stack_size_2d"] == 4096
    assert body["stack"]["max_stack_size_3d"] == 512
    assert body["stack"]["max_stack_kernel_size"] == 255
    assert body["stack"]["max_stack_layers"] == 256
    assert not any(key.startswith("max_stack") for key in body)


def test_a_real_network_fits(client: TestClient) -> None:
    """256 layers, 4096 channels, a 4096-wide input: the stack limits, all at once."""
    layers = [{"kernel_size": 3, "padding": 1, "out_channels": 4096}] * LIMITS.max_stack_layers
    response = client.post(
        "/api/stack",
        json={"input_size": [4096, 4096], "in_channels": 4096, "layers": layers,
              "probe": {"layer": LIMITS.max_stack_layers - 1, "index": [2048, 2048]}},
    )  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["layers"][-1]["receptive_field"] == [1 + 2 * LIMITS.max_stack_layers] * 2
    reach = LIMITS.max_stack_layers  # one cell more on each side per 3×3 layer
    assert body["probe"][-1]["bounds"] == [[2048 - reach, 2048 + reach]] * 2


def _run(code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<exported>", "exec"), {})
    return out.getvalue()


EXPORTS = {
    "stem": ([64, 64], 3, STEM),
    "per-side": ([9, 10], 2, [{"kernel_size": 3, "padding": [[0, 2], [1, 0]], "out_channels": 4}]),
    "pool-pad": ([9], 2, [{"op": "max_pool", "kernel_size": 2, "padding": 1, "stride": 1},
                          {"op": "avg_pool", "kernel_size": 3, "dilation": 2,
                           "padding": [[2, 0]]}]),
    "transposed": ([5, 6], 4, [{"kernel_size": 3, "stride": 2, "padding": [[1, 0], [0, 2]],
                                "transposed": True, "out_channels": 2, "output_padding": 1,
                                "groups": 2, "bias": True}]),
    "dilated-transposed": ([4], 1, [{"kernel_size": 3, "stride": 2, "dilation": 3,
                                     "transposed": True, "output_padding": 2}]),
    "fcn": ([50, 50], 3, [{"kernel_size": 3, "stride": 2, "padding": 1, "out_channels": 8},
                          {"kernel_size": 3, "stride": 2, "padding": 1, "transposed": True,
                           "output_padding": 1, "out_channels": 3}]),
    "same": ([11], 1, [{"kernel_size": 4, "stride": 3, "padding": "same", "out_channels": 2},
                       {"kernel_size": 2, "dilation": 2, "padding": "causal"}]),
}  # fmt: skip


@pytest.mark.parametrize("name", EXPORTS)
def test_exported_code_runs_and_prints_every_shape(client: TestClient, name: str) -> None:
    input_size, channels, layers = EXPORTS[name]
    body = client.post(
        "/api/stack", json={"input_size": input_size, "in_channels": channels, "layers": layers}
    ).json()
    expected = [(x["out_channels"], *x["output_size"]) for x in body["layers"]]
    printed = _run(body["code"]["pytorch"]).splitlines()
    shapes = [tuple(int(n) for n in re.findall(r"\d+", line)[1:]) for line in printed[1:]]
    assert shapes == expected
    printed = _run(body["code"]["keras"]).splitlines()
    shapes = [tuple(int(n) for n in re.findall(r"\d+", line)[1:]) for line in printed[1:]]
    assert [(s[-1], *s[:-1]) for s in shapes] == expected


PRESETS = json.loads((STATIC_DIR / "presets" / "stack.json").read_text(encoding="utf-8"))


def run_preset(client: TestClient, preset: dict[str, Any], layers: Any = None) -> Any:
    body = {
        "input_size": preset["input_size"],
        "in_channels": preset["in_channels"],
        "layers": layers or preset["layers"],
        **({"probe": preset["probe"]} if "probe" in preset and layers is None else {}),
    }
    response = client.post("/api/stack", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_every_preset_runs_and_its_lesson_holds(client: TestClient) -> None:
    """Each preset's sentence states numbers; the API must give exactly those."""
    by_slug = {p["slug"]: p for p in PRESETS}
    assert set(by_slug) == {"bottleneck", "inception", "dilation", "wavenet", "resnet-stem", "fcn"}
    results = {slug: run_preset(client, p) for slug, p in by_slug.items()}
    baselines = {
        slug: run_preset(client, p, p["compare"]["layers"])
        for slug, p in by_slug.items()
        if "compare" in p
    }

    slim, plain = results["bottleneck"]["total"]["macs"], baselines["bottleneck"]["total"]["macs"]
    assert (slim, plain) == (4_456_448, 16_777_216)
    assert f"{plain / slim:.2f}×" == "3.76×" and "3.76×" in by_slug["bottleneck"]["lesson"]

    slim, plain = results["inception"]["total"]["macs"], baselines["inception"]["total"]["macs"]
    assert (round(slim / 1e6, 1), round(plain / 1e6, 1), round(plain / slim, 1)) == (
        12.4,
        120.4,
        9.7,
    )

    fields = [x["receptive_field"][0] for x in results["dilation"]["layers"]]
    plain_fields = [x["receptive_field"][0] for x in baselines["dilation"]["layers"]]
    assert (fields, plain_fields) == ([3, 7, 15, 31], [3, 5, 7, 9])
    assert [p["bounds"][0][1] - p["bounds"][0][0] + 1 for p in results["dilation"]["probe"]] == [
        3, 7, 15, 31,
    ]  # fmt: skip

    wavenet = results["wavenet"]
    assert [x["output_size"] for x in wavenet["layers"]] == [[16]] * 4
    assert wavenet["probe"][-1]["cells"] == [list(range(16))]  # the past, never the future

    stem = results["resnet-stem"]["layers"]
    assert [x["output_size"] for x in stem] == [[112, 112], [56, 56]]
    assert stem[-1]["receptive_field"] == [11, 11]

    fcn = [x["output_size"][0] for x in results["fcn"]["layers"]]
    assert fcn == [25, 13, 25, 50]
    without = [
        dict(x, output_padding=0) if x.get("transposed") else x for x in by_slug["fcn"]["layers"]
    ]
    assert run_preset(client, by_slug["fcn"], without)["layers"][-1]["output_size"] == [49, 49]


def test_stack_pages(client: TestClient) -> None:
    page = client.get("/stack?preset=dilation")
    assert page.status_code == 200
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert f'<script type="module" src="{static_url("js/stack/main.js")}">' in page.text
    assert "3, 7, 15 and 31" in page.text  # the presets travel in the initial state
    embed = client.get("/stack/embed?input_size=8&layer=conv,c1,k3")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert 'id="layers"' not in embed.text


def test_each_layer_link_opens_the_same_layer_on_the_one_layer_page(client: TestClient) -> None:
    pools = {
        "input_size": [9, 8], "in_channels": 2,
        "layers": [{"op": "max_pool", "kernel_size": 2, "stride": 2},
                   {"op": "avg_pool", "kernel_size": 3, "padding": 1},
                   {"kernel_size": 2, "stride": 2, "transposed": True, "out_channels": 3}],
    }  # fmt: skip
    for preset in [*PRESETS, pools]:
        for layer in run_preset(client, preset)["layers"]:
            assert preset is not pools or layer["trace_refusal"] is None  # pooling traces too
            if layer["trace_refusal"] is not None:
                assert layer["trace_refusal"].startswith("Too big to animate cell by cell")
                crop = client.get(f"/api/trace?{layer['crop']['query']}&steps=0").json()
                assert crop["config"]["kernel_size"] == layer["kernel_size"]  # a crop that fits
                continue
            trace = client.get(f"/api/trace?{layer['query']}&steps=0").json()
            assert trace["output_size"] == layer["output_size"], layer["query"]
            assert trace["config"]["out_channels"] == layer["out_channels"]
            assert trace["padding"] == layer["padding"]


def test_a_3d_stack_with_ceil_mode(client: TestClient) -> None:
    """A video stem: Conv3d k3 s(1,2,2) p1, then MaxPool3d k2 s2 ceil_mode (PyTorch: 16→15→8)."""
    body = client.post("/api/stack", json={
        "input_size": [15, 112, 112], "in_channels": 3, "layers": [
            {"kernel_size": 3, "stride": [1, 2, 2], "padding": 1, "out_channels": 64},
            {"op": "max_pool", "kernel_size": 2, "stride": 2, "ceil_mode": True},
        ],
    }).json()  # fmt: skip
    assert [layer["output_size"] for layer in body["layers"]] == [[15, 56, 56], [8, 28, 28]]
    refused = client.post("/api/stack", json={"input_size": [513, 8, 8], "layers": []})
    assert refused.status_code == 422


def test_one_layer_links_keep_bias_and_big_layers_offer_a_crop(client: TestClient) -> None:
    # a 16 → 32-channel 16×16 layer with bias, and the ResNet stem's 7×7 stride-2 layer
    for body in (
        {"input_size": [16, 16], "in_channels": 16,
         "layers": [{"kernel_size": 3, "padding": 1, "out_channels": 32, "bias": True}]},
        {"input_size": [224, 224], "in_channels": 3,
         "layers": [{"kernel_size": 7, "stride": 2, "padding": 3, "out_channels": 64,
                     "bias": True}]},
    ):  # fmt: skip
        (layer,) = client.post("/api/stack", json=body).json()["layers"]
        assert "bias=1,1" in layer["query"]  # the layer's bias kept in the one-layer link
        refusal = layer["trace_refusal"]
        assert refusal.startswith("Too big to animate cell by cell")
        assert "max_" not in refusal and "/api/limits" not in refusal  # a learner's words
        crop = client.get(f"/api/trace?{layer['crop']['query']}&steps=0")
        assert crop.status_code == 200
        config = crop.json()["config"]
        assert config["kernel_size"] == [body["layers"][0]["kernel_size"]] * 2
        assert config["stride"] == [body["layers"][0].get("stride", 1)] * 2
        assert crop.json()["bias"] is not None
