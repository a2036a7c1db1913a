"""Deployment settings, read once from the environment by ``create_app()``.

``CONVSCOPE_PUBLIC_URL`` is the address people reach the app at (behind a proxy,
the proxy's): every absolute URL the app writes (og tags, canonical, oEmbed) starts
with it, never with the request's ``Host`` header, which any client can forge and
which would poison a shared cache. The others size the per-process caches and the
lane for heavy work (see app/web/cache.py and app/web/capacity.py).

>>> Settings.from_env({"CONVSCOPE_PUBLIC_URL": "https://convscope.example.org/"}).public_url
'https://convscope.example.org'
>>> Settings.from_env({"CONVSCOPE_HEAVY_SLOTS": "3"}).heavy_slots
3
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
# Heavy jobs get every core but one, which stays free for the event loop (and light work).
DEFAULT_HEAVY_SLOTS = max(1, (os.cpu_count() or 2) - 1)


@dataclass(frozen=True)
class Settings:
    public_url: str = DEFAULT_PUBLIC_URL
    cache_bytes: int = 64 * 1024 * 1024
    heavy_slots: int = DEFAULT_HEAVY_SLOTS
    heavy_queue: int = 4

    def __post_init__(self) -> None:
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"CONVSCOPE_PUBLIC_URL must be http(s)://host[:port], got {self.public_url!r}"
            )
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))

    @property
    def public_netloc(self) -> str:
        return urlsplit(self.public_url).netloc

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        return cls(
            public_url=env.get("CONVSCOPE_PUBLIC_URL", DEFAULT_PUBLIC_URL),
            cache_bytes=int(env.get("CONVSCOPE_CACHE_MB", "64")) * 1024 * 1024,
            heavy_slots=int(env.get("CONVSCOPE_HEAVY_SLOTS", str(DEFAULT_HEAVY_SLOTS))),
            heavy_queue=int(env.get("CONVSCOPE_HEAVY_QUEUE", "4")),
        )
