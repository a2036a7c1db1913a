"""Shared fixtures. Hypothesis profiles: ``ci`` (derandomized, used by scripts/test), ``dev``."""

import os

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
