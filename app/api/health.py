"""``GET /healthz``: the trivial route, for load balancers and as the benchmark's ceiling."""

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", response_class=PlainTextResponse)
async def healthz() -> PlainTextResponse:
    """``ok`` while the process serves requests; never cached."""
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})
