"""One place that turns the configured database URL into the forms each driver wants."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from config import Settings


def libpq_url(settings: Settings) -> str:
    """The plain `postgresql://` URL: DATABASE_URL, or the embedded server's."""
    if settings.database_url:
        return settings.database_url
    from db.embedded import start_embedded

    return start_embedded(settings.data_dir)


def asyncpg_url(url: str) -> URL:
    """SQLAlchemy URL for the asyncpg driver (a socket directory travels as `?host=`)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg")


def engine_url(engine: AsyncEngine) -> str:
    """An engine's database as a plain libpq URL (what asyncpg and psycopg take)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def with_database(url: str, database: str) -> str:
    """The same server, another database."""
    parsed = make_url(url)
    return parsed.set(database=database).render_as_string(hide_password=False)


def psycopg_conninfo(url: str) -> str:
    """A libpq connection string for psycopg (procrastinate), from any of our URL forms."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)
