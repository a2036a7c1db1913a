"""Deployment settings come from the environment and are checked at start-up."""

import pytest

from app.web.settings import DEFAULT_PUBLIC_URL, Settings


def test_defaults_and_environment() -> None:
    assert Settings.from_env({}).public_url == DEFAULT_PUBLIC_URL
    settings = Settings.from_env(
        {
            "CONVSCOPE_PUBLIC_URL": "https://convscope.example.org/",
            "CONVSCOPE_CACHE_MB": "8",
            "CONVSCOPE_HEAVY_SLOTS": "3",
            "CONVSCOPE_HEAVY_QUEUE": "0",
        }
    )
    assert settings.public_url == "https://convscope.example.org"
    assert settings.public_netloc == "convscope.example.org"
    assert (settings.cache_bytes, settings.heavy_slots, settings.heavy_queue) == (8 << 20, 3, 0)


@pytest.mark.parametrize("url", ["convscope.example.org", "ftp://x.org", "https://"])
def test_a_public_url_must_be_absolute_http(url: str) -> None:
    with pytest.raises(ValueError, match="CONVSCOPE_PUBLIC_URL"):
        Settings(public_url=url)
