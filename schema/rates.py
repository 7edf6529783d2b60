"""GraphQL types for exchange rates (M6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry

from db.models import master_data as models
from domain import rates as domain
from resolvers import rates as resolvers
from resolvers.context import Info
from schema.errors import UserError
from schema.mutations import decoded, errors_of
from schema.node import register_node
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.rates_inputs import DeleteExchangeRateArgument
from schema.relay import Connection, Node, decode_id


@strawberry.type(description="Valid from its date until the next rate of the same pair.")
class ExchangeRate(Node):
    from_currency: str = strawberry.field(description="The currency converted from (ISO 4217).")
    to_currency: str = strawberry.field(description="The currency converted to (ISO 4217).")
    rate: Decimal = strawberry.field(
        description="Units of `toCurrency` one unit of `fromCurrency` is worth; positive, up to "
        "6 decimals."
    )
    valid_from: dt.date = strawberry.field(
        description="The first transaction date the rate applies to (M6)."
    )

    @classmethod
    def from_row(cls, row: models.ExchangeRate) -> ExchangeRate:
        return cls(
            pk=row.id,
            from_currency=row.from_currency,
            to_currency=row.to_currency,
            rate=row.rate,
            valid_from=row.valid_from,
        )


register_node("ExchangeRate", models.ExchangeRate, ExchangeRate.from_row)


@strawberry.input(description="A new exchange rate of a currency pair.")
class CreateExchangeRateInput:
    from_currency: str = strawberry.field(
        description="ISO 4217 code of the currency converted from; NOT_FOUND when unknown."
    )
    to_currency: str = strawberry.field(
        description="ISO 4217 code of the currency converted to, not `fromCurrency` (INVALID); "
        "NOT_FOUND when unknown."
    )
    rate: Decimal = strawberry.field(
        description="Units of `toCurrency` per unit of `fromCurrency`: above 0, up to 6 "
        "decimals (OUT_OF_RANGE, TOO_PRECISE otherwise)."
    )
    valid_from: dt.date = strawberry.field(
        description="The first transaction date it applies to; DUPLICATE when the pair has a "
        "rate from that date."
    )

    def to_domain(self) -> domain.NewExchangeRate:
        return domain.NewExchangeRate(
            from_currency=self.from_currency,
            to_currency=self.to_currency,
            rate=self.rate,
            valid_from=self.valid_from,
        )


@strawberry.input(description="Omitted fields stay as they are; the pair never changes.")
class UpdateExchangeRateInput:
    id: strawberry.ID = strawberry.field(
        description="Global id of the exchange rate; NOT_FOUND otherwise."
    )
    rate: Decimal | None = strawberry.field(
        default=None, description="The corrected rate, above 0, up to 6 decimals; null keeps it."
    )
    valid_from: dt.date | None = strawberry.field(
        default=None,
        description="The corrected first date, not taken by another rate of the pair "
        "(DUPLICATE); null keeps it.",
    )

    def to_domain(self) -> domain.ExchangeRateChanges:
        return domain.ExchangeRateChanges(
            rate_id=decode_id(self.id, "ExchangeRate"), rate=self.rate, valid_from=self.valid_from
        )


@strawberry.type(description="The result of `createExchangeRate` and `updateExchangeRate`.")
class ExchangeRatePayload:
    exchange_rate: ExchangeRate | None = strawberry.field(
        description="The rate as saved; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was saved; empty on success."
    )


@strawberry.type(description="The result of `deleteExchangeRate`.")
class DeleteExchangeRatePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="Global id of the deleted rate; null when `errors` is not empty."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was deleted; empty on success."
    )


@strawberry.type
class RatesQuery:
    @strawberry.field(description="Exchange rates, optionally of one source and/or target.")
    async def exchange_rates(
        self,
        info: Info,
        from_currency: Annotated[
            str | None,
            strawberry.argument(description="Only rates from this currency (ISO 4217 code)."),
        ] = None,
        to_currency: Annotated[
            str | None,
            strawberry.argument(description="Only rates to this currency (ISO 4217 code)."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("ExchangeRate")] = None,
    ) -> Connection[ExchangeRate]:
        page = await resolvers.exchange_rates(
            info.context,
            from_currency=from_currency,
            to_currency=to_currency,
            window=window("ExchangeRate", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(ExchangeRate.from_row))

    @strawberry.field(description="The rate used on a date (M6); an error when there is none.")
    async def exchange_rate_on(
        self,
        info: Info,
        from_currency: Annotated[
            str, strawberry.argument(description="The currency converted from (ISO 4217 code).")
        ],
        to_currency: Annotated[
            str, strawberry.argument(description="The currency converted to (ISO 4217 code).")
        ],
        date: Annotated[
            dt.date,
            strawberry.argument(description="The transaction date the rate must be valid on."),
        ],
    ) -> Decimal:
        return await resolvers.rate_on(info.context, from_currency, to_currency, date)


@strawberry.type
class RatesMutation:
    @strawberry.mutation(description="Accountant: a rate of a currency pair from a date.")
    async def create_exchange_rate(
        self,
        info: Info,
        input: Annotated[
            CreateExchangeRateInput,
            strawberry.argument(
                description="The currency pair, rate and first date of the new rate."
            ),
        ],
    ) -> ExchangeRatePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.create_exchange_rate(info.context, data)
        )
        return ExchangeRatePayload(
            exchange_rate=ExchangeRate.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(description="Accountant: correct a rate or its date.")
    async def update_exchange_rate(
        self,
        info: Info,
        input: Annotated[
            UpdateExchangeRateInput,
            strawberry.argument(description="The rate and the fields to correct."),
        ],
    ) -> ExchangeRatePayload:
        outcome = await decoded(
            input.to_domain, lambda data: resolvers.update_exchange_rate(info.context, data)
        )
        return ExchangeRatePayload(
            exchange_rate=ExchangeRate.from_row(outcome.value) if outcome.value else None,
            errors=errors_of(outcome),
        )

    @strawberry.mutation(description="Accountant: remove a rate.")
    async def delete_exchange_rate(
        self, info: Info, input: DeleteExchangeRateArgument
    ) -> DeleteExchangeRatePayload:
        outcome = await decoded(
            lambda: decode_id(input.id, "ExchangeRate"),
            lambda pk: resolvers.delete_exchange_rate(info.context, pk),
        )
        return DeleteExchangeRatePayload(
            deleted_id=input.id if outcome.value is not None else None,
            errors=errors_of(outcome),
        )
