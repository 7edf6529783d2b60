"""K3: status changes of journals, journal lines and job runs reach every listener, at commit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.events import APPLICATION_NAME, Event, EventListener, Subscription
from tests.db.rows import chain, committing, company, insert

WAIT = 5.0


@pytest.fixture
async def listener(database_url: str) -> AsyncIterator[EventListener]:
    events = EventListener(database_url, retry_delay=0.05, health_interval=0.5)
    async with asyncio.timeout(WAIT):
        await events.start()
    yield events
    await events.stop()


async def _next(subscription: Subscription) -> Event:
    async with asyncio.timeout(WAIT):
        return await subscription.get()


async def test_k3_committed_status_change_reaches_listener(
    engine: AsyncEngine, listener: EventListener
) -> None:
    journals = frozenset({"journal", "journal_line"})  # the chain posts an expense report too
    with listener.subscribe(lambda event: event.table in journals) as subscription:
        async with committing(engine) as conn:
            line = await chain(conn, await company(conn))
            await conn.commit()
            entity = line.company.entity_id
            received = {await _next(subscription), await _next(subscription)}
            assert received == {
                Event("journal", line.journal_id, "draft", entity),
                Event("journal_line", line.journal_line_id, "draft", entity),
            }
            update = text("UPDATE journal_line SET status = :status WHERE id = :id")
            await conn.execute(update, {"status": "processing", "id": line.journal_line_id})
            await conn.execute(update, {"status": "error", "id": line.journal_line_id})
            await conn.rollback()  # a rolled-back change is never published
            await conn.execute(text("UPDATE journal SET line_count = 2"))  # not a status change
            await conn.execute(update, {"status": "processing", "id": line.journal_line_id})
            await conn.commit()
            assert await _next(subscription) == Event(
                "journal_line", line.journal_line_id, "processing", entity
            )
            assert subscription.queue.empty()


async def test_k3_subscription_filter_and_job_runs(
    engine: AsyncEngine, listener: EventListener
) -> None:
    with listener.subscribe(lambda event: event.table == "job_run") as jobs:
        async with committing(engine) as conn:
            await chain(conn, await company(conn))  # journal events, filtered out
            run = await insert(
                conn,
                "job_run",
                task_name="import",
                status="queued",
                progress_done=0,
                attempt=1,
                arguments="{}",
            )
            await conn.execute(text(f"UPDATE job_run SET status = 'running' WHERE id = {run}"))
            await conn.commit()
            # Both changes of the transaction arrive, in order, and nothing of the journals.
            # A job run's events carry its progress (migration 0011).
            assert await _next(jobs) == Event("job_run", run, "queued", None, done=0)
            assert await _next(jobs) == Event("job_run", run, "running", None, done=0)
            assert jobs.queue.empty()


async def test_k3_listener_reconnects_after_losing_its_connection(
    engine: AsyncEngine, listener: EventListener
) -> None:
    with listener.subscribe() as subscription:
        async with committing(engine) as conn:
            terminated = await conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            )
            await conn.commit()
            assert terminated == 1
            async with asyncio.timeout(WAIT):
                # Polling a counter is fine in a test; the listener exposes no "lost" event.
                while listener.reconnects == 0:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
                await listener.listening()
            owner = await company(conn)
            journal = await insert(
                conn,
                "journal",
                legal_entity_id=owner.entity_id,
                number="J-1",
                status="draft",
                period_unit="all",
                line_count=0,
            )
            await conn.commit()
            assert await _next(subscription) == Event("journal", journal, "draft", owner.entity_id)
