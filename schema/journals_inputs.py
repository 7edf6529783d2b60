"""Inputs and payloads of the integration journal mutations (J4, J6)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from domain import journals as domain
from resolvers.mutations import Outcome
from schema.errors import UserError
from schema.journals_types import Journal, JournalLine
from schema.mutations import errors_of
from schema.relay import decode_id


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


@strawberry.input(description="An unposted journal line to delete (J4).")
class DeleteJournalLineInput:
    id: strawberry.ID = strawberry.field(description="The JournalLine, not posted.")


@strawberry.input(description="A Draft or Error journal with no posted lines, to delete.")
class DeleteJournalInput:
    id: strawberry.ID = strawberry.field(description="The Journal.")


@strawberry.input(description="An Error line whose cause is fixed, back to Draft (J6).")
class UpdateJournalLineToDraftInput:
    id: strawberry.ID = strawberry.field(description="The JournalLine, Error.")


@strawberry.input(description="An Error journal whose causes are fixed, back to Draft (J6).")
class UpdateJournalToDraftInput:
    id: strawberry.ID = strawberry.field(description="The Journal, Error.")


@strawberry.type
class JournalLinePayload:
    journal_line: JournalLine | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[Any]) -> JournalLinePayload:
        line = JournalLine.from_row(outcome.value) if outcome.value is not None else None
        return cls(journal_line=line, errors=errors_of(outcome))


@strawberry.type
class JournalPayload:
    journal: Journal | None
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[Any]) -> JournalPayload:
        journal = Journal.from_row(outcome.value) if outcome.value is not None else None
        return cls(journal=journal, errors=errors_of(outcome))


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]

    @classmethod
    def of(cls, deleted: strawberry.ID, outcome: Outcome[Any]) -> DeletePayload:
        """`deleted` is the id the input named, answered once the row is gone."""
        return cls(deleted_id=deleted if outcome.value else None, errors=errors_of(outcome))
