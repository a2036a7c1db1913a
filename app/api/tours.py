"""``GET /tours``: every guided tour, as the question it answers, with its stop count."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.api.pages import _script_json, public_url, questions, templates
from app.i18n.messages import t

router = APIRouter(tags=["pages"])


@router.get("/tours", response_class=HTMLResponse, include_in_schema=False)
def tours_page(request: Request) -> HTMLResponse:
    """The tours: question, title, number of stops, and a link to the first stop."""
    base = public_url(request)
    context = {
        "title": t("tours.page_title"),
        "description": t("tours.page_description"),
        "page_url": f"{base}/tours",
        "theme": "light",
        "questions": questions(),
        "initial": _script_json({}),  # no script on this page: no messages to embed
    }
    return templates.TemplateResponse(request, "tours.html", context)
