"""The playground page, saved-run pages, and the static files they load."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from app import __version__
from app.assets import PlotlyBundle

router = APIRouter(include_in_schema=False)

IMMUTABLE = "public, max-age=31536000, immutable"


def templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates  # type: ignore[no-any-return]


def page(request: Request, run_slug: str | None = None) -> HTMLResponse:
    base = f"/static/{request.app.state.asset_version}"
    return templates(request).TemplateResponse(
        request,
        "index.html",
        {"static": base, "version": __version__, "run_slug": run_slug},
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    return page(request)


@router.get("/r/{slug}", response_class=HTMLResponse)
async def saved_run(request: Request, slug: Annotated[str, Path(max_length=64)]) -> HTMLResponse:
    """The playground, opening a saved run (the page asks the API for it)."""
    return page(request, run_slug=slug)


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
