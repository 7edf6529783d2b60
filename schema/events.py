"""Subscriptions (K3) over graphql-transport-ws: status changes, on every instance."""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from db.events import Event
from resolvers import events as resolvers
from resolvers.context import Info
from schema.events_types import (
    ChangedStatus,
    ChangedType,
    StatusChangeStatus,
    StatusChangeType,
)
from schema.jobs import JobProgress
from schema.relay import decode_optional_id, encode_id


@strawberry.type(description="A status change; re-read the object by its id for the rest.")
class StatusChange:
    type_name: StatusChangeType = strawberry.field(  # type: ignore[valid-type]
        description="Journal, JournalLine, JobRun, VendorInvoice or ExpenseReport."
    )
    id: strawberry.ID = strawberry.field(
        description="The global id of the object that changed, usable with `node(id:)`."
    )
    status: StatusChangeStatus = strawberry.field(  # type: ignore[valid-type]
        description="The new status, spelled like the value of the object's status enum "
        "(JournalStatus, JournalLineStatus, JobStatus, VendorInvoiceStatus or "
        "ExpenseReportStatus), e.g. POSTED."
    )
    progress: JobProgress | None = strawberry.field(
        description=(
            "A job run's progress now: such changes are events too, a few a second at most,"
            " so a progress bar needs no polling. Null for every other type."
        )
    )

    # One StatusChange per event, shared by every subscriber it goes to (it is only read): a
    # thousand subscribers of one event cost one global id encoding, not a thousand.
    @classmethod
    @functools.lru_cache(maxsize=1024)
    def from_event(cls, event: Event) -> StatusChange:
        changed = ChangedType(event.table)
        # Spelled like the JournalStatus / JournalLineStatus / JobStatus /
        # VendorInvoiceStatus / ExpenseReportStatus enum values.
        status = ChangedStatus(event.status.upper())
        progress = None
        if event.table == "job_run":
            progress = JobProgress(done=event.done or 0, total=event.total)
        return cls(
            type_name=changed,
            id=encode_id(changed.name, event.id),
            status=status,
            progress=progress,
        )


@strawberry.type(
    description="Live updates over a WebSocket (graphql-transport-ws protocol, at the "
    'GraphQL endpoint): the token goes in `connection_init`\'s payload as {"Authorization": '
    '"Bearer <token>"}; a bad token closes the connection with 4403. Events reach '
    "subscribers on every server instance (K3)."
)
class Subscription:
    @strawberry.subscription(
        description="Status changes of journals and journal lines of your legal entities."
    )
    async def journal_status_changes(
        self,
        info: Info,
        legal_entity: Annotated[
            str | None,
            strawberry.argument(
                description="Code of a legal entity (e.g. USMF): only its journals and lines; "
                "omitted, all of yours."
            ),
        ] = None,
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

    @strawberry.subscription(
        description=(
            "Expense reports of your legal entities created or changing status (an approval"
            " inbox that updates itself: SUBMITTED ones await approval). An employee without"
            " an approving role receives only its own reports."
        )
    )
    async def expense_report_status_changes(
        self,
        info: Info,
        legal_entity: Annotated[
            str | None,
            strawberry.argument(description="Only this legal entity's (its code, e.g. USPM)."),
        ] = None,
    ) -> AsyncGenerator[StatusChange, None]:
        async for event in resolvers.expense_report_events(info.context, legal_entity):
            yield StatusChange.from_event(event)

    @strawberry.subscription(description="Status and progress changes of the job runs you may see.")
    async def job_run_status_changes(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Global id of a JobRun: only its changes; omitted, every run you may "
                "see."
            ),
        ] = None,
    ) -> AsyncGenerator[StatusChange, None]:
        run_id = decode_optional_id(id, "JobRun")
        async for event in resolvers.job_run_events(info.context, run_id):
            yield StatusChange.from_event(event)
