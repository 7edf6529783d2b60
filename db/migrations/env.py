"""Alembic environment: runs migrations on the connection or URL handed over by db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

import db.models  # noqa: F401  (registers every table on the metadata)
from db.base import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection: Connection | None = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
