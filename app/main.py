"""The ASGI app: ``app.main:app``, built by ``create_app()``."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import __version__
from app.api import docs, errors, headers, oembed, pages, render, trace
from app.paths import STATIC_DIR


def create_app() -> FastAPI:
    application = FastAPI(
        title="ConvScope",
        version=__version__,
        description="Convolution arithmetic, traced cell by cell: padding, stride, dilation, "
        "groups, and transposed convolutions.",
        docs_url=None,  # app/api/docs.py serves /docs and /redoc from vendored files
        redoc_url=None,
    )
    errors.install(application)
    application.include_router(trace.router)
    application.include_router(pages.router)
    application.include_router(render.router)
    application.include_router(oembed.router)
    application.include_router(docs.router)
    headers.install(application)
    application.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return application


app = create_app()
