"""Throw-away databases on the test server, for tests that must commit or migrate on their
own (the shared test database is migrated to head and rolled back after every test)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from db.migrate import upgrade
from db.urls import with_database


@contextmanager
def scratch_database(server_url: str, revision: str | None = "head") -> Iterator[str]:
    """A new database migrated to `revision` (None: left empty); dropped on the way out."""
    name = f"projops_scratch_{uuid.uuid4().hex[:10]}"
    admin_url = with_database(server_url, "postgres").replace(
        "postgresql://", "postgresql+psycopg://", 1
    )
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = with_database(server_url, name)
        try:
            if revision is not None:
                upgrade(url, revision)
            yield url
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
