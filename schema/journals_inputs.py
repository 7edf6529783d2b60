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


@strawberry.input(
    description="A share of a journal line's amount for one financial dimension value (J4)."
)
class DimensionShareInput:
    dimension: str = strawberry.field(
        description="Code of an active financial dimension of the line's legal entity "
        "(INVALID_DIMENSION otherwise)."
    )
    value: str = strawberry.field(
        description="Code of an active value of that dimension (INVALID_DIMENSION otherwise)."
    )
    share_percent: Decimal = strawberry.field(
        description="Share in percent, more than 0 and at most 100; the shares of one "
        "dimension must sum to exactly 100."
    )


@strawberry.input(description="Only these fields of a Draft line can change (J4).")
class EditJournalLineInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the JournalLine, which must be Draft (INVALID_STATE otherwise)."
    )
    billing_sales_tax_group: str | None = strawberry.field(
        default=None,
        description="New billing sales tax group; omitted or null keeps it, an empty string "
        "clears it.",
    )
    billing_item_sales_tax_group: str | None = strawberry.field(
        default=None,
        description="New billing item sales tax group; omitted or null keeps it, an empty "
        "string clears it.",
    )
    dimensions: list[DimensionShareInput] | None = strawberry.field(
        default=None,
        description="The whole new distribution, replacing the old one; an empty list "
        "clears it; omitted or null keeps it.",
    )

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


@strawberry.input(
    description="A journal line stuck in Processing, back to Draft (J6); the reset is audited."
)
class ResetProcessingLineInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the JournalLine, which must be Processing."
    )
    no_posting_running: bool = strawberry.field(
        default=False,
        description="Admin only: true states that no posting is running, to reset before "
        "the 24 hours have passed; default false.",
    )
    reason: str | None = strawberry.field(
        default=None,
        description="Why the line is reset, for the audit record; required for an early reset.",
    )


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


@strawberry.type(description="The result of a change to a journal line.")
class JournalLinePayload:
    journal_line: JournalLine | None = strawberry.field(
        description="The line after the change; null when `errors` says why nothing changed."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[Any]) -> JournalLinePayload:
        line = JournalLine.from_row(outcome.value) if outcome.value is not None else None
        return cls(journal_line=line, errors=errors_of(outcome))


@strawberry.type(description="The result of a change to a journal.")
class JournalPayload:
    journal: Journal | None = strawberry.field(
        description="The journal after the change; null when `errors` says why nothing changed."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed; empty on success.")

    @classmethod
    def of(cls, outcome: Outcome[Any]) -> JournalPayload:
        journal = Journal.from_row(outcome.value) if outcome.value is not None else None
        return cls(journal=journal, errors=errors_of(outcome))


@strawberry.type(description="The result of deleting a journal or journal line.")
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Global id of what was deleted; null when `errors` says why it was kept."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was deleted (e.g. INVALID_STATE for a posted line); empty "
        "on success."
    )

    @classmethod
    def of(cls, deleted: strawberry.ID, outcome: Outcome[Any]) -> DeletePayload:
        """`deleted` is the id the input named, answered once the row is gone."""
        return cls(deleted_id=deleted if outcome.value else None, errors=errors_of(outcome))
