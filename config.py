"""Process configuration, read from the environment (and `.env`) by pydantic-settings."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent
# Known to everyone who reads this file: a server using it accepts tokens anyone can mint.
DEVELOPMENT_JWT_SECRET = "dev-secret-change-me-in-production-32b"
MIN_JWT_SECRET_BYTES = 32  # RFC 7518 3.2: an HS256 key of at least the hash's size
# The dev servers front-end projects start on (React/Next, Vite, Vue CLI/webpack, Angular).
DEVELOPMENT_CORS_ORIGINS = (
    "http://localhost:3000",
    "http://127.0.0.1:3000",
    "http://localhost:5173",
    "http://127.0.0.1:5173",
    "http://localhost:8080",
    "http://localhost:4200",
)


def _default_cors_origins(data: dict[str, Any]) -> list[str]:
    return list(DEVELOPMENT_CORS_ORIGINS) if data.get("env") == "development" else []


class Settings(BaseSettings):
    # Errors name the setting, never its value: a refused JWT_SECRET or a DATABASE_URL with its
    # password must not reach a log.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    # No DATABASE_URL: an embedded PostgreSQL is started under DATA_DIR (db/embedded.py).
    database_url: str | None = None
    data_dir: Path = PROJECT_ROOT / ".data"
    jwt_secret: str = DEVELOPMENT_JWT_SECRET
    jwt_algorithm: str = "HS256"
    # Access tokens live minutes; a session (its refresh token) at most SESSION_DAYS from
    # sign-in however often it is refreshed. Fractions are allowed (tests use seconds).
    access_token_minutes: float = Field(default=15, gt=0)
    session_days: float = Field(default=30, gt=0)
    # Seconds a process trusts what it last read of a session and its user's roles and legal
    # entities: a revocation or a removed right takes effect within this time (0: every request
    # reads them).
    auth_cache_seconds: float = Field(default=5, ge=0)
    host: str = "127.0.0.1"
    port: int = 8000
    env: str = "development"
    # Browser origins allowed to call the API (cors.py): comma-separated or a JSON list; `*`
    # any origin (then without credentials). Declared after `env`, whose value picks the
    # default: the local dev servers in development, none in production.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=_default_cors_origins)
    # `cli.py run`: start one job worker process beside the API processes. An app built by
    # app.create_app with it set runs the worker inside its own process instead.
    run_worker: bool = True
    # API processes `cli.py run` serves with (uvicorn workers): one per core by default.
    web_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    db_pool_size: int = 10
    # Job workers (jobs/): jobs run at once per worker, and the connections of its job pool
    # (0: concurrency plus one each for fetching, the heartbeat, periodic deferrals and abort
    # polling, so a busy worker never waits for a connection to beat or fetch).
    jobs_concurrency: int = Field(default=4, ge=1)
    jobs_pool_size: int = Field(default=0, ge=0)
    # Seconds a job-pool request waits for a connection before it fails (logged, and the
    # worker starts over) and between two heartbeats of a worker.
    jobs_pool_timeout_seconds: float = Field(default=30.0, gt=0)
    jobs_heartbeat_seconds: float = Field(default=10.0, gt=0)
    # A running job is re-queued only when its worker is gone: its heartbeat this old AND its
    # session lock released (jobs/liveness.py). Generous: a busy worker beats late.
    jobs_stalled_after_seconds: float = Field(default=60.0, gt=0)
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    # Fields and fragments written in a document, counted before it is validated: validation
    # grows with their square (300 take at most 60 ms; 800 took a second). The standard
    # introspection query makes 67.
    max_query_selections: int = Field(default=300, ge=1)
    # The most nodes (objects) an operation may return, from its `first` arguments, refused
    # before it runs (schema/query_cost.py). Measured on strawberry's path: about 1 KB and
    # 65 us a node, so the largest query allowed stays within the time budget below.
    max_query_cost: int = Field(default=100_000, ge=1)
    # A query's time budget: its statements (statement_timeout) and its execution as a whole;
    # past it the request is answered TIMEOUT.
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    # Automatic persisted queries: the documents one process keeps, bounded by their bytes.
    persisted_query_max_bytes: int = Field(default=16 * 1024 * 1024, ge=0)
    # Query operations compiled into one SQL statement (compiler/); false: strawberry answers all.
    compiled_reads: bool = True
    # Open GraphQL subscriptions one user may hold on one API process, and one API process in
    # all; past either a subscribe is refused (TOO_MANY_SUBSCRIPTIONS). An idle subscription
    # holds no database connection, only memory and a socket.
    max_subscriptions_per_user: int = Field(default=20, ge=1)
    max_subscriptions: int = Field(default=2000, ge=1)
    # Schema introspection (`__schema`, `__type`) and the GraphiQL page: unset, on except in
    # production (GraphiQL in development only), where a client gets the schema from the
    # published schema.graphql rather than from the live server.
    introspection: bool | None = None
    graphiql: bool | None = None
    # Operation names /metrics keeps as labels besides those of persisted queries
    # (comma-separated); any other operation is counted as `other`.
    metrics_operations: str = ""
    # OpenTelemetry: traces of every operation are exported over OTLP/HTTP to this collector
    # (e.g. http://127.0.0.1:4318); unset, no tracing at all.
    otel_exporter_otlp_endpoint: str | None = None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins_from_text(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        if value.strip().startswith("["):
            return json.loads(value)
        # An origin never ends with a slash; one copied from the address bar often does.
        return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]

    @model_validator(mode="after")
    def _production_has_its_own_secret(self) -> Settings:
        if self.env == "production":
            if self.jwt_secret == DEVELOPMENT_JWT_SECRET:
                raise ValueError(
                    "ENV=production needs its own JWT_SECRET: the default one is public, and"
                    " anyone could sign an admin token with it."
                )
            if len(self.jwt_secret.encode()) < MIN_JWT_SECRET_BYTES:
                raise ValueError(
                    f"ENV=production needs a JWT_SECRET of at least {MIN_JWT_SECRET_BYTES}"
                    " bytes (e.g. `openssl rand -hex 32`)."
                )
        return self

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def introspection_enabled(self) -> bool:
        """Unset: off in production, unless GraphiQL is on there (it reads the schema so)."""
        if self.introspection is not None:
            return self.introspection
        return not self.is_production or self.graphiql_enabled

    @property
    def graphiql_enabled(self) -> bool:
        """Whether /graphql serves GraphiQL to a browser (the one place that decides)."""
        return self.graphiql if self.graphiql is not None else self.is_development

    @property
    def jobs_pool_connections(self) -> int:
        return self.jobs_pool_size or self.jobs_concurrency + 4


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
