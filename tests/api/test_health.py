"""GET /healthz: the trivial route for load balancers (and the benchmark's ceiling)."""

from fastapi.testclient import TestClient


def test_healthz_answers_ok_and_is_never_cached(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers
