"""docs/compose.yaml agrees with docs/nginx.conf, the Dockerfile and the server's settings.

Docker cannot run here, so the file is read, not started: every playground
service is the one image, named and placed where nginx.conf sends its
requests, with settings the server knows, and a database URL that names the
compose file's PostgreSQL service with its user and database.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from app.settings import Settings
from tests.deploy.test_dockerfile import healthcheck_command, values

DOCS = Path(__file__).resolve().parents[2] / "docs"
DEFAULTED = re.compile(r"\$\{(\w+):-([^}]*)\}")


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DOCS / "compose.yaml").read_text()))


def with_defaults(text: str) -> str:
    """${VAR:-default} as compose fills it in when VAR is unset."""
    return DEFAULTED.sub(lambda m: m.group(2), text)


def playgrounds() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in compose()["services"].items() if name.startswith("playground-")}


def test_two_playground_servers_postgresql_and_nginx() -> None:
    services = compose()["services"]
    assert len(playgrounds()) >= 2
    assert services["db"]["image"].startswith("postgres:")
    assert services["nginx"]["image"].startswith("nginx:")


def test_every_server_is_the_one_image_built_from_the_dockerfile() -> None:
    for service in playgrounds().values():
        build = service["build"]
        assert (DOCS / build["context"] / build["dockerfile"]).resolve() == (DOCS.parent / "Dockerfile").resolve()
        assert service["image"] == "neural-playground"
        assert "command" not in service  # the image's own: neural-playground serve
    assert values("CMD")[-1] == '["neural-playground", "serve"]'
    assert "NEURAL_PLAYGROUND_PORT" in " ".join(healthcheck_command())  # checks each server on its own port


@pytest.mark.parametrize("name", sorted(playgrounds()))
def test_nginx_sends_each_servers_requests_to_it(name: str) -> None:
    service = playgrounds()[name]
    env = {key: with_defaults(str(value)) for key, value in service["environment"].items()}
    settings = Settings.model_validate({key.removeprefix("NEURAL_PLAYGROUND_").lower(): v for key, v in env.items()})
    assert set(env) <= {f"NEURAL_PLAYGROUND_{field.upper()}" for field in Settings.model_fields}
    conf = (DOCS / "nginx.conf").read_text()
    instance = settings.instance
    assert f"upstream playground_{instance} {{ server 127.0.0.1:{settings.port}; }}" in conf
    assert f'/{instance}-"  playground_{instance};' in conf
    # 127.0.0.1 in nginx.conf is the servers' own loopback: they share nginx's network.
    assert settings.host == "127.0.0.1" and service["network_mode"] == "service:nginx"


def test_nginx_mounts_the_documented_configuration_on_its_published_port() -> None:
    nginx = compose()["services"]["nginx"]
    source, target, _ = nginx["volumes"][0].split(":")
    assert (DOCS / source).resolve() == (DOCS / "nginx.conf").resolve()
    assert target.startswith("/etc/nginx/conf.d/")
    (published,) = nginx["ports"]
    assert published.split(":")[-1] == "80" and "listen 80;" in (DOCS / "nginx.conf").read_text()


def test_every_server_shares_the_compose_database() -> None:
    db = compose()["services"]["db"]
    user, database = db["environment"]["POSTGRES_USER"], db["environment"]["POSTGRES_DB"]
    password = with_defaults(db["environment"]["POSTGRES_PASSWORD"])
    urls = {with_defaults(s["environment"]["NEURAL_PLAYGROUND_DATABASE_URL"]) for s in playgrounds().values()}
    (url,) = urls
    parts = urlsplit(url)
    assert (parts.hostname, parts.username, parts.password, parts.path) == ("db", user, password, f"/{database}")
    for service in playgrounds().values():
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in db["healthcheck"]["test"]
