"""Session ids and watch tokens are bearer capabilities: the logs name them by a short hash.

A filter on uvicorn's access and error loggers and on ours rewrites every path
that holds one (/api/sessions/ID..., /api/watch/TOKEN..., /watch/TOKEN) in a
record's message, arguments and traceback, so that reading the log is not
enough to drive or watch a session. The same id always gives the same hash,
so one session's requests can still be followed through the log.
"""

from __future__ import annotations

import hashlib
import logging
import re

LOGGERS = ("uvicorn.access", "uvicorn.error", "neural_playground")
# /api/sessions/import names no session.
CAPABILITY_PATH = re.compile(r"(/api/sessions/|/api/watch/|/watch/)(?!import(?:[/?#\s\"']|$))([^/?#\s\"']+)")


def short_hash(secret: str) -> str:
    return "~" + hashlib.sha256(secret.encode()).hexdigest()[:8]


def redact(text: str) -> str:
    return CAPABILITY_PATH.sub(lambda match: match.group(1) + short_hash(match.group(2)), text)


class RedactIds(logging.Filter):
    """Rewrites a record in place; never drops one."""

    formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            # uvicorn's access formatter unpacks the arguments, so they stay a tuple of the same length.
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatter.formatException(record.exc_info))
        return True


REDACT_IDS = RedactIds()


def install() -> None:
    """Put the filter on uvicorn's loggers and ours (once, however many apps are made)."""
    for name in LOGGERS:
        logging.getLogger(name).addFilter(REDACT_IDS)
