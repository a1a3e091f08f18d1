"""Who a request comes from, for per-client caps: its peer address, or what a trusted proxy says.

X-Forwarded-For is believed only from the addresses in the trusted-proxies
setting; anyone else could write any address there. Each trusted proxy appends
the address it saw, so the client is the last address that is not one of them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request


def client_address(request: Request) -> str:
    peer = request.client.host if request.client is not None else ""
    trusted = request.app.state.settings.trusted_proxies
    if peer not in trusted:
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    return next((hop for hop in reversed(hops) if hop not in trusted), peer)


ClientDep = Annotated[str, Depends(client_address)]
