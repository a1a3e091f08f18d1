"""Server settings, from arguments or NEURAL_PLAYGROUND_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from platformdirs import user_data_dir
from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def worker_count(settings: Settings) -> int:
    if settings.workers is not None:
        return settings.workers
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 0 if cores < 2 else min(cores, 8)


def _comma_separated(value: object) -> object:
    """A list given in the environment as "a,b,c" rather than as JSON."""
    return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value


Origin = Annotated[str, Field(pattern=r"^(null|https?://[^/?#\s]+/?)$")]
HostName = Annotated[str, Field(pattern=r"^(\[[0-9a-fA-F:.]+\]|[^\s/:\[\]]+)$")]


def default_db_path() -> Path:
    return Path(user_data_dir("neural-playground", appauthor=False)) / "runs.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEURAL_PLAYGROUND_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    db: Path = Field(default_factory=default_db_path, description="SQLite file for saved runs")
    database_url: str | None = Field(
        None,
        pattern=r"^postgres(ql)?://",
        description="a PostgreSQL database for saved runs, shared by every server (postgresql://user:pw@host/db); "
        "unset keeps them in the SQLite file",
    )
    max_sessions: int = Field(
        300, ge=1, description="live sessions the server holds: a lecture hall of 200 and its teachers"
    )
    session_ttl: float = Field(1800.0, gt=0, description="seconds an unused session lives")
    sweep_interval: float = Field(30.0, gt=0)
    workers: int | None = Field(
        None,
        ge=0,
        le=64,
        description="worker processes for sessions; 0 keeps them in the server process, "
        "unset means one per core (none on a single core)",
    )
    compute_threads: int = Field(2, ge=1, le=64, description="threads for sessions kept in the server process")
    chunk_seconds: float = Field(
        0.02, gt=0, le=1.0, description="training between turns: per chunk, or per round of a worker's sessions"
    )
    max_upload_bytes: int = Field(1_000_000, ge=1)
    max_upload_rows: int = Field(5000, ge=1)
    log_level: str = "info"
    instance: str = Field(
        "",
        pattern=r"^[a-z0-9]{0,8}$",
        description="a short name put in front of session ids, watch tokens and (in a SQLite store) run slugs "
        "(NAME-...), so that a proxy in front of several servers can route each request to the one that holds it",
    )

    allowed_origins: Annotated[list[Origin], NoDecode, BeforeValidator(_comma_separated)] = Field(
        default_factory=list,
        description="other origins (scheme://host[:port], comma-separated) whose pages may drive this server",
    )
    allowed_hosts: Annotated[list[HostName], NoDecode, BeforeValidator(_comma_separated)] = Field(
        default_factory=list,
        description="Host names (comma-separated) this server answers to besides localhost, 127.0.0.1 and [::1]; "
        "unset, a server bound to a loopback address answers only to those, one bound to all interfaces to any",
    )
    frame_ancestors: str = Field(
        "",
        pattern=r"^[^;,\r\n]*$",
        description="a CSP frame-ancestors value limiting which sites may embed the page (e.g. 'self' "
        "https://courses.example.org); empty lets any site embed it",
    )
    max_memory_mb: int = Field(
        1024,
        ge=1,
        description="memory for sessions, in MB: each is admitted by its estimated size (a default session "
        "takes about 2 MB, the largest config about 50 MB); past it, creating one answers 429",
    )
    max_sessions_per_client: int = Field(
        60, ge=1, description="live sessions one client address may hold (a class behind one school NAT shares one)"
    )
    max_memory_per_client_mb: int = Field(
        150,
        ge=1,
        description="the share of MAX_MEMORY_MB one client address may hold, in MB: a class of 50 sessions of any "
        "lesson behind one school NAT fits, as do 20 of the largest config; past it a new session answers 429",
    )
    trusted_proxies: Annotated[list[str], NoDecode, BeforeValidator(_comma_separated)] = Field(
        default_factory=list,
        description="addresses of reverse proxies (comma-separated) whose X-Forwarded-For names the client",
    )
    max_saves_per_minute: int = Field(30, ge=1, description="runs one client address may save per minute")
    max_run_bytes: int = Field(2_000_000, ge=1, description="the largest saved run (its model document, in bytes)")
    inspect_work: float = Field(
        3e9,
        ge=1e6,
        description="what one gradient check or loss slice may compute, in weight x training point products "
        "(3e9 is about a second of one core): a bigger network gets fewer points checked or a coarser slice",
    )

    @property
    def id_prefix(self) -> str:
        return f"{self.instance}-" if self.instance else ""
