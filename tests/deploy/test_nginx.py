"""deploy/nginx.conf in front of a live app on loopback (Debian's nginx), and the compose file.

nginx honours the app's Cache-Control: a repeated page or trace is served from its cache,
/healthz and POSTs never are, a body over 2 MB is a 413 before the app, and a client
without gzip gets the same bytes as from the app itself.
"""

import http.client
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.bench import Nginx, Server, get, nginx, render_nginx_conf, serve

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"


@pytest.fixture(scope="module")
def proxied() -> Iterator[tuple[Server, Nginx]]:
    with serve() as server, nginx([server.port]) as proxy:
        yield server, proxy


@needs_nginx
def test_the_configuration_is_valid(tmp_path: Path) -> None:
    conf = render_nginx_conf(tmp_path, 8080, ["127.0.0.1:8000", "127.0.0.1:8001"])
    assert NGINX is not None
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


@needs_nginx
@pytest.mark.parametrize("path", [f"/?{QUERY}", f"/api/trace?{QUERY}", f"/api/render.png?{QUERY}"])
def test_a_repeat_is_a_cache_hit(proxied: tuple[Server, Nginx], path: str) -> None:
    _, proxy = proxied
    first = get(proxy.port, path, gzip_ok=True)
    second = get(proxy.port, path, gzip_ok=True)
    assert first.status == second.status == 200
    assert first.headers["x-cache-status"] in ("MISS", "HIT")
    assert second.headers["x-cache-status"] == "HIT"
    assert second.body == first.body


@needs_nginx
def test_healthz_and_posts_are_never_cached(proxied: tuple[Server, Nginx]) -> None:
    _, proxy = proxied
    for _ in range(2):
        assert get(proxy.port, "/healthz").headers["x-cache-status"] != "HIT"
    for _ in range(2):
        connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=30)
        connection.request(
            "POST",
            "/api/trace",
            body=b'{"input_size": [5, 5]}',
            headers={"content-type": "application/json"},
        )
        response = connection.getresponse()
        response.read()
        assert response.status == 200 and response.getheader("x-cache-status") != "HIT"


@needs_nginx
def test_a_body_over_2_mb_is_refused_by_nginx(proxied: tuple[Server, Nginx]) -> None:
    _, proxy = proxied
    connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=30)
    connection.request(
        "POST", "/api/trace", body=b" " * 3_000_000, headers={"content-type": "application/json"}
    )
    assert connection.getresponse().status == 413


@needs_nginx
def test_a_client_without_gzip_gets_the_apps_bytes(proxied: tuple[Server, Nginx]) -> None:
    server, proxy = proxied
    path = f"/api/trace?{QUERY}&seed=3"
    zipped = get(proxy.port, path, gzip_ok=True)
    assert zipped.headers["content-encoding"] == "gzip"
    plain = get(proxy.port, path)
    assert "content-encoding" not in plain.headers
    assert plain.body == get(server.port, path).body


def test_compose_runs_replicas_behind_this_nginx_configuration() -> None:
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app, proxy = compose["services"]["app"], compose["services"]["nginx"]
    assert app["deploy"]["replicas"] >= 2
    assert app["command"][:3] == ["python", "-m", "app"] and "--workers" in app["command"]
    assert "CONVSCOPE_PUBLIC_URL" in app["environment"]
    source, target = proxy["volumes"][0].split(":")[:2]
    assert (ROOT / source).resolve() == ROOT / "deploy" / "nginx.conf"
    assert target == "/etc/nginx/nginx.conf"
    assert "server app:8000;" in (ROOT / "deploy" / "nginx.conf").read_text()
    # depends_on waits for the app's health check: the image must define one, on /healthz
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert (
        "/healthz" in (ROOT / "Dockerfile").read_text().split("HEALTHCHECK", 1)[1].splitlines()[0]
    )


@needs_nginx
def test_pages_keep_one_copy_per_language_behind_nginx(proxied: tuple[Server, Nginx]) -> None:
    """nginx ignores Vary, so its key carries Accept-Language where the page follows it: a
    Bengali reader's cached page is never served to a Hindi one (SPEC.md, "Languages")."""
    _, proxy = proxied

    def page(path: str, language: str) -> tuple[str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=60)
        connection.request("GET", path, headers={"Accept-Language": language})
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        return body.split('<html lang="')[1][:2], response.getheader("x-cache-status") or ""

    path = f"/?{QUERY}&seed=7"
    for _ in range(2):
        assert page(path, "bn")[0] == "bn"
        assert page(path, "hi-IN,hi;q=0.9")[0] == "hi"
    assert page(path, "bn")[1] == "HIT"
    assert page(f"{path}&lang=vi", "bn")[0] == "vi"
