"""nginx on 127.0.0.1 in front of two playground servers, configured by docs/nginx.conf
with only its ports changed.

nginx is needed (Debian: apt-get install -y nginx-light). Outside CI the tests
that need it skip when it is missing; with CI=true they fail instead.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import HOST, IN_CI, REPO, ServerProcess, free_port, wait_for_health

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

MAIN_CONF = """
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/playground.conf;
}}
"""


def playground_conf(ports: dict[str, int], listen: int) -> str:
    """docs/nginx.conf with the servers' and the proxy's ports put in."""
    text = (REPO / "docs" / "nginx.conf").read_text()
    for name, documented in (("a", 8001), ("b", 8002)):
        assert f"127.0.0.1:{documented};" in text
        text = text.replace(f"127.0.0.1:{documented};", f"{HOST}:{ports[name]};")
    assert "listen 80;" in text
    return text.replace("listen 80;", f"listen {HOST}:{listen};")


def require_nginx() -> str:
    if NGINX is None:
        if IN_CI:
            pytest.fail("CI must run the proxy tests, but nginx is not installed (apt-get install -y nginx-light)")
        pytest.skip("nginx is not installed (apt-get install -y nginx-light)")
    return NGINX


@contextlib.contextmanager
def running_proxy(tmp_path: Path, servers: dict[str, ServerProcess]) -> Iterator[str]:
    """Start the servers ``a`` and ``b``, then nginx in front of them; yields the proxy's URL."""
    nginx_path = require_nginx()
    nginx: subprocess.Popen[bytes] | None = None
    try:
        for server in servers.values():
            server.start()
        listen = free_port()
        (tmp_path / "playground.conf").write_text(playground_conf({n: s.port for n, s in servers.items()}, listen))
        (tmp_path / "nginx.conf").write_text(MAIN_CONF.format(tmp=tmp_path))
        command = [nginx_path, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen(command, stderr=subprocess.PIPE)
        url = f"http://{HOST}:{listen}"
        wait_for_health(url, nginx, seconds=15)
        yield url
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for server in servers.values():
            server.stop()
