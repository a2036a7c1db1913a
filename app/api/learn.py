"""``POST /api/learn`` (a kernel learning by full-batch gradient descent, SPEC.md "Learning")
and its page, ``/learn``."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from app.api.body import StrictJSONRoute
from app.api.pages import _script_json, public_url
from app.api.trace import ERRORS, TraceJSONResponse
from app.arithmetic.learning import TASKS
from app.i18n.messages import LANGUAGE, t
from app.i18n.used import page_catalogue
from app.learning.schema import LearnRequest, LearnResponse
from app.learning.service import run_learn
from app.limits import LIMITS
from app.pictures.catalogue import names
from app.web.assets import module_imports, static_url
from app.web.paths import TEMPLATES_DIR

router = APIRouter(tags=["learn"], route_class=StrictJSONRoute)
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(static_url=static_url, module_imports=module_imports)


@router.post("/api/learn", response_model=LearnResponse, responses=ERRORS)
async def post_learn(request: LearnRequest) -> Any:
    """Learn a task's kernel; the trajectory lists weight, loss and dL/dW at every step."""
    return TraceJSONResponse(await run_in_threadpool(run_learn, request))


@router.get("/learn", response_class=HTMLResponse, include_in_schema=False)
def learn_page(request: Request) -> HTMLResponse:
    """A kernel that learns, played step by step; the query is the share link."""
    base = public_url(request)
    query = request.url.query
    defaults = {
        name: {"lr": task.lr, "steps": task.steps, "samples": task.samples, "size": task.size}
        for name, task in TASKS.items()
    }
    limits = {name: getattr(LIMITS, f"max_learn_{name}") for name in ("steps", "samples", "size")}
    context = {
        "title": t("learn.title"),
        "description": t("learn.description"),
        "page_url": f"{base}/learn" + (f"?{query}" if query else ""),
        "theme": "light",
        "t": t,
        "images": names(),
        "limits": limits,
        "initial": _script_json(
            {
                "catalogue": page_catalogue("js/learn/main.js", LANGUAGE),
                "defaults": defaults,
                "limits": limits,
                "images": names(),
            }
        ),
    }
    return templates.TemplateResponse(request, "learn.html", context)
