"""Inputs of the mutations that change a ledger period's status (M5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.relay import decode_id

if TYPE_CHECKING:
    from db.models.ledger import PeriodStatus

# schema/ledger.py registers PeriodStatus with its descriptions after importing this module,
# and strawberry reads an input's field types when the input is defined: read lazily, the field
# gets that registration instead of one of its own (two would be two types of one name).
LazyPeriodStatus = Annotated["PeriodStatus", strawberry.lazy("schema.ledger")]


@strawberry.input(description="A period to open or put on hold (M5).")
class SetLedgerPeriodStatusInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the ledger period; NOT_FOUND otherwise, "
        "PERIOD_CLOSED_PERMANENTLY when it is."
    )
    status: LazyPeriodStatus = strawberry.field(
        description="OPEN or ON_HOLD; closing for good is `closeLedgerPeriodPermanently`."
    )

    def to_domain(self) -> tuple[int, PeriodStatus]:
        return decode_id(self.id, "LedgerPeriod"), self.status


@strawberry.input(description="A period to close for good: it never takes a posting again (M5).")
class CloseLedgerPeriodPermanentlyInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the ledger period; NOT_FOUND otherwise, "
        "PERIOD_CLOSED_PERMANENTLY when it is closed already."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why it is closed, kept in the audit log (optional)."
    )

    def to_domain(self) -> tuple[int, str | None]:
        return decode_id(self.id, "LedgerPeriod"), self.reason


SetLedgerPeriodStatusArgument = Annotated[
    SetLedgerPeriodStatusInput, strawberry.argument(description="The period and its status.")
]
CloseLedgerPeriodPermanentlyArgument = Annotated[
    CloseLedgerPeriodPermanentlyInput,
    strawberry.argument(description="The period and, if you like, why."),
]
