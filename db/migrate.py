"""Run Alembic programmatically (used by `make migrate`, the app's start-up and the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import make_url

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(ALEMBIC_INI))
    if url is not None:
        sync = make_url(url).set(drivername="postgresql+psycopg")
        config.set_main_option(
            "sqlalchemy.url", sync.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def sync_engine_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def is_at_head(url: str) -> bool:
    engine = create_engine(sync_engine_url(url))
    try:
        with engine.connect() as conn:
            return current_revision(conn) == head_revision()
    finally:
        engine.dispose()
