"""Request → response: what the trace carries (SPEC.md "API contract"), steps on request."""

from fastapi.testclient import TestClient

from app.layer.schemas import TraceRequest
from app.layer.tracing import run_trace


def test_steps_false_leaves_the_step_list_out_and_keeps_the_factors(client: TestClient) -> None:
    body = {"input_size": [5, 5], "stride": 2, "padding": 1, "steps": False}
    compact = client.post("/api/trace", json=body).json()
    full = client.post("/api/trace", json={**body, "steps": True}).json()
    assert "steps" not in compact and len(full["steps"]) == 9
    assert compact["axes"] == full["axes"]
    assert compact["axes"][0] == {"anchor": [0, 2, 4], "taps": [[[1, 0], [2, 1]],
                                  [[0, 1], [1, 2], [2, 3]], [[0, 3], [1, 4]]]}  # fmt: skip
    assert compact["channel_taps"] == [[[0, 0, 0]]]
    assert compact["overlap"] == [[4, 6, 4], [6, 9, 6], [4, 6, 4]]
    assert compact["unused_input"] == [[], []]
    assert "steps" not in compact["query"]


def test_the_twin_maps_the_size_back_and_returns(client: TestClient) -> None:
    """SPEC.md's guide figure "padding, strides (odd)": 6 → 3, and its twin 3 → 6."""
    direct = client.get("/api/trace?input_size=6,6&stride=2&padding=1&seed=4").json()
    assert direct["twin"] == (
        "transposed=1&input_size=3,3&stride=2&padding=1&output_padding=1&seed=4"
    )
    twin = client.get(f"/api/trace?{direct['twin']}").json()
    assert twin["output_size"] == [6, 6]
    assert twin["weight"] == direct["weight"]  # same seed, same shape: the same tensor
    back = client.get(f"/api/trace?{twin['twin']}").json()
    assert back["output_size"] == [3, 3] and back["query"] == direct["query"]


def test_overlap_shows_the_checkerboard() -> None:
    """A stride-2 transposed 3×3 kernel scatters unevenly; a 4×4 one evenly (away from edges)."""
    odd = run_trace(TraceRequest(input_size=[3], kernel_size=3, stride=2, transposed=True))
    even = run_trace(TraceRequest(input_size=[4], kernel_size=4, stride=2, padding=1,
                                  transposed=True))  # fmt: skip
    assert odd["overlap"] == [1, 1, 2, 1, 2, 1, 1]
    assert even["overlap"] == [1, 2, 2, 2, 2, 2, 2, 1]


def test_transposed_valid_without_output_padding_is_keras(client: TestClient) -> None:
    """SPEC.md: Conv1DTranspose(1, 1, strides=2, padding="valid") on 8 inputs gives 16."""
    body = client.get("/api/trace?input_size=8&kernel_size=1&stride=2&transposed=1&padding=valid")
    assert body.json()["output_size"] == [16]
    assert body.json()["config"]["output_padding"] == [1]
