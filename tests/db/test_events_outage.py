"""K3: the event listener comes back by itself after its database stops and starts again."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from config import Settings
from db.events import Event, EventListener
from db.session import make_engine
from tests.support.restartable_pg import RestartableServer, database, server

__all__ = ["database", "server"]  # fixtures


async def test_k3_listener_reconnects_with_backoff_after_a_database_restart(
    server: RestartableServer, database: str, settings: Settings
) -> None:
    listener = EventListener(database, retry_delay=0.05, max_retry_delay=0.4, health_interval=0.5)
    async with asyncio.timeout(10):
        await listener.start()
    assert listener.state() == {"state": "listening", "reconnects": 0}
    try:
        with listener.subscribe(lambda event: event.table == "job_run") as runs:
            await asyncio.to_thread(server.stop)
            await asyncio.sleep(1.0)  # several attempts, each refused
            down = listener.state()
            assert down["state"] == "reconnecting"
            assert isinstance(down["reconnects"], int) and down["reconnects"] >= 2
            assert down["error"]
            await asyncio.to_thread(server.start)
            async with asyncio.timeout(10):
                await listener.listening()
            engine = make_engine(settings, database)
            try:
                async with engine.begin() as conn:
                    run = await conn.scalar(
                        text(
                            "INSERT INTO job_run (task_name, status, progress_done, attempt,"
                            " arguments) VALUES ('t', 'queued', 0, 1, '{}') RETURNING id"
                        )
                    )
            finally:
                await engine.dispose()
            async with asyncio.timeout(10):
                assert await runs.get() == Event("job_run", run, "queued", None, done=0)
    finally:
        await listener.stop()
