"""Status events (K3): one LISTEN connection per process, fanned out to in-process subscribers.

PostgreSQL triggers (migrations 0004, 0007 and 0011) `pg_notify` on channel `projops_events`
whenever a journal, a journal line, a job run, a vendor invoice or an expense report is
inserted or changes status, and when a job run's progress changes. Every
API instance holds one `EventListener`; each GraphQL subscription takes a `Subscription` (a
bounded queue with a filter). Events are published at commit, so a subscriber never sees a
rolled-back change. Events raised while the connection is down are lost: subscribers that must
not miss a state re-read it after `EventListener.reconnects` grows. A lost connection is tried
again with a growing delay (an outage of the database heals by itself); /readyz reports the
listener's `state()`.

The same connection listens on `projops_access` (migration 0010) and hands each access change
to the hooks given to `on_access_change` (resolvers/access.py forgets what it cached of it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg  # ships no type information

from observability import log

CHANNEL = "projops_events"
# Access changes (migration 0010): `session:<uuid>` or `user:<id>`; ACCESS_LOST_TRACK when the
# listener was deaf for a while and any access may have changed meanwhile.
ACCESS_CHANNEL = "projops_access"
ACCESS_LOST_TRACK = "*"
AccessHook = Callable[[str], None]
APPLICATION_NAME = "projops-events"


@dataclass(frozen=True)
class Event:
    # "journal", "journal_line", "job_run", "vendor_invoice" or "expense_report"
    table: str
    id: int
    status: str
    legal_entity_id: int | None
    # A job run's progress (migration 0011); None for other tables.
    done: int | None = None
    total: int | None = None
    # An expense report's employee: who may see it besides its approvers.
    owner_id: int | None = None

    @classmethod
    def from_payload(cls, payload: str) -> Event | None:
        """The event of a notification, or None when the payload is not one of ours."""
        try:
            data = json.loads(payload)
            return cls(
                table=str(data["table"]),
                id=int(data["id"]),
                status=str(data["status"]),
                legal_entity_id=_optional_int(data.get("legal_entity_id")),
                done=_optional_int(data.get("done")),
                total=_optional_int(data.get("total")),
                owner_id=_optional_int(data.get("owner_id")),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _optional_int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


EventFilter = Callable[[Event], bool]


def _accept_all(_: Event) -> bool:
    return True


class Subscription:
    """One subscriber's queue. A slow subscriber loses its oldest events, never blocks others.

    `owner` (the subscriber's user id) lets the listener count a user's subscriptions; `accept`
    may be replaced after subscribing: a subscription is counted (and so capped) the moment it
    asks, and filtered once its access check has run."""

    def __init__(self, listener: EventListener, accept: EventFilter, maxsize: int) -> None:
        self._listener = listener
        self.accept = accept
        self.owner: int | None = None
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=maxsize)
        self.dropped = 0

    def offer(self, event: Event) -> None:
        # Called for every event and every subscriber: a filter of a few comparisons, no I/O.
        if not self.accept(event):
            return
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        self.queue.put_nowait(event)

    async def get(self) -> Event:
        return await self.queue.get()

    async def __aiter__(self) -> AsyncIterator[Event]:
        while True:
            yield await self.queue.get()

    def close(self) -> None:
        self._listener.unsubscribe(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class EventListener:
    """Owns the listening connection: connects, listens, checks health, reconnects on loss.

    `dsn` is a plain libpq URL (`db.urls.libpq_url(settings)`), not a SQLAlchemy one."""

    def __init__(
        self,
        dsn: str,
        *,
        channel: str = CHANNEL,
        retry_delay: float = 1.0,
        max_retry_delay: float = 2.0,
        health_interval: float = 10.0,
        queue_size: int = 1000,
    ) -> None:
        self._dsn = dsn
        self._channel = channel
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._health_interval = health_interval
        self._queue_size = queue_size
        self._subscriptions: set[Subscription] = set()
        self._access_hooks: list[AccessHook] = []
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        # Times the connection was lost (or could not be made) and listening started over.
        self.reconnects = 0
        self._last_error: str | None = None
        self._down_since: float | None = None  # time.monotonic() when listening stopped

    def subscribe(self, accept: EventFilter | None = None) -> Subscription:
        subscription = Subscription(self, accept or _accept_all, self._queue_size)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def publish(self, event: Event) -> None:
        """Hand one event to every matching subscriber (also used for local events in tests)."""
        for subscription in list(self._subscriptions):
            subscription.offer(event)

    def on_access_change(self, hook: AccessHook) -> None:
        """Call `hook` with each access change announced on ACCESS_CHANNEL."""
        self._access_hooks.append(hook)

    def _access_changed(self, change: str) -> None:
        for hook in self._access_hooks:
            try:
                hook(change)
            except Exception:  # one faulty hook never stops the listener or the others
                log.exception("access_hook_failed", change=change)

    def open_subscriptions(self, owner: int | None = None) -> int:
        """Subscriptions open on this instance; with `owner`, that owner's only."""
        if owner is None:
            return len(self._subscriptions)
        return sum(1 for subscription in self._subscriptions if subscription.owner == owner)

    async def start(self) -> None:
        """Start listening; returns once the first LISTEN is in place (bound it with
        `asyncio.timeout`: while the database is unreachable it keeps retrying)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="projops-event-listener")
        await self._listening.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._listening.clear()

    async def listening(self) -> None:
        """Wait until the connection listens (again, after a loss)."""
        await self._listening.wait()

    def state(self) -> dict[str, object]:
        """For /readyz: listening or reconnecting, and since when and why."""
        if self._listening.is_set():
            return {"state": "listening", "reconnects": self.reconnects}
        down_for = None if self._down_since is None else time.monotonic() - self._down_since
        return {
            "state": "reconnecting" if self._task is not None else "stopped",
            "reconnects": self.reconnects,
            "down_seconds": None if down_for is None else round(down_for, 1),
            "error": self._last_error,
        }

    def _on_access(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self._access_changed(payload)

    def _on_notification(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        event = Event.from_payload(payload)
        if event is None:
            log.warning("event_payload_ignored", payload=payload)
            return
        self.publish(event)

    async def _run(self) -> None:
        delay = self._retry_delay
        while True:
            try:
                await self._listen_until_lost()
                self._last_error = "the connection was closed"
            except Exception as exc:  # any failure: log it, wait, listen again
                self._last_error = repr(exc)
            if self._listening.is_set():  # it was listening: start over at the shortest delay
                delay = self._retry_delay
            if self._listening.is_set() or self._down_since is None:
                self._down_since = time.monotonic()
            self._listening.clear()
            self.reconnects += 1
            log.warning("event_listener_lost", error=self._last_error, retry_in=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_retry_delay)

    async def _listen_until_lost(self) -> None:
        # The application name lets an operator (or a test) find this connection.
        connection: asyncpg.Connection = await asyncpg.connect(
            self._dsn, server_settings={"application_name": APPLICATION_NAME}
        )
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _conn: lost.set())
        try:
            await connection.add_listener(self._channel, self._on_notification)
            await connection.add_listener(ACCESS_CHANNEL, self._on_access)
            if self.reconnects:  # deaf meanwhile: an access may have changed unannounced
                self._access_changed(ACCESS_LOST_TRACK)
            self._listening.set()
            if self._down_since is not None:
                down_for = round(time.monotonic() - self._down_since, 2)
                log.info("event_listener_listening", reconnects=self.reconnects, down_for=down_for)
                self._down_since = None
            await self._watch(connection, lost)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 2)

    async def _watch(self, connection: asyncpg.Connection, lost: asyncio.Event) -> None:
        # A ping catches a half-open TCP connection that would otherwise wait silently forever.
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), self._health_interval)
                return
            await connection.fetchval("SELECT 1", timeout=self._health_interval)
