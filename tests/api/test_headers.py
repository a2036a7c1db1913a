"""Only /embed may be framed by other sites; every other route only by ConvScope itself."""

import pytest
from fastapi.testclient import TestClient

QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"


def test_embed_may_be_framed_by_any_site(client: TestClient) -> None:
    response = client.get(f"/embed?{QUERY}")
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        f"/?{QUERY}",
        f"/api/trace?{QUERY}",
        f"/api/render.png?{QUERY}",
        "/api/limits",
        "/api/trace",  # a 422 too
        "/embed/",  # not the embed route: a redirect to it
        "/no-such-page",
    ],
)
def test_everything_else_only_by_itself(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors *" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["x-content-type-options"] == "nosniff"
