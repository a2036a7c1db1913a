"""HTML pages (placeholder until the visualizer page lands)."""

from fastapi import APIRouter

router = APIRouter()
