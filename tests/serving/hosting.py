"""Running an async test against a host that is started for it and closed after it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.serving.protocol import Host
from tests import loops

H = TypeVar("H", bound=Host)


def run_hosted(start: Callable[[], Awaitable[H]], test: Callable[[H], Awaitable[None]]) -> None:
    async def main() -> None:
        host = await start()
        try:
            await test(host)
        finally:
            await host.close()

    loops.run(main())
