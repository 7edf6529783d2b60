"""Integration journal queries and mutations (J4-J6); object types in journals_types.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

from domain import journals as domain
from domain.errors import DomainError
from resolvers import journals as resolvers
from resolvers.context import Info
from resolvers.mutations import Outcome
from schema.errors import UserError
from schema.journals_types import Journal, JournalLine, JournalStatus
from schema.pages import after_key, to_connection
from schema.relay import Connection, decode_id


def _errors(outcome: Outcome[Any]) -> list[UserError]:
    return [UserError.from_domain(error) for error in outcome.errors]


@strawberry.input
class DimensionShareInput:
    dimension: str
    value: str
    share_percent: Decimal


@strawberry.input(description="Only these fields of a Draft line can change (J4).")
class EditJournalLineInput:
    id: strawberry.ID
    billing_sales_tax_group: str | None = None
    billing_item_sales_tax_group: str | None = None
    dimensions: list[DimensionShareInput] | None = None

    def to_domain(self) -> domain.LineEdit:
        shares = None
        if self.dimensions is not None:
            shares = [
                domain.DimensionShare(share.dimension, share.value, share.share_percent)
                for share in self.dimensions
            ]
        return domain.LineEdit(
            line_id=decode_id(self.id, "JournalLine"),
            billing_sales_tax_group=self.billing_sales_tax_group,
            billing_item_sales_tax_group=self.billing_item_sales_tax_group,
            dimensions=shares,
        )


@strawberry.input
class ResetProcessingLineInput:
    id: strawberry.ID
    no_posting_running: bool = False
    reason: str | None = None


@strawberry.type
class JournalLinePayload:
    journal_line: JournalLine | None
    errors: list[UserError]

    @classmethod
    def from_outcome(cls, outcome: Outcome[Any]) -> JournalLinePayload:
        line = JournalLine.from_row(outcome.value) if outcome.value is not None else None
        return cls(journal_line=line, errors=_errors(outcome))


@strawberry.type
class JournalPayload:
    journal: Journal | None
    errors: list[UserError]


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


def _decoded(gid: str, type_name: str) -> tuple[int | None, list[UserError]]:
    try:
        return decode_id(gid, type_name), []
    except DomainError as error:
        return None, [UserError.from_domain(error)]


@strawberry.type
class JournalsQuery:
    @strawberry.field(description="Integration journals of your legal entities (J2, J5).")
    async def journals(
        self,
        info: Info,
        legal_entity: str | None = None,
        status: JournalStatus | None = None,  # type: ignore[valid-type]
        period_start: dt.date | None = None,
        number: str | None = None,
        original_journal_number: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Journal]:
        where = resolvers.JournalFilter(
            legal_entity=legal_entity,
            status=status.value if status is not None else None,
            period_start=period_start,
            number=number,
            original_journal_number=original_journal_number,
        )
        page = await resolvers.journals_page(
            info.context, first=first, after=after_key(after), where=where
        )
        return to_connection(page.map(Journal.from_row))


@strawberry.type
class JournalsMutation:
    @strawberry.mutation(description="Tax groups and dimension distribution of a Draft line.")
    async def edit_journal_line(
        self, info: Info, input: EditJournalLineInput
    ) -> JournalLinePayload:
        try:
            edit = input.to_domain()
        except DomainError as error:
            return JournalLinePayload(journal_line=None, errors=[UserError.from_domain(error)])
        return JournalLinePayload.from_outcome(await resolvers.edit_line(info.context, edit))

    @strawberry.mutation(description="Delete an unposted line; the next import brings it back.")
    async def delete_journal_line(self, info: Info, id: strawberry.ID) -> DeletePayload:
        pk, errors = _decoded(id, "JournalLine")
        if pk is None:
            return DeletePayload(deleted_id=None, errors=errors)
        outcome = await resolvers.delete_line(info.context, pk)
        return DeletePayload(deleted_id=id if outcome.value else None, errors=_errors(outcome))

    @strawberry.mutation(description="Delete a draft or error journal with no posted lines.")
    async def delete_journal(self, info: Info, id: strawberry.ID) -> DeletePayload:
        pk, errors = _decoded(id, "Journal")
        if pk is None:
            return DeletePayload(deleted_id=None, errors=errors)
        outcome = await resolvers.delete_journal(info.context, pk)
        return DeletePayload(deleted_id=id if outcome.value else None, errors=_errors(outcome))

    @strawberry.mutation(description="Error line back to Draft once its cause is fixed (J6).")
    async def update_journal_line_to_draft(
        self, info: Info, id: strawberry.ID
    ) -> JournalLinePayload:
        pk, errors = _decoded(id, "JournalLine")
        if pk is None:
            return JournalLinePayload(journal_line=None, errors=errors)
        return JournalLinePayload.from_outcome(
            await resolvers.update_line_to_draft(info.context, pk)
        )

    @strawberry.mutation(description="Error journal and its error lines back to Draft (J6).")
    async def update_journal_to_draft(self, info: Info, id: strawberry.ID) -> JournalPayload:
        pk, errors = _decoded(id, "Journal")
        if pk is None:
            return JournalPayload(journal=None, errors=errors)
        outcome = await resolvers.update_journal_to_draft(info.context, pk)
        journal = Journal.from_row(outcome.value) if outcome.value is not None else None
        return JournalPayload(journal=journal, errors=_errors(outcome))

    @strawberry.mutation(
        description="Processing line back to Draft: after 24 hours, or now by an admin who "
        "confirms no posting runs (J6). Audited."
    )
    async def reset_processing_journal_line(
        self, info: Info, input: ResetProcessingLineInput
    ) -> JournalLinePayload:
        pk, errors = _decoded(input.id, "JournalLine")
        if pk is None:
            return JournalLinePayload(journal_line=None, errors=errors)
        outcome = await resolvers.reset_processing_line(
            info.context, pk, no_posting_running=input.no_posting_running, reason=input.reason
        )
        return JournalLinePayload.from_outcome(outcome)
