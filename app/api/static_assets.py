"""The static folder, read once at start and served from memory under a content-hashed URL.

A first visit asks for some thirty files at once (the page's modules, preloaded together),
so each should cost the server no more than a lookup: every file is read and
gzip-compressed here, once, rather than opened and compressed again on every request.
The URL carries a hash of every file, so a response may be cached for a year.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import plotly
from starlette.responses import Response

from app.api.module_graph import module_graph

IMMUTABLE = "public, max-age=31536000, immutable"
# The page's module scripts, in the order they run: boot.js sends the first requests.
ENTRIES = ("js/boot.js", "js/main.js")
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/wasm", "image/svg+xml")


@dataclass(frozen=True)
class Asset:
    """One file: its bytes, gzip-compressed where that makes them smaller, and what it is."""

    raw: bytes
    gzipped: bytes | None
    media_type: str
    etag: str

    @classmethod
    def read(cls, path: Path) -> Asset:
        raw = path.read_bytes()
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        packed = gzip.compress(raw, 9, mtime=0) if media_type.startswith(COMPRESSIBLE) else None
        gzipped = packed if packed is not None and len(packed) < len(raw) else None
        return cls(raw, gzipped, media_type, f'"{hashlib.sha1(raw).hexdigest()[:16]}"')

    def response(self, accept_encoding: str, if_none_match: str | None) -> Response:
        headers = {"Cache-Control": IMMUTABLE, "ETag": self.etag}
        if self.gzipped is not None:
            headers["Vary"] = "Accept-Encoding"
        if if_none_match == self.etag:
            return Response(status_code=304, headers=headers)
        if self.gzipped is not None and "gzip" in accept_encoding:
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, media_type=self.media_type, headers=headers)
        return Response(self.raw, media_type=self.media_type, headers=headers)


@dataclass(frozen=True)
class StaticAssets:
    """Every file under static/, by its path there ("js/main.js"); ``version`` names this set
    of files in their URLs; ``entries`` are the page's module scripts and ``preloads`` the
    modules they import, however deeply."""

    files: dict[str, Asset]
    version: str
    entries: tuple[str, ...]
    preloads: list[str]

    @classmethod
    def load(cls, folder: Path) -> StaticAssets:
        paths = sorted(path for path in folder.rglob("*") if path.is_file())
        files = {path.relative_to(folder).as_posix(): Asset.read(path) for path in paths}
        digest = hashlib.sha1(plotly.__version__.encode())
        for name, asset in files.items():
            digest.update(name.encode())
            digest.update(asset.raw)
        preloads = module_graph(lambda name: files[name].raw.decode("utf-8"), ENTRIES)
        return cls(files, digest.hexdigest()[:10], ENTRIES, preloads)

    @property
    def base(self) -> str:
        """The URL path every static file sits under."""
        return f"/static/{self.version}"

    def find(self, version: str, path: str) -> Asset | None:
        """The file at ``path`` if ``version`` is this set's; an old page's URLs find nothing."""
        return self.files.get(path) if version == self.version else None
