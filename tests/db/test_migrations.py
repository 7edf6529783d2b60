"""The migrations: a full round trip on an empty database, and agreement with the models."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, create_engine, text

import db.models  # noqa: F401  (registers every table on the metadata)
from config import Settings
from db.base import Base
from db.migrate import downgrade, head_revision, sync_engine_url, upgrade
from db.urls import libpq_url, with_database

LEFTOVERS = {
    "tables": """SELECT table_name FROM information_schema.tables
                 WHERE table_schema = current_schema()""",
    "sequences": """SELECT sequence_name FROM information_schema.sequences
                    WHERE sequence_schema = current_schema()""",
    "functions": """SELECT p.proname FROM pg_proc p
                    WHERE p.pronamespace = current_schema()::regnamespace""",
    "triggers": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
    "types": """SELECT t.typname FROM pg_type t
                WHERE t.typnamespace = current_schema()::regnamespace AND t.typtype IN ('e', 'c')
                  AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid)""",
}


@pytest.fixture
def scratch_url(settings: Settings) -> Iterator[str]:
    """An empty database of our own on the test server, dropped afterwards."""
    server_url = libpq_url(settings)
    name = f"projops_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(sync_engine_url(with_database(server_url, "postgres")))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield with_database(server_url, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _leftovers(url: str) -> dict[str, set[str]]:
    engine = create_engine(sync_engine_url(url))
    try:
        with engine.connect() as conn:
            return {kind: set(conn.scalars(text(sql))) for kind, sql in LEFTOVERS.items()}
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_engine(sync_engine_url(url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_migrations_upgrade_downgrade_upgrade(scratch_url: str) -> None:
    upgrade(scratch_url)
    assert _revision(scratch_url) == head_revision()
    present = _leftovers(scratch_url)
    assert {"voucher", "procrastinate_jobs"} <= present["tables"]
    assert {"next_number", "ledger_voucher_balanced"} <= present["functions"]
    downgrade(scratch_url)
    assert _revision(scratch_url) is None
    assert _leftovers(scratch_url) == {
        "tables": {"alembic_version"},
        "sequences": set(),
        "functions": set(),
        "triggers": set(),
        "types": set(),
    }
    upgrade(scratch_url)
    assert _revision(scratch_url) == head_revision()
    assert _leftovers(scratch_url) == present


def _ours(name: str | None, type_: str, *_: Any) -> bool:
    # procrastinate's tables belong to its own (packaged) schema, not to our models.
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))


def _differences(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": False, "include_name": _ours}
    )
    return list(compare_metadata(context, Base.metadata))


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(sync_engine_url(database_url))
    try:
        with engine.connect() as conn:
            assert _differences(conn) == []
    finally:
        engine.dispose()
