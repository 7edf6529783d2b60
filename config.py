"""Process configuration, read from the environment (and `.env`) by pydantic-settings."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # No DATABASE_URL: an embedded PostgreSQL is started under DATA_DIR (db/embedded.py).
    database_url: str | None = None
    data_dir: Path = PROJECT_ROOT / ".data"
    jwt_secret: str = "dev-secret-change-me-in-production-32b"
    jwt_algorithm: str = "HS256"
    jwt_ttl_hours: int = 24 * 30
    host: str = "127.0.0.1"
    port: int = 8000
    env: str = "development"
    # `cli.py run`: start one job worker process beside the API processes. An app built by
    # app.create_app with it set runs the worker inside its own process instead.
    run_worker: bool = True
    # API processes `cli.py run` serves with (uvicorn workers): one per core by default.
    web_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    db_pool_size: int = 10
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    # Query operations compiled into one SQL statement (compiler/); false: strawberry answers all.
    compiled_reads: bool = True

    @property
    def is_development(self) -> bool:
        return self.env == "development"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
