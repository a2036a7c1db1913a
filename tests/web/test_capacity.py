"""The heavy lane: a few large jobs at once, a short queue, then 503 with Retry-After."""

import asyncio
import time

import pytest
from fastapi.testclient import TestClient

from app.arithmetic.errors import ConfigError
from app.main import create_app
from app.web.capacity import HEAVY_COST, Busy, HeavyLane, cost_of_query
from app.web.settings import Settings
from tests import aio

SMALL = "input_size=5,5&kernel_size=3&stride=2&padding=1"
LARGE = "input_size=64,64&kernel_size=11&padding=5"  # 454,276 taps


def cost_of_request_or_refuse(stride: int) -> int:
    """A job that refuses its input, as the arithmetic does (runs in a worker process)."""
    raise ConfigError("stride", "too_small", minimum=1, value=stride)


def test_large_traces_gifs_and_pages_are_heavy_small_ones_are_not() -> None:
    assert cost_of_query([("input_size", "5,5")]) < HEAVY_COST
    assert cost_of_query([("input_size", "64,64"), ("kernel_size", "11"), ("padding", "5")]) == (
        674 * 674
    )
    assert cost_of_query([("input_size", "64,64"), ("kernel_size", "11"), ("padding", "5")]) > (
        HEAVY_COST
    )


def test_beyond_the_slots_and_the_queue_the_answer_is_busy() -> None:
    async def scenario() -> tuple[list[object], int]:
        lane = HeavyLane(slots=1, queue=1)
        # Heavy work runs in a worker process: module functions only (time.sleep here).
        tasks = [asyncio.create_task(lane.run(HEAVY_COST, time.sleep, 0.5)) for _ in range(3)]
        light = await lane.run(0, str.upper, "light work never waits for the lane")
        results = await asyncio.gather(*tasks, return_exceptions=True)
        return [light, *results], lane.running

    results, running = aio.run(scenario())
    assert results[0] == "LIGHT WORK NEVER WAITS FOR THE LANE"
    assert results[1:].count(None) == 2  # one ran, one waited its turn
    assert sum(isinstance(r, Busy) for r in results) == 1
    assert running == 0


def test_a_refusal_in_a_worker_process_reaches_the_route() -> None:
    async def scenario() -> object:
        lane = HeavyLane(slots=1, queue=0)
        return await lane.run(HEAVY_COST, cost_of_request_or_refuse, 0)

    with pytest.raises(ConfigError) as refused:
        aio.run(scenario())
    expected = ConfigError("stride", "too_small", minimum=1, value=0)
    got = refused.value
    assert (got.field, got.type, got.ctx) == (expected.field, expected.type, expected.ctx)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/trace?{LARGE}",
        f"/?{LARGE}",
        f"/embed?{LARGE}",
        "/api/render.gif?input_size=12,12&kernel_size=3",
    ],
)
def test_no_slot_means_503_with_retry_after(path: str) -> None:
    settings = Settings(public_url="http://testserver", heavy_slots=0, heavy_queue=0)
    client = TestClient(create_app(settings))
    response = client.get(path)
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["detail"][0]["type"] == "busy"
    assert client.get(f"/api/trace?{SMALL}").status_code == 200  # light work goes on
    assert (
        client.post("/api/trace", json={"input_size": [64, 64], "kernel_size": 11}).status_code
        == 503
    )
