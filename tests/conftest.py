"""Shared fixtures. Hypothesis profiles: ``ci`` (derandomized, used by scripts/test), ``dev``."""

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from app.main import create_app
from app.web.settings import Settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def client() -> TestClient:
    return TestClient(create_app(Settings(public_url="http://testserver")))


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """Small tensors: PyTorch's thread pool only fights the other processes for the cores.
    A module asks for it with ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``."""
    import torch  # here, so that tests which never touch torch do not import it

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
