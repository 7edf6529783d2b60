"""Integration journal queries and mutations (J4-J6); object types in journals_types.py,
inputs and payloads in journals_inputs.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from resolvers import journals as resolvers
from resolvers.context import Info
from schema.journals_inputs import (
    DeleteJournalInput,
    DeleteJournalLineInput,
    DeletePayload,
    EditJournalLineInput,
    JournalLinePayload,
    JournalPayload,
    ResetProcessingLineInput,
    UpdateJournalLineToDraftInput,
    UpdateJournalToDraftInput,
)
from schema.journals_types import Journal, JournalStatus
from schema.mutations import decoded
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.relay import Connection, decode_id


@strawberry.type
class JournalsQuery:
    @strawberry.field(description="Integration journals of your legal entities (J2, J5).")
    async def journals(
        self,
        info: Info,
        legal_entity: Annotated[
            str | None,
            strawberry.argument(
                description="Code of a legal entity (e.g. USMF): only its journals."
            ),
        ] = None,
        status: Annotated[
            JournalStatus | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only journals in this status."),
        ] = None,
        period_start: Annotated[
            dt.date | None,
            strawberry.argument(
                description="Only journals whose period starts on this date (ISO 8601 date)."
            ),
        ] = None,
        number: Annotated[
            str | None,
            strawberry.argument(description="Only the journal with this number (exact match)."),
        ] = None,
        original_journal_number: Annotated[
            str | None,
            strawberry.argument(
                description="Only the error journals made from the journal with this number (J5)."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("Journal")] = None,
    ) -> Connection[Journal]:
        where = resolvers.JournalFilter(
            legal_entity=legal_entity,
            status=status.value if status is not None else None,
            period_start=period_start,
            number=number,
            original_journal_number=original_journal_number,
        )
        page = await resolvers.journals_page(
            info.context,
            window=window("Journal", first, after, last, before, order_of(order_by)),
            where=where,
        )
        return to_connection(page.map(Journal.from_row))


@strawberry.type
class JournalsMutation:
    @strawberry.mutation(
        description="Change the tax groups and the dimension distribution of a Draft line (J4); "
        "INVALID_STATE for a line that is not Draft, INVALID_DIMENSION for an unknown or "
        "inactive dimension or value."
    )
    async def edit_journal_line(
        self,
        info: Info,
        input: Annotated[
            EditJournalLineInput,
            strawberry.argument(description="The Draft line and the fields to change."),
        ],
    ) -> JournalLinePayload:
        outcome = await decoded(
            input.to_domain, lambda edit: resolvers.edit_line(info.context, edit)
        )
        return JournalLinePayload.of(outcome)

    @strawberry.mutation(description="Delete an unposted line; the next import brings it back.")
    async def delete_journal_line(
        self,
        info: Info,
        input: Annotated[
            DeleteJournalLineInput, strawberry.argument(description="The line to delete.")
        ],
    ) -> DeletePayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "JournalLine"),
            lambda pk: resolvers.delete_line(info.context, pk),
        )
        return DeletePayload.of(input.id, outcome)

    @strawberry.mutation(description="Delete a draft or error journal with no posted lines.")
    async def delete_journal(
        self,
        info: Info,
        input: Annotated[
            DeleteJournalInput, strawberry.argument(description="The journal to delete.")
        ],
    ) -> DeletePayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "Journal"),
            lambda pk: resolvers.delete_journal(info.context, pk),
        )
        return DeletePayload.of(input.id, outcome)

    @strawberry.mutation(description="Error line back to Draft once its cause is fixed (J6).")
    async def update_journal_line_to_draft(
        self,
        info: Info,
        input: Annotated[
            UpdateJournalLineToDraftInput,
            strawberry.argument(description="The line to set back to Draft."),
        ],
    ) -> JournalLinePayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "JournalLine"),
            lambda pk: resolvers.update_line_to_draft(info.context, pk),
        )
        return JournalLinePayload.of(outcome)

    @strawberry.mutation(description="Error journal and its error lines back to Draft (J6).")
    async def update_journal_to_draft(
        self,
        info: Info,
        input: Annotated[
            UpdateJournalToDraftInput,
            strawberry.argument(description="The journal to set back to Draft."),
        ],
    ) -> JournalPayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "Journal"),
            lambda pk: resolvers.update_journal_to_draft(info.context, pk),
        )
        return JournalPayload.of(outcome)

    @strawberry.mutation(
        description="Processing line back to Draft: after 24 hours, or now by an admin who "
        "confirms no posting runs (J6). Audited."
    )
    async def reset_processing_journal_line(
        self,
        info: Info,
        input: Annotated[
            ResetProcessingLineInput,
            strawberry.argument(
                description="The Processing line, and for an early reset the admin's statement and "
                "reason."
            ),
        ],
    ) -> JournalLinePayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "JournalLine"),
            lambda pk: resolvers.reset_processing_line(
                info.context, pk, no_posting_running=input.no_posting_running, reason=input.reason
            ),
        )
        return JournalLinePayload.of(outcome)
