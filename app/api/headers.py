"""Security headers: what a page may load and who may frame it (on HTML), no sniffing and
no cross-site referrers (on everything).

The page loads only its own scripts (script-src 'self'; templates hold no inline
script) and compiles WebAssembly ('wasm-unsafe-eval', which allows no JS eval),
connects only to its own server (REST and the WebSocket stream), and draws
images from data: URLs. Plotly adds <style> elements and style attributes
as it draws, hence style-src 'unsafe-inline'. The API docs (/docs, /redoc) start
Swagger UI and ReDoc with an inline script, and ReDoc runs a blob: worker, so
they get a looser policy of their own.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'"
)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


def content_security_policy(path: str, frame_ancestors: str) -> str:
    """The policy for a response to ``path``; an empty ``frame_ancestors`` lets any site frame it."""
    policy = DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY
    return f"{policy}; frame-ancestors {frame_ancestors}" if frame_ancestors.strip() else policy


class SecurityHeaders:
    """Adds X-Content-Type-Options and Referrer-Policy to every HTTP response, and
    Content-Security-Policy to HTML (the only kind a browser runs as a page here)."""

    def __init__(self, app: ASGIApp, frame_ancestors: str = "") -> None:
        self.app = app
        self.frame_ancestors = frame_ancestors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = content_security_policy(scope["path"], self.frame_ancestors)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # Only pages need it, and the first load has a byte budget that 30 copies would dent.
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", policy)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                # Not no-referrer: under it a browser sends "Origin: null" even on the page's own POSTs.
                headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)
