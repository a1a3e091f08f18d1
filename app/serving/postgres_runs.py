"""Saved runs in PostgreSQL: one database that every server of a deployment reads and writes.

psycopg 3 with its connection pool; the routes call the store from threads, so
the event loop never waits on the database. When the database is down, each
call fails within the pool's timeout with StoreUnavailable and the pool
reconnects in the background; the schema is migrated on the first connection
that succeeds. Run slugs carry no instance prefix: any server opens any run.
A database that refuses writes (read-only, a standby, no INSERT privilege)
still serves its runs; saves then fail with StoreUnavailable (503).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from app.serving.runs_store import StoreKind, StoreUnavailable
from app.serving.sql_runs import Database, SqlRunStore

log = logging.getLogger("neural_playground")

CONNECT_TIMEOUT = 3  # seconds; libpq takes whole seconds, at least 2
READ_ONLY = "the runs database does not accept writes now: saved runs open, but new ones cannot be saved"
MIGRATION_LOCK = 0x6E70_7275_6E73  # "nplruns": servers starting together migrate one at a time


MAX_CONNECTIONS = 8  # the pool's bound, per server process


class PostgresRunStore(SqlRunStore):
    kind: StoreKind = "postgresql"
    shared = True
    placeholder = "%s"

    def __init__(self, url: str, timeout: float = 5.0, max_connections: int = MAX_CONNECTIONS) -> None:
        super().__init__("")
        self._timeout = timeout
        self._migrated = False
        self._migrating = threading.Lock()
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            timeout=timeout,
            open=False,
            check=ConnectionPool.check_connection,  # a server restarted since leaves dead connections behind
            # Give up reconnecting soon: after an outage the next request tries at once, not after a long back-off.
            reconnect_timeout=2 * timeout,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT, "application_name": "neural-playground"},
            name="runs",
        )
        self._pool.open(wait=False)
        try:
            with self._connection():
                pass
        except StoreUnavailable as exc:
            log.warning("%s; the server starts anyway and tries again on each request", exc)
        except BaseException:
            self._pool.close()
            raise

    @contextmanager
    def _connection(self, timeout: float | None = None) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._pool.connection(self._timeout if timeout is None else timeout) as conn:
                self._ensure_schema(conn)
                yield conn
        except psycopg.OperationalError as exc:
            raise StoreUnavailable("the runs database does not answer; try again later") from exc
        except (psycopg.errors.ReadOnlySqlTransaction, psycopg.errors.InsufficientPrivilege) as exc:
            raise StoreUnavailable(READ_ONLY) from exc

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        if self._migrated:
            return
        with self._migrating:
            if not self._migrated:
                self.migrate(conn)
                self._migrated = True

    @contextmanager
    def _exclusive(self, db: Database) -> Iterator[None]:
        assert isinstance(db, psycopg.Connection)
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            yield

    def _has_table(self, db: Database, name: str) -> bool:
        return bool(db.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0])

    def _can_write(self, db: Database) -> bool:
        allowed = "SELECT current_setting('transaction_read_only') = 'off' AND has_table_privilege('runs', 'INSERT')"
        return bool(db.execute(allowed).fetchone()[0])

    def close(self) -> None:
        self._pool.close()
