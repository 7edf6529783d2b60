"""GraphQL types for ledger periods (M5)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from db.models import ledger as models
from db.models import master_data as master_models
from db.models.ledger import PeriodStatus
from domain import ledger as domain
from resolvers import ledger as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.ledger_inputs import (
    CloseLedgerPeriodPermanentlyArgument,
    SetLedgerPeriodStatusArgument,
)
from schema.master_data import LegalEntity, LegalEntityCode
from schema.mutations import decoded, errors_of
from schema.node import register_node, related
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.projects_totals import described_enum
from schema.relay import Connection, Node

described_enum(
    PeriodStatus,
    "PeriodStatus",
    "Whether a ledger period takes postings (M5, L4).",
    {
        "OPEN": "Postings dated in the period are accepted.",
        "ON_HOLD": "Nothing posts for now; `setLedgerPeriodStatus` can open it again.",
        "PERMANENTLY_CLOSED": "Nothing posts, ever: the period never reopens.",
    },
)


@strawberry.type(description="A month of a legal entity's ledger; permanently closed is final.")
class LedgerPeriod(Node):
    legal_entity_id: strawberry.Private[int]
    start_date: dt.date = strawberry.field(description="The first day of the month.")
    end_date: dt.date = strawberry.field(description="The last day of the month (inclusive).")
    status: PeriodStatus = strawberry.field(
        description="Whether postings dated in the period are accepted now."
    )

    @classmethod
    def from_row(cls, row: models.LedgerPeriod) -> LedgerPeriod:
        return cls(
            pk=row.id,
            legal_entity_id=row.legal_entity_id,
            start_date=row.start_date,
            end_date=row.end_date,
            status=PeriodStatus(row.status),
        )

    @strawberry.field(description="The legal entity whose ledger the period is of.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.legal_entity_id, LegalEntity.from_row
        )


register_node("LedgerPeriod", models.LedgerPeriod, LedgerPeriod.from_row)


@strawberry.input(description="Any day of fromMonth and toMonth stands for its month.")
class CreateLedgerPeriodsInput:
    legal_entity: str = strawberry.field(
        description="Code of one of your legal entities; NOT_FOUND otherwise."
    )
    from_month: dt.date = strawberry.field(
        description="Any day of the first month to create; DUPLICATE when a month in the range "
        "has a period already."
    )
    to_month: dt.date = strawberry.field(
        description="Any day of the last month to create, not before `fromMonth` (INVALID); at "
        "most 120 months in one call (OUT_OF_RANGE)."
    )
    status: PeriodStatus = strawberry.field(
        default=PeriodStatus.OPEN,
        description="The status the new periods start in: OPEN (default) or ON_HOLD; "
        "PERMANENTLY_CLOSED is INVALID here.",
    )

    def to_domain(self) -> domain.NewLedgerPeriods:
        return domain.NewLedgerPeriods(
            legal_entity=self.legal_entity,
            from_month=self.from_month,
            to_month=self.to_month,
            status=self.status,
        )


@strawberry.type(description="The result of `createLedgerPeriods`.")
class LedgerPeriodsPayload:
    ledger_periods: list[LedgerPeriod] | None = strawberry.field(
        description="The new periods, oldest first; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was created; empty on success."
    )


@strawberry.type(
    description="The result of `setLedgerPeriodStatus` and `closeLedgerPeriodPermanently`."
)
class LedgerPeriodPayload:
    ledger_period: LedgerPeriod | None = strawberry.field(
        description="The period with its new status; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing changed (PERIOD_CLOSED_PERMANENTLY for a closed period); empty "
        "on success."
    )

    @classmethod
    def of(cls, row: models.LedgerPeriod | None, errors: list[UserError]) -> LedgerPeriodPayload:
        return cls(ledger_period=LedgerPeriod.from_row(row) if row else None, errors=errors)


@strawberry.type
class LedgerQuery:
    @strawberry.field(description="Ledger periods of one of your legal entities.")
    async def ledger_periods(
        self,
        info: Info,
        legal_entity: LegalEntityCode,
        status: Annotated[
            PeriodStatus | None,
            strawberry.argument(description="Only the periods in this status."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("LedgerPeriod")] = None,
    ) -> Connection[LedgerPeriod]:
        page = await resolvers.ledger_periods(
            info.context,
            legal_entity=legal_entity,
            status=status,
            window=window("LedgerPeriod", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(LedgerPeriod.from_row))


@strawberry.type
class LedgerMutation:
    @strawberry.mutation(description="Accountant: monthly periods from one month to another.")
    async def create_ledger_periods(
        self,
        info: Info,
        input: Annotated[
            CreateLedgerPeriodsInput,
            strawberry.argument(
                description="The legal entity, the range of months and their status."
            ),
        ],
    ) -> LedgerPeriodsPayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_ledger_periods(info.context, data)
        )
        return LedgerPeriodsPayload(
            ledger_periods=[LedgerPeriod.from_row(row) for row in outcome.value]
            if outcome.value is not None
            else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(description="Accountant: open or hold a period (never a closed one).")
    async def set_ledger_period_status(
        self, info: Info, input: SetLedgerPeriodStatusArgument
    ) -> LedgerPeriodPayload:
        outcome = await decoded(
            input.to_domain,
            lambda args: resolvers.set_ledger_period_status(info.context, *args),
        )
        return LedgerPeriodPayload.of(outcome.value, errors_of(outcome))

    @strawberry.mutation(description="Accountant: close a period for good (audited).")
    async def close_ledger_period_permanently(
        self, info: Info, input: CloseLedgerPeriodPermanentlyArgument
    ) -> LedgerPeriodPayload:
        outcome = await decoded(
            input.to_domain,
            lambda args: resolvers.close_ledger_period_permanently(info.context, *args),
        )
        return LedgerPeriodPayload.of(outcome.value, errors_of(outcome))
