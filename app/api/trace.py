"""``/api/trace`` (POST JSON, GET query) and ``/api/limits``."""

import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from app.api.body import StrictJSONRoute
from app.layer.fields import query_parameters
from app.layer.query import FlatValues, request_from_query
from app.layer.schemas import (
    ErrorResponse,
    MatrixResponse,
    TraceRequest,
    TraceResponse,
)
from app.layer.tracing import encode, run_matrix, trace_json
from app.limits import LIMITS
from app.web.capacity import cost_of_request, offload

router = APIRouter(prefix="/api", tags=["trace"], route_class=StrictJSONRoute)
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorResponse}}


class TraceJSONResponse(JSONResponse):
    """Compact JSON by orjson, numpy arrays included; bytes already encoded pass through."""

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else encode(content)


def encoded(
    run: Callable[[TraceRequest, dict[str, FlatValues] | None], dict[str, Any] | bytes],
    request: TraceRequest,
    flat: dict[str, FlatValues] | None,
) -> bytes:
    """The answer as JSON bytes (a module function, so a worker process can run it)."""
    body = run(request, flat)
    return body if isinstance(body, bytes) else encode(body)


async def _traced(
    http: Request,
    trace_request: TraceRequest,
    flat: dict[str, FlatValues] | None = None,
    run: Callable[
        [TraceRequest, dict[str, FlatValues] | None], dict[str, Any] | bytes
    ] = trace_json,
) -> TraceJSONResponse:
    """Compute and encode off the event loop (large traces through the heavy lane, see
    app/web/capacity.py), and report the server time (``Server-Timing``)."""
    start = time.perf_counter()
    cost = cost_of_request(trace_request)
    body = await offload(http, cost, encoded, run, trace_request, flat)
    elapsed_ms = (time.perf_counter() - start) * 1000
    return TraceJSONResponse(body, headers={"Server-Timing": f"trace;dur={elapsed_ms:.2f}"})


@router.post("/trace", response_model=TraceResponse, responses=ERRORS)
async def post_trace(http: Request, request: TraceRequest) -> TraceJSONResponse:
    """Trace a convolution given as JSON."""
    return await _traced(http, request)


def trace_query(request: Request) -> tuple[TraceRequest, dict[str, FlatValues]]:
    """The trace fields of the query string, read once by ``app.layer.query`` (FastAPI's
    parameter-by-parameter validation of seventeen fields cost more than the trace)."""
    return request_from_query(request.query_params.multi_items())


# The GET routes document the fields from the one field table.
QUERY_DOCS: dict[str, Any] = {"parameters": query_parameters()}
TraceQuery = Annotated[tuple[TraceRequest, dict[str, FlatValues]], Depends(trace_query)]


@router.get("/trace", response_model=TraceResponse, responses=ERRORS, openapi_extra=QUERY_DOCS)
async def get_trace(http: Request, query: TraceQuery) -> TraceJSONResponse:
    """Trace a convolution given as query parameters (the share-link format)."""
    return await _traced(http, *query)


@router.post("/matrix", response_model=MatrixResponse, responses=ERRORS)
async def post_matrix(http: Request, request: TraceRequest) -> TraceJSONResponse:
    """The convolution as a matrix: ``output.flatten() = matrix @ input.flatten() (+ bias)``."""
    return await _traced(http, request, None, run_matrix)


@router.get("/matrix", response_model=MatrixResponse, responses=ERRORS, openapi_extra=QUERY_DOCS)
async def get_matrix(http: Request, query: TraceQuery) -> TraceJSONResponse:
    """The convolution as a matrix, from the share-link query."""
    return await _traced(http, *query, run_matrix)


@router.get("/limits", response_model=dict[str, Any])
async def get_limits() -> dict[str, Any]:
    """The size limits every trace must stay within; the stack's apart, under ``stack``."""
    return LIMITS.as_dict()
