"""/api/trace through HTTP: GET and POST agree, the share query round-trips, errors are clear."""

from urllib.parse import parse_qsl

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.arithmetic.config import build_config
from app.limits import LIMITS
from tests.reference import torch_output

SEED_QUERY = (
    "input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4&fill=ones"
)
SEED_OUTPUT = [[[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]]


def test_padded_strided_example(client: TestClient) -> None:
    response = client.get("/api/trace?input_size=5,5&kernel_size=3&stride=2&padding=1")
    body = response.json()
    assert body["output_size"] == [3, 3]
    source = [None, 0, 1, 2, 3, 4, None]  # zeros padding: no input behind the padding cells
    assert body["canvas"] == {
        "size": [7, 7], "origin": [1, 1], "step": [1, 1], "source": [source, source]
    }  # fmt: skip
    assert body["padding"] == [[1, 1], [1, 1]]
    assert len(body["steps"]) == 9
    # Window of output (1, 2) starts at canvas (2, 4): rows 1..3 and columns 3..4 of the input.
    step = body["steps"][5]
    assert step["output"] == [0, 1, 2] and step["anchor"] == [2, 4]
    inputs = {tuple(tap[0]) for tap in step["taps"]}
    assert inputs == {(0, y, x) for y in (1, 2, 3) for x in (3, 4)}
    assert body["unused_input"] == [[], []]
    # The server time of the computation, or a hit of the response cache (app/web/cache.py).
    assert response.headers["server-timing"].startswith(("trace;dur=", "cache;desc=hit"))
    config = build_config([5, 5], kernel_size=3, stride=2, padding=1)
    expected = torch_output(
        config, np.array(body["input"], float), np.array(body["weight"], float), None
    )
    np.testing.assert_allclose(body["output"], expected)


def test_seed_example_through_get_and_post(client: TestClient) -> None:
    by_get = client.get(f"/api/trace?{SEED_QUERY}").json()
    by_post = client.post(
        "/api/trace",
        json={"input_size": [2, 2], "kernel_size": 3, "stride": 2, "padding": "same",
              "transposed": True, "input": [[1, 2], [3, 4]], "fill": "ones"},
    ).json()  # fmt: skip
    assert by_get["output"] == by_post["output"] == SEED_OUTPUT
    assert by_get["kernel_flipped"] is True
    assert by_get["padding"] == [[0, 1], [0, 1]]
    # Zero-insertion view: 2 inputs with 1 zero between, k_eff − 1 − p = 2 before, 1 after.
    source = [None, None, 0, None, 1, None]  # input 0 and 1, inserted zeros between
    assert by_get["canvas"] == {
        "size": [6, 6], "origin": [2, 2], "step": [2, 2], "source": [source, source]
    }  # fmt: skip


def test_generated_values_are_the_same_for_get_and_post(client: TestClient) -> None:
    fields = {"input_size": [4, 5], "kernel_size": [2, 3], "in_channels": 2, "out_channels": 2,
              "seed": 7}  # fmt: skip
    by_post = client.post("/api/trace", json=fields).json()
    by_get = client.get(
        "/api/trace?input_size=4,5&kernel_size=2,3&in_channels=2&out_channels=2&seed=7"
    ).json()
    for key in ("input", "weight", "output", "steps"):
        assert by_get[key] == by_post[key]
    other_seed = client.post("/api/trace", json={**fields, "seed": 8}).json()
    assert other_seed["input"] != by_post["input"]


@pytest.mark.parametrize(
    "query",
    [
        SEED_QUERY,
        "input_size=6&kernel_size=3&stride=2&padding=0:1",
        "input_size=7,7&dilation=2&in_channels=2&out_channels=4&groups=2&bias=1,0,-1,2",
        "input_size=3,3&stride=2&padding=1&transposed=1&output_padding=1,0&weight=1,0,1;0,1,0;1,0,1",
        "input_size=5&kernel_size=2&in_channels=2&input=1,2,3,4,5;0,1,0,1,0&fill=arange",
    ],
)
def test_share_query_round_trips(client: TestClient, query: str) -> None:
    first = client.get(f"/api/trace?{query}").json()
    again = client.get(f"/api/trace?{first['query']}").json()
    assert again == first
    # The canonical query names only what differs from the defaults.
    assert "seed=0" not in first["query"] and "groups=1&" not in first["query"] + "&"


def test_canonical_query_keeps_named_padding(client: TestClient) -> None:
    body = client.get(f"/api/trace?{SEED_QUERY}").json()
    assert dict(parse_qsl(body["query"]))["padding"] == "same"


def test_one_dimensional_trace(client: TestClient) -> None:
    body = client.get("/api/trace?input_size=6&kernel_size=3&stride=2&include=formulas").json()
    assert body["output_size"] == [2]
    assert body["unused_input"] == [[5]]
    assert body["steps"][1]["output"] == [0, 1] and body["steps"][1]["anchor"] == [2]
    assert [tap[0] for tap in body["steps"][1]["taps"]] == [[0, 2], [0, 3], [0, 4]]
    never = [f for f in body["formulas"] if f["name"].startswith("never reached")]
    assert never and never[0]["result"] == "1"


def test_formulas_are_filled_in(client: TestClient) -> None:
    body = client.get(
        "/api/trace?input_size=5,5&kernel_size=3&stride=2&padding=1&include=formulas"
    ).json()
    sizes = [f for f in body["formulas"] if f["name"].startswith("output size")]
    assert [f["substituted"] for f in sizes] == ["floor((5 + 1 + 1 − 3) / 2) + 1"] * 2
    assert [f["result"] for f in sizes] == ["3", "3"]
    assert body["cost"] == {"params": 9, "macs": 81}


def test_limits_endpoint(client: TestClient) -> None:
    body = client.get("/api/limits").json()
    assert body["max_spatial_size_2d"] == 64 and body["max_spatial_size_1d"] == 512
    assert body["max_kernel_size"] == 15 and body["max_taps"] == 500_000
    assert body == LIMITS.as_dict()  # every limit is reported, none filtered out


BAD_POSTS = [
    ({"input_size": [5, 5], "stride": True}, "stride", "whole number"),
    ({"input_size": [5, 5], "stride": "3"}, "stride", "whole number"),
    ({"input_size": [5, 5], "stride": 0}, "stride", "at least 1"),
    ({"input_size": [5, 5], "stride": [1, 2, 3]}, "stride", "one per dimension"),
    ({"input_size": [5], "dilation": 3}, "kernel_size", "effective size 7 with dilation 3"),
    ({"input_size": [3], "transposed": True, "stride": 2, "output_padding": 2}, "output_padding",
     "smaller than stride or dilation"),
    ({"input_size": [5], "output_padding": 1}, "output_padding", "transposed"),
    ({"input_size": [5, 5], "padding": -1}, "padding", "0 or more"),
    ({"input_size": [5, 5], "padding": "half"}, "padding", "same"),
    ({"input_size": [5, 5], "padding": "full", "transposed": True}, "padding", "direct"),
    ({"input_size": [5, 5], "in_channels": 3, "groups": 2}, "groups", "divide"),
    ({"input_size": [5, 5], "input": [[1, 2], [3, 4]]}, "input", "5×5"),
    ({"input_size": [2, 2], "input": [[1, True], [3, 4]]}, "input", "numbers"),
    ({"input_size": [2, 2], "kernel_size": 1, "bias": [1, 2]}, "bias", "one number per output"),
    ({"input_size": [5, 5], "fill": "zeros"}, "fill", "random"),
    ({"input_size": [65, 5]}, "input_size", "limit of 64"),
    ({"input_size": [5, 5], "kernel_size": 16}, "kernel_size", "limit of 15"),
    ({"input_size": [5, 5], "in_channels": 65}, "in_channels", "limit of 64"),
    ({"input_size": [5, 5, 5, 5]}, "input_size", "1 number"),
    ({"input_size": []}, "input_size", "1 number"),
    ({"input_size": [5, 5, 5, 5], "kernel_size": [3, 3]}, "input_size", "1 number"),
    ({"input_size": [5, 5], "seed": -1}, "seed", "at least 0"),
    ({"input_size": [5, 5], "strides": 2}, "strides", "not a field"),
    ({}, "input_size", "required"),
    ({"input_size": [64, 64], "kernel_size": 15, "in_channels": 8, "out_channels": 8}, "input_size",
     "taps"),
    ({"input_size": [64, 64], "stride": 16, "transposed": True}, "input_size",
     "max_canvas_size_2d"),
    ({"input_size": [16, 16], "stride": 16, "transposed": True, "out_channels": 64}, "input_size",
     "output cells"),
    ({"input_size": [2, 2], "kernel_size": 1, "input": [[1e300, 0], [0, 0]]}, "input", "between"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field", "words"), BAD_POSTS)
def test_bad_requests_name_the_field(
    client: TestClient, body: dict, field: str, words: str
) -> None:
    response = client.post("/api/trace", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["body", field]
    assert words in detail[0]["msg"]


BAD_QUERIES = [
    ("input_size=5,5&stride=x", "stride", "whole number"),
    ("input_size=5,5&transposed=yes", "transposed", "1, 0, true or false"),
    ("input_size=5,5&padding=1:2:3", "padding", "before:after"),
    ("input_size=2,2&input=1,2;3", "input", "same count"),
    ("input_size=2,2&kernel_size=1&input=1,2,3,4", "input", "rows of 2"),
    ("input_size=2,2&input=1,a;3,4", "input", "not a number"),
    ("input_size=5,5&step=3", "step", "not a field"),
    ("stride=2", "input_size", "required"),
    ("input_size=5&input_size=7", "input_size", "given 2 times"),
    ("input_size=", "input_size", "empty"),
]


@pytest.mark.parametrize(("query", "field", "words"), BAD_QUERIES)
def test_bad_queries_name_the_field(client: TestClient, query: str, field: str, words: str) -> None:
    response = client.get(f"/api/trace?{query}")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["query", field]
    assert words in detail[0]["msg"]


def test_malformed_json_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/api/trace", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"][0]["msg"]
    response = client.post("/api/trace", json=[1, 2])
    assert response.status_code == 422


def test_undecodable_body_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/api/trace", content=b"\xff\x15M", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_matrix_view(client: TestClient) -> None:
    body = client.get("/api/matrix?input_size=4&kernel_size=3&weight=1,2,3&input=1,0,2,1").json()
    assert body["matrix"] == [[1, 2, 3, 0], [0, 1, 2, 3]]
    assert body["rows"] == [[0, 0], [0, 1]] and body["columns"] == [[0, i] for i in range(4)]
    assert body["output"] == [[1 * 1 + 0 * 2 + 2 * 3, 0 * 1 + 2 * 2 + 1 * 3]]
    same = client.post(
        "/api/matrix", json={"input_size": [4], "weight": [1, 2, 3], "input": [1, 0, 2, 1]}
    )
    assert same.json() == body


def test_max_pooling_has_no_matrix(client: TestClient) -> None:
    # max is not linear: no matrix C gives y = C·x, so the matrix is refused by name
    response = client.get("/api/matrix?op=max_pool&input_size=4,4&kernel_size=2&stride=2")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "op" and error["type"] == "matrix_not_linear"
    assert "not a weighted sum" in error["msg"]
    average = client.get("/api/matrix?op=avg_pool&input_size=4,4&kernel_size=2&stride=2")
    assert average.status_code == 200 and average.json()["matrix"][0][:2] == [0.25, 0.25]


def test_matrix_view_is_for_small_sizes(client: TestClient) -> None:
    response = client.get("/api/matrix?input_size=32,32")
    assert response.status_code == 422
    assert "matrix view is for small examples" in response.json()["detail"][0]["msg"]


def test_3d_matrix_in_depth_then_row_then_column(client: TestClient) -> None:
    """Conv3d's matrix: rows and columns named (c, z, y, x), flattened as PyTorch does."""
    body = client.get("/api/matrix?input_size=2,2,3&kernel_size=1,1,2&weight=1,10").json()
    assert body["columns"] == [[0, z, y, x] for z in range(2) for y in range(2) for x in range(3)]
    assert body["rows"] == [[0, z, y, x] for z in range(2) for y in range(2) for x in range(2)]
    assert body["matrix"][0][:3] == [1, 10, 0] and body["matrix"][7][9:] == [0, 1, 10]
    x = np.array(body["input"]).ravel()
    assert (np.array(body["matrix"]) @ x).tolist() == np.array(body["output"]).ravel().tolist()


def test_a_3d_matrix_too_big_is_refused_by_name_before_work(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_work(*_: object) -> None:
        raise AssertionError("traced a matrix above the limit")

    monkeypatch.setattr("app.layer.tracing.compute", no_work)
    response = client.get("/api/matrix?input_size=8,8,8&kernel_size=2&transposed=1")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["type"] == "too_many_matrix_entries"
    assert error["ctx"]["limit_name"] == "max_matrix_entries"
    assert error["ctx"]["rows"] == 9**3 and error["ctx"]["columns"] == 8**3


TYPICAL = "input_size=5,5&kernel_size=3&stride=2&padding=1"


def test_formulas_and_code_are_built_only_when_asked_for(client: TestClient) -> None:
    plain = client.get(f"/api/trace?{TYPICAL}").json()
    assert "formulas" not in plain and "code" not in plain
    assert plain["cost"] == {"params": 9, "macs": 81} and "steps" in plain  # the rest stays
    both = client.get(f"/api/trace?{TYPICAL}&include=code,formulas&steps=0").json()
    assert set(both["code"]) == {"pytorch", "keras"}
    assert "print(y.shape)" in both["code"]["pytorch"].splitlines()[-1]
    assert [f["result"] for f in both["formulas"] if f["name"].startswith("output size")] == [
        "3",
        "3",
    ]
    assert "steps" not in both
    assert both["query"] == plain["query"]  # how the API answers is not in the share link
    posted = client.post("/api/trace", json={"input_size": [5, 5], "include": ["code"]}).json()
    assert "code" in posted and "formulas" not in posted


@pytest.mark.parametrize("include", ["formula", "code,steps", "", "Code"])
def test_an_unknown_part_is_refused_by_name(client: TestClient, include: str) -> None:
    response = client.get(f"/api/trace?{TYPICAL}&include={include}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "include"
    posted = client.post("/api/trace", json={"input_size": [5, 5], "include": [include]})
    assert posted.status_code == 422
    assert "include" in posted.json()["detail"][0]["loc"]
