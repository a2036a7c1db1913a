"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served offline.

FastAPI's own pages load their scripts from a CDN and are blank without a network,
and start Swagger UI with an inline script that the pages' CSP forbids. These load the
same tools vendored under ``static/vendor/`` with their version in the folder's name,
start them from a file, and fetch no font from anywhere.
"""

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

SWAGGER_UI = "/static/vendor/swagger-ui-5.35.0"
REDOC = "/static/vendor/redoc-2.5.4"
FAVICON = "/static/favicon.svg"
# Both tools inject <style> elements at run time (React, styled-components) and ReDoc
# runs a worker from a blob: URL; scripts still come from this site only.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'"
)

router = APIRouter(include_in_schema=False)


def _page(title: str, head: str, body: str) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="icon" href="{FAVICON}">{head}</head>'
        f"<body>{body}</body></html>"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_POLICY})


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    openapi = escape(request.app.openapi_url)
    return _page(
        f"{request.app.title} API",
        f'<link rel="stylesheet" href="{SWAGGER_UI}/swagger-ui.css">',
        f'<div id="swagger-ui" data-openapi="{openapi}"></div>'
        f'<script src="{SWAGGER_UI}/swagger-ui-bundle.js"></script>'
        '<script src="/static/js/docs/swagger.js"></script>',
    )


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    openapi = escape(request.app.openapi_url)
    return _page(
        f"{request.app.title} API",
        "",
        f'<redoc spec-url="{openapi}"></redoc><script src="{REDOC}/redoc.standalone.js"></script>',
    )
