"""``POST /api/learn``: a kernel learning by full-batch gradient descent (SPEC.md, "Learning")."""

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from app.api.body import StrictJSONRoute
from app.api.trace import ERRORS, TraceJSONResponse
from app.learning.schema import LearnRequest, LearnResponse
from app.learning.service import run_learn

router = APIRouter(prefix="/api", tags=["learn"], route_class=StrictJSONRoute)


@router.post("/learn", response_model=LearnResponse, responses=ERRORS)
async def post_learn(request: LearnRequest) -> Any:
    """Learn a task's kernel; the trajectory lists weight, loss and dL/dW after each step."""
    return TraceJSONResponse(await run_in_threadpool(run_learn, request))
