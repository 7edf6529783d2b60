"""Subscriptions (K3) over graphql-transport-ws: status changes, on every instance."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from db.events import Event
from resolvers import events as resolvers
from resolvers.context import Info
from schema.relay import decode_optional_id, encode_id

_TYPE_NAMES = {
    "journal": "Journal",
    "journal_line": "JournalLine",
    "job_run": "JobRun",
    "vendor_invoice": "VendorInvoice",
}


@strawberry.type(description="A status change; re-read the object by its id for the rest.")
class StatusChange:
    type_name: str = strawberry.field(description="Journal, JournalLine, JobRun or VendorInvoice.")
    id: strawberry.ID
    status: str

    @classmethod
    def from_event(cls, event: Event) -> StatusChange:
        type_name = _TYPE_NAMES[event.table]
        # Spelled like the JournalStatus / JournalLineStatus / JobStatus /
        # VendorInvoiceStatus enum values.
        status = event.status.upper()
        return cls(type_name=type_name, id=encode_id(type_name, event.id), status=status)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Status changes of journals and journal lines of your legal entities."
    )
    async def journal_status_changes(
        self, info: Info, legal_entity: str | None = None
    ) -> AsyncGenerator[StatusChange, None]:
        async for event in resolvers.journal_events(info.context, legal_entity):
            yield StatusChange.from_event(event)

    @strawberry.subscription(
        description="Status changes of vendor invoices of your legal entities (V1)."
    )
    async def vendor_invoice_status_changes(
        self,
        info: Info,
        legal_entity: Annotated[
            str | None,
            strawberry.argument(description="Only this legal entity's (its code, e.g. USPM)."),
        ] = None,
    ) -> AsyncGenerator[StatusChange, None]:
        async for event in resolvers.vendor_invoice_events(info.context, legal_entity):
            yield StatusChange.from_event(event)

    @strawberry.subscription(description="Status changes of the job runs you may see.")
    async def job_run_status_changes(
        self, info: Info, id: strawberry.ID | None = None
    ) -> AsyncGenerator[StatusChange, None]:
        run_id = decode_optional_id(id, "JobRun")
        async for event in resolvers.job_run_events(info.context, run_id):
            yield StatusChange.from_event(event)
