"""Where the page's files are, and plotly.js from the installed plotly package.

Templates and static files sit beside the package in a source checkout
(templates/, static/) and inside it in an installed wheel (app/templates,
app/static); either way they are found from the package, never the working
directory.

plotly.min.js is 4.6 MB. Classrooms share thin Wi-Fi, so it goes out
gzip-compressed with zopfli, which squeezes about 3% more out of it than
gzip -9 and so keeps a first page load under 1.5 MB. Zopfli takes several
seconds, so the result is cached on disk per plotly build and made in the
background the first time; until then gzip -9 serves.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import plotly
from platformdirs import user_cache_dir

log = logging.getLogger("neural_playground")

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # app/


def resource_dir(name: str) -> Path:
    """templates/ or static/: inside the installed package, else beside it in a checkout."""
    for candidate in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder next to {PACKAGE_DIR}")


def plotly_source() -> Path:
    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


@dataclass
class PlotlyBundle:
    """plotly.min.js, raw and gzip-compressed (the best compression available so far)."""

    raw: bytes
    compressed: bytes
    etag: str
    best: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def load(cls, cache_dir: Path | None = None, background: bool = True) -> PlotlyBundle:
        raw = plotly_source().read_bytes()
        etag = hashlib.sha1(raw).hexdigest()[:16]
        cache = (cache_dir or Path(user_cache_dir("neural-playground", appauthor=False))) / f"plotly-{etag}.js.gz"
        try:
            bundle = cls(raw, cache.read_bytes(), etag)
            bundle.best.set()
            return bundle
        except OSError:
            pass
        bundle = cls(raw, gzip.compress(raw, 9, mtime=0), etag)
        if background:
            threading.Thread(target=bundle._zopfli, args=(cache,), name="zopfli", daemon=True).start()
        else:
            bundle._zopfli(cache)
        return bundle

    def _zopfli(self, cache: Path) -> None:
        try:
            import zopfli.gzip
        except ImportError:
            self.best.set()
            return
        smaller = zopfli.gzip.compress(self.raw, numiterations=1)
        self.compressed = smaller
        self.best.set()
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_suffix(".partial")
            partial.write_bytes(smaller)
            partial.replace(cache)
        except OSError as exc:
            log.info("could not cache the compressed plotly.js (%s); it will be made again next start", exc)


@functools.cache
def shared_plotly() -> PlotlyBundle:
    """One bundle per process, however many apps it runs."""
    return PlotlyBundle.load()
