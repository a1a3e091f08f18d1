"""Errors that name the field at fault, raised below the web layer and turned into 422s."""

from __future__ import annotations


class FieldError(ValueError):
    """A value that does not fit; ``loc`` is the path of the field, as in pydantic errors."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(f"{'.'.join(str(p) for p in loc)}: {message}")
        self.loc = loc
        self.message = message

    def __reduce__(self) -> tuple[type, tuple[tuple[str | int, ...], str]]:
        return type(self), (self.loc, self.message)


class NotFound(LookupError):
    """Something named in a request does not exist (HTTP 404); the message says what."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return NotFound, (self.message,)


class PayloadTooLarge(Exception):
    """A body larger than the server accepts (HTTP 413)."""
