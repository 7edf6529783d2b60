"""A worker's proof of life that a busy event loop cannot forget to send (K2).

procrastinate's heartbeat needs the worker's event loop to run on time: under CPU load it came
late, the worker looked dead, and recovery queued its running job again, which then ran twice
at once. So every worker we run also holds a PostgreSQL session-level advisory lock keyed by
its worker id, on a connection of its own, for as long as it runs. The server releases that
lock only when the connection ends (the process died, or the database restarted), never
because the process is slow. Recovery (jobs/recovery.py) treats a worker as gone only when
its heartbeat is old AND its lock is free.
"""

from __future__ import annotations

import asyncio

import psycopg

from observability import log

# First key of pg_advisory_lock(int, int): the lock space of worker liveness ("K2").
LOCK_SPACE = 0x4B32
# Seconds between checks that the lock's connection is still there.
CHECK_SECONDS = 5.0
MAX_RETRY_SECONDS = 10.0
APPLICATION_NAME = "projops-worker-liveness"


def lock_key(worker_id: int) -> int:
    """The second key, an int4: worker ids are bigint (they wrap after 2**31 workers)."""
    return worker_id % 2**31


# SQL condition: the worker row `w` has its liveness lock held in this database.
LOCK_HELD = f"""EXISTS (
    SELECT 1 FROM pg_locks held
     WHERE held.locktype = 'advisory' AND held.granted
       AND held.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND held.classid = {LOCK_SPACE} AND held.objsubid = 2
       AND held.objid = mod(w.id, 2147483648)::oid
)"""


async def hold_liveness_lock(conninfo: str, worker_id: int, held: asyncio.Event) -> None:
    """Hold the worker's lock until cancelled; after losing its connection (an outage), take
    it again on a new one. `held` is set while the lock is held."""
    delay = 0.5
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                conninfo, autocommit=True, application_name=APPLICATION_NAME
            ) as connection:
                await connection.execute(
                    "SELECT pg_advisory_lock(%s, %s)", (LOCK_SPACE, lock_key(worker_id))
                )
                held.set()
                delay = 0.5
                while True:
                    await asyncio.sleep(CHECK_SECONDS)
                    await connection.execute("SELECT 1")
        except Exception as error:  # the connection is gone: take the lock again
            held.clear()
            log.warning(
                "worker_liveness_lock_lost", worker_id=worker_id, error=repr(error), retry_in=delay
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)
