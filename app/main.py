"""The ASGI app: ``app.main:app``, built by ``create_app()``."""

import os

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from app import __version__
from app.api import docs, errors, headers, health, oembed, pages, render, trace
from app.api import stack as stack_api
from app.api import tours as tours_api
from app.tours.files import tours
from app.web import capacity
from app.web.assets import HashedStaticFiles
from app.web.cache import CachingMiddleware
from app.web.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env(os.environ)
    application = FastAPI(
        title="ConvScope",
        version=__version__,
        description="Convolution arithmetic, traced cell by cell: padding, stride, dilation, "
        "groups, and transposed convolutions.",
        lifespan=capacity.lifespan,  # the heavy lane's worker processes end with the server
        docs_url=None,  # app/api/docs.py serves /docs and /redoc from vendored files
        redoc_url=None,
    )
    application.state.settings = settings
    errors.install(application)
    capacity.install(application, settings)
    application.include_router(trace.router)
    application.include_router(pages.router)
    application.include_router(render.router)
    application.include_router(oembed.router)
    application.include_router(docs.router)
    application.include_router(health.router)
    application.include_router(stack_api.router)
    application.include_router(tours_api.router)
    tours()  # every tour file validated at start-up: a bad one stops the server, by name
    # Outermost last: security headers › cache (ETag, 304, LRU, its own gzip) › gzip › routes.
    application.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=6)
    application.add_middleware(CachingMiddleware, max_bytes=settings.cache_bytes)
    headers.install(application)
    application.mount("/static", HashedStaticFiles(), name="static")
    return application


app = create_app()
