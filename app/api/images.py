"""``GET /api/images``: the photographs shipped with ConvScope, with licence and source."""

from typing import Any

from fastapi import APIRouter

from app.pictures.catalogue import images

router = APIRouter(prefix="/api", tags=["pictures"])


@router.get("/images")
async def get_images() -> list[dict[str, Any]]:
    """Name, width, height, license and source of each picture ``input=image:<name>`` takes."""
    return images()
