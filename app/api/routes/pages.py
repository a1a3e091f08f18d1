"""The playground page, saved-run pages, and the static files they load."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from app import __version__
from app.api.assets import PlotlyBundle
from app.api.static_assets import IMMUTABLE, StaticAssets
from app.training.errors import NotFound
from app.training.lessons import LESSONS

router = APIRouter(include_in_schema=False)


def templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


def static(request: Request) -> StaticAssets:
    return request.app.state.static


def page(request: Request, **context: str | None) -> HTMLResponse:
    assets = static(request)
    return templates(request).TemplateResponse(
        request,
        "index.html",
        {
            "static": assets.base,
            "entries": assets.entries,
            "preloads": assets.preloads,
            "version": __version__,
            **context,
        },
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    return page(request)


@router.get("/r/{slug}", response_class=HTMLResponse)
async def saved_run(request: Request, slug: Annotated[str, Path(max_length=64)]) -> HTMLResponse:
    """The playground, opening a saved run (the page asks the API for it)."""
    return page(request, run_slug=slug)


@router.get("/watch/{token}", response_class=HTMLResponse)
async def watch(request: Request, token: Annotated[str, Path(max_length=64)]) -> HTMLResponse:
    """Presenter mode: the page follows a session, read-only."""
    return page(request, watch_token=token)


@router.get("/lessons", response_class=HTMLResponse)
async def lesson_index(request: Request) -> HTMLResponse:
    return templates(request).TemplateResponse(
        request,
        "lessons.html",
        {"static": static(request).base, "lessons": sorted(LESSONS.values(), key=lambda lesson: lesson.number)},
    )


@router.get("/lessons/{name}", response_class=HTMLResponse)
async def lesson(request: Request, name: Annotated[str, Path(max_length=64)]) -> HTMLResponse:
    """The playground set up for a lesson (the page asks the API for it)."""
    if name not in LESSONS:
        raise NotFound(f"no lesson named {name!r}")
    return page(request, lesson=name)


@router.get("/static/{version}/vendor/plotly.min.js")
async def plotly_js(request: Request, version: str) -> Response:
    bundle: PlotlyBundle = await request.app.state.plotly
    headers = {"Cache-Control": IMMUTABLE, "ETag": f'"{bundle.etag}"', "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == f'"{bundle.etag}"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(bundle.compressed, media_type="text/javascript", headers=headers)
    return Response(bundle.raw, media_type="text/javascript", headers=headers)


@router.api_route("/static/{version}/{path:path}", methods=["GET", "HEAD"])
async def static_file(request: Request, version: str, path: str) -> Response:
    """The page's own files, from memory (see app/api/static_assets.py)."""
    asset = static(request).find(version, path)
    if asset is None:
        raise NotFound(f"no static file {path!r}")
    return asset.response(request.headers.get("accept-encoding", ""), request.headers.get("if-none-match"))
