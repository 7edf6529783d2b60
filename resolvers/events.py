"""Status-change subscriptions (K3), fed by the instance's one PostgreSQL listener."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select

from db.events import Event, EventFilter
from db.models.master_data import LegalEntity, Role
from domain.errors import DomainError, ErrorCode
from domain.scope import in_callers_entities
from resolvers.context import ApiError, Context

JOURNAL_TABLES = frozenset({"journal", "journal_line"})
VENDOR_INVOICE_TABLES = frozenset({"vendor_invoice"})


async def _entity_ids(context: Context, legal_entity: str | None) -> frozenset[int]:
    """The caller's legal entity ids (one of them when `legal_entity` names it)."""
    statement = select(LegalEntity.id).where(in_callers_entities(LegalEntity.id, context.actor))
    if legal_entity is not None:
        statement = statement.where(LegalEntity.code == legal_entity.upper())
    async with context.db() as session:
        ids = frozenset(await session.scalars(statement))
    if legal_entity is not None and not ids:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            f"Legal entity '{legal_entity}' is not one of yours.",
            ["legalEntity"],
        )
    return ids


async def _stream(context: Context, accept: EventFilter) -> AsyncIterator[Event]:
    listener = context.events
    if listener is None:
        raise ApiError("Subscriptions are not available on this server.", "UNAVAILABLE")
    with listener.subscribe(accept) as subscription:
        async for event in subscription:
            yield event


async def _entity_events(
    context: Context, legal_entity: str | None, tables: frozenset[str]
) -> AsyncIterator[Event]:
    """Status changes of rows of `tables` in the caller's legal entities (M1)."""
    entity_ids = await _entity_ids(context, legal_entity)

    def accept(event: Event) -> bool:
        return event.table in tables and event.legal_entity_id in entity_ids

    async for event in _stream(context, accept):
        yield event


async def journal_events(context: Context, legal_entity: str | None) -> AsyncIterator[Event]:
    """Journal and journal line status changes of the caller's legal entities."""
    async for event in _entity_events(context, legal_entity, JOURNAL_TABLES):
        yield event


async def vendor_invoice_events(context: Context, legal_entity: str | None) -> AsyncIterator[Event]:
    """Vendor invoice status changes of the caller's legal entities (V1)."""
    async for event in _entity_events(context, legal_entity, VENDOR_INVOICE_TABLES):
        yield event


async def job_run_events(context: Context, run_id: int | None) -> AsyncIterator[Event]:
    """Job run status changes the caller may see (K1), optionally of one run."""
    actor = context.actor
    entity_ids = await _entity_ids(context, None)
    sees_global = actor.has_role(Role.ADMIN, Role.ACCOUNTANT)

    def accept(event: Event) -> bool:
        if event.table != "job_run" or (run_id is not None and event.id != run_id):
            return False
        if event.legal_entity_id is None:
            return sees_global
        return event.legal_entity_id in entity_ids

    async for event in _stream(context, accept):
        yield event
