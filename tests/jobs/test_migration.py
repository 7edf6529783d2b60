"""Migration 0003 installs procrastinate's schema and its downgrade removes all of it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from config import Settings
from db.migrate import downgrade, sync_engine_url, upgrade
from db.urls import libpq_url, with_database

COUNT_OBJECTS = """
SELECT (SELECT count(*) FROM pg_class WHERE starts_with(relname, 'procrastinate')),
       (SELECT count(*) FROM pg_type WHERE starts_with(typname, 'procrastinate')),
       (SELECT count(*) FROM pg_proc WHERE starts_with(proname, 'procrastinate'))
"""


@pytest.fixture
def empty_database(settings: Settings) -> Iterator[str]:
    """A database of its own: downgrading the shared scratch database would break others."""
    server_url = libpq_url(settings)
    name = f"projops_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        sync_engine_url(with_database(server_url, "postgres")), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield with_database(server_url, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _procrastinate_objects(url: str) -> tuple[int, int, int]:
    engine = create_engine(sync_engine_url(url))
    try:
        with engine.connect() as conn:
            tables, types, functions = conn.execute(text(COUNT_OBJECTS)).one()
    finally:
        engine.dispose()
    return int(tables), int(types), int(functions)


def test_k1_job_queue_schema_upgrades_downgrades_and_upgrades_again(empty_database: str) -> None:
    upgrade(empty_database, "0003")
    installed = _procrastinate_objects(empty_database)
    assert all(count > 0 for count in installed)

    downgrade(empty_database, "0002")
    assert _procrastinate_objects(empty_database) == (0, 0, 0)

    upgrade(empty_database, "0003")
    assert _procrastinate_objects(empty_database) == installed
