"""Status-change subscriptions (K3), fed by the instance's one PostgreSQL listener.

An idle subscription holds no database connection: its access check runs on a session of its
own, closed before the subscription waits (Context.brief_session), and the events come from
the listener's one LISTEN connection, matched against each subscriber's filter in memory.
Caps, per API process: `max_subscriptions_per_user` open subscriptions of one user and
`max_subscriptions` in all; a subscribe past either is refused with TOO_MANY_SUBSCRIPTIONS.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager

from prometheus_client import Gauge
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.events import Event, EventFilter, EventListener, Subscription
from db.models.master_data import LegalEntity, Role
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.expenses_visibility import sees_colleagues_reports
from domain.scope import in_callers_entities
from resolvers.access_watch import watched
from resolvers.context import ApiError, Context

JOURNAL_TABLES = frozenset({"journal", "journal_line"})
VENDOR_INVOICE_TABLES = frozenset({"vendor_invoice"})
EXPENSE_REPORT_TABLES = frozenset({"expense_report"})
TOO_MANY = "TOO_MANY_SUBSCRIPTIONS"
OPEN_SUBSCRIPTIONS = Gauge(
    "projops_subscriptions_open",
    "GraphQL subscriptions open (all API processes)",
    multiprocess_mode="livesum",
)

# How a subscription learns what it may see: its check, run on a brief session, returns the
# filter its events go through.
AccessCheck = Callable[[AsyncSession], Awaitable[EventFilter]]


def _nothing(_: Event) -> bool:
    return False


@contextmanager
def _admitted(context: Context, listener: EventListener) -> Iterator[Subscription]:
    """A subscription counted against the caps, or TOO_MANY_SUBSCRIPTIONS. Counting and
    registering are one synchronous step, so concurrent subscribes cannot overshoot a cap."""
    actor = context.actor
    settings = context.settings
    if listener.open_subscriptions() >= settings.max_subscriptions:
        raise ApiError(
            f"This server holds its most subscriptions ({settings.max_subscriptions});"
            " try again later.",
            TOO_MANY,
        )
    if listener.open_subscriptions(actor.user_id) >= settings.max_subscriptions_per_user:
        raise ApiError(
            f"You hold the most subscriptions one user may ({settings.max_subscriptions_per_user}"
            "); complete one before subscribing again.",
            TOO_MANY,
        )
    subscription = listener.subscribe(_nothing)  # nothing passes until its check has run
    subscription.owner = actor.user_id
    OPEN_SUBSCRIPTIONS.inc()
    try:
        yield subscription
    finally:
        subscription.close()
        OPEN_SUBSCRIPTIONS.dec()


async def _stream(context: Context, check: AccessCheck) -> AsyncIterator[Event]:
    """The events `check` lets through, from the listener; no connection held while waiting."""
    listener = context.events
    if listener is None:
        raise ApiError("Subscriptions are not available on this server.", "UNAVAILABLE")
    with _admitted(context, listener) as subscription:
        async with context.brief_session() as session:
            accept = await check(session)
        subscription.accept = accept
        with watched(context, subscription):  # closed (4403) once its access ends
            while True:  # no generator between the queue and the subscription: one per event
                yield await subscription.get()


async def _entity_ids(
    session: AsyncSession, actor: Actor, legal_entity: str | None
) -> frozenset[int]:
    """The caller's legal entity ids (one of them when `legal_entity` names it)."""
    statement = select(LegalEntity.id).where(in_callers_entities(LegalEntity.id, actor))
    if legal_entity is not None:
        statement = statement.where(LegalEntity.code == legal_entity.upper())
    ids = frozenset(await session.scalars(statement))
    if legal_entity is not None and not ids:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            f"Legal entity '{legal_entity}' is not one of yours.",
            ["legalEntity"],
        )
    return ids


def _entity_check(actor: Actor, legal_entity: str | None, tables: frozenset[str]) -> AccessCheck:
    """Status changes of rows of `tables` in the caller's legal entities (M1)."""

    async def check(session: AsyncSession) -> EventFilter:
        entity_ids = await _entity_ids(session, actor, legal_entity)

        def accept(event: Event) -> bool:
            return event.table in tables and event.legal_entity_id in entity_ids

        return accept

    return check


def journal_events(context: Context, legal_entity: str | None) -> AsyncIterator[Event]:
    """Journal and journal line status changes of the caller's legal entities."""
    return _stream(context, _entity_check(context.actor, legal_entity, JOURNAL_TABLES))


def vendor_invoice_events(context: Context, legal_entity: str | None) -> AsyncIterator[Event]:
    """Vendor invoice status changes of the caller's legal entities (V1)."""
    return _stream(context, _entity_check(context.actor, legal_entity, VENDOR_INVOICE_TABLES))


def expense_report_events(context: Context, legal_entity: str | None) -> AsyncIterator[Event]:
    """Expense reports created or changing status, as the caller may read them: in its legal
    entities (M1), and an employee without an approving role only its own (visible_reports)."""
    actor = context.actor
    sees_all = sees_colleagues_reports(actor)
    in_entities = _entity_check(actor, legal_entity, EXPENSE_REPORT_TABLES)

    async def check(session: AsyncSession) -> EventFilter:
        in_scope = await in_entities(session)

        def accept(event: Event) -> bool:
            return in_scope(event) and (sees_all or event.owner_id == actor.user_id)

        return accept

    return _stream(context, check)


def job_run_events(context: Context, run_id: int | None) -> AsyncIterator[Event]:
    """Job run status changes the caller may see (K1), optionally of one run."""
    actor = context.actor
    sees_global = actor.has_role(Role.ADMIN, Role.ACCOUNTANT)

    async def check(session: AsyncSession) -> EventFilter:
        entity_ids = await _entity_ids(session, actor, None)

        def accept(event: Event) -> bool:
            if event.table != "job_run" or (run_id is not None and event.id != run_id):
                return False
            if event.legal_entity_id is None:
                return sees_global
            return event.legal_entity_id in entity_ids

        return accept

    return _stream(context, check)
