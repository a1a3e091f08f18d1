"""Who may drive the server: one ASGI middleware in front of every route and stream.

- Host: bound to a loopback address, the server answers only to localhost,
  127.0.0.1 and [::1] (any port) and the names in ALLOWED_HOSTS, so a page on
  another site cannot reach it by DNS rebinding. Bound to all interfaces (or
  when the bind address is unknown) any Host is served, unless ALLOWED_HOSTS
  is set.
- Origin: browsers send it; programs do not, and are served. A POST, PUT,
  PATCH or DELETE, and every WebSocket upgrade, whose Origin is neither the
  server's own (host and port equal to the Host header's) nor in
  ALLOWED_ORIGINS is refused: 403, or a close with code 1008.
- Content type: a browser's state-changing request that has a body sends it
  as JSON (uploads may also be CSV or multipart), so that a plain form or a
  no-cors fetch cannot drive a session.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
DEFAULT_PORTS = {"http": 80, "https": 443}
UPLOAD = re.compile(r"^/api/sessions/[^/]+/data$")
POLICY_VIOLATION = 1008


@dataclass(frozen=True)
class Refusal:
    status: int
    detail: str
    reason: str  # for a WebSocket close, which holds at most 123 bytes


FOREIGN_ORIGIN = Refusal(
    403,
    "the Origin header names another site: only this server's own pages and the origins in "
    "NEURAL_PLAYGROUND_ALLOWED_ORIGINS may change anything here",
    "the Origin header names another site",
)
UNKNOWN_HOST = Refusal(
    400,
    "the Host header names a host this server does not answer to: "
    "add it to NEURAL_PLAYGROUND_ALLOWED_HOSTS if the server is reached by that name",
    "the Host header names a host this server does not answer to",
)
NOT_JSON = Refusal(
    415,
    "a browser sends the body as JSON: set the Content-Type header to application/json",
    "the body is not JSON",
)


def is_loopback(bind_host: str) -> bool:
    if bind_host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind_host.strip("[]")).is_loopback
    except ValueError:
        return False


def split_host(host: str) -> tuple[str, int | None]:
    """'Example.org:8000' -> ('example.org', 8000); '[::1]' -> ('[::1]', None). The port is None if absent or bad."""
    host = host.strip().lower()
    if host.startswith("["):
        name, _, rest = host.partition("]")
        name, port = f"{name}]", rest.removeprefix(":")
    elif host.count(":") == 1:
        name, _, port = host.partition(":")
    else:
        name, port = host, ""
    return name.rstrip("."), int(port) if port.isdigit() else None


def normalize_origin(origin: str) -> str:
    """'HTTPS://Example.org/' -> 'https://example.org:443'; anything unparsable (such as 'null') stays as it is."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return origin
    if parts.hostname is None or port is None:
        return origin
    name = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{name.rstrip('.')}:{port}"


@dataclass(frozen=True)
class Policy:
    """Which Hosts and Origins are served; ``hosts`` None means any Host."""

    origins: frozenset[str]
    hosts: frozenset[str] | None

    @classmethod
    def build(cls, allowed_origins: Iterable[str], allowed_hosts: Iterable[str], bind_host: str | None) -> Policy:
        named = frozenset(split_host(host)[0] for host in allowed_hosts)
        checked = bool(named) or (bind_host is not None and is_loopback(bind_host))
        return cls(
            origins=frozenset(normalize_origin(origin) for origin in allowed_origins),
            hosts=LOOPBACK_NAMES | named if checked else None,
        )

    def host_allowed(self, host: str | None) -> bool:
        # Browsers always send Host; a request without one is a program's, not a rebound page's.
        return self.hosts is None or host is None or split_host(host)[0] in self.hosts

    def origin_allowed(self, origin: str, host: str | None) -> bool:
        normalized = normalize_origin(origin)
        return normalized in self.origins or (host is not None and normalized == own_origin(origin, host))


def own_origin(origin: str, host: str) -> str | None:
    """The origin a page served under ``host`` has, in the scheme ``origin`` claims: a browser leaves
    the port out of Host exactly when it is that scheme's default."""
    scheme = urlsplit(origin.strip().lower()).scheme
    if scheme not in DEFAULT_PORTS:
        return None
    name, port = split_host(host)
    return f"{scheme}://{name}:{port or DEFAULT_PORTS[scheme]}"


def _has_body(headers: Headers) -> bool:
    return headers.get("content-length", "0").strip() not in ("", "0") or "transfer-encoding" in headers


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


class Guard:
    """Refuses what ``policy`` does not allow before any route sees it."""

    def __init__(self, app: ASGIApp, policy: Policy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": refusal.reason})
        else:
            await JSONResponse({"detail": refusal.detail}, status_code=refusal.status)(scope, receive, send)

    def refusal(self, scope: Scope) -> Refusal | None:
        """Why a request may not go on, or None if it may."""
        headers = Headers(scope=scope)
        host = headers.get("host")
        if not self.policy.host_allowed(host):
            return UNKNOWN_HOST
        origin = headers.get("origin")
        if origin is None or (scope["type"] == "http" and scope["method"] not in STATE_CHANGING):
            return None
        if not self.policy.origin_allowed(origin, host):
            return FOREIGN_ORIGIN
        if scope["type"] == "http" and _has_body(headers) and not UPLOAD.match(scope["path"]):
            return None if _is_json(headers.get("content-type", "")) else NOT_JSON
        return None
