"""Engine and session factory. One engine per process; one session per request or job."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from config import Settings
from db.urls import asyncpg_url, libpq_url


def make_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    return create_async_engine(
        asyncpg_url(url or libpq_url(settings)),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
