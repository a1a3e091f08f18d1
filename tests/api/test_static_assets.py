"""The page's static files: served from memory, compressed, cacheable for a year, and every
module the page imports named in its head."""

from __future__ import annotations

import gzip
import re

from fastapi.testclient import TestClient

from app.api.assets import resource_dir
from app.api.module_graph import module_graph, static_imports
from app.api.static_assets import IMMUTABLE, StaticAssets

STATIC = resource_dir("static")


def test_static_imports_reads_every_form_and_skips_dynamic_ones() -> None:
    source = """import { a } from "./a.js";
import {
  b,
  c as d,
} from "../b.js";
import * as e from './e.js';
import "./side.js";
export { f } from "./f.js";
export * from "./g.js";
export const h = "./not-a-module.js";
const later = () => import("./lazy.js");
import plotly from "https://example.com/plotly.js";
"""
    assert static_imports(source) == ["./a.js", "../b.js", "./e.js", "./side.js", "./f.js", "./g.js"]


def test_module_graph_walks_every_level_once_from_each_entry() -> None:
    sources = {
        "js/boot.js": 'import { api } from "./api.js";',
        "js/main.js": 'import { boot } from "./boot.js";\nimport { View } from "./views/view.js";',
        "js/api.js": "",
        "js/views/view.js": 'import { api } from "../api.js";\nimport { deep } from "./deep.js";',
        "js/views/deep.js": 'import { api } from "../api.js";',
    }
    graph = module_graph(sources.__getitem__, ["js/boot.js", "js/main.js"])
    assert graph == ["js/api.js", "js/views/view.js", "js/views/deep.js"]


def test_the_page_lists_every_module_its_scripts_import(client: TestClient) -> None:
    html = client.get("/").text
    scripts = re.findall(r'<script type="module" src="/static/\w+/([^"]+)"', html)
    preloads = re.findall(r'<link rel="modulepreload" href="/static/\w+/([^"]+)"', html)
    on_disk = {path.relative_to(STATIC).as_posix(): path.read_text(encoding="utf-8") for path in STATIC.rglob("*.js")}
    assert "js/main.js" in scripts
    assert preloads == module_graph(on_disk.__getitem__, scripts)
    assert not any(name.startswith("js/views/") for name in preloads)  # the views load when opened


def test_static_files_go_out_compressed_and_cacheable_for_a_year(client: TestClient) -> None:
    assets = StaticAssets.load(STATIC)
    url = f"{assets.base}/js/main.js"
    response = client.get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
    assert response.content == (STATIC / "js" / "main.js").read_bytes()  # the client unpacked it
    assert gzip.decompress(assets.files["js/main.js"].gzipped or b"") == response.content
    plain = client.get(url, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == response.content
    again = client.get(url, headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304


def test_unknown_files_and_old_versions_are_not_found(client: TestClient) -> None:
    assets = StaticAssets.load(STATIC)
    assert client.get(f"{assets.base}/js/nope.js").status_code == 404
    assert client.get("/static/0000000000/js/main.js").status_code == 404
    assert client.get(f"{assets.base}/../app/server.py").status_code == 404
