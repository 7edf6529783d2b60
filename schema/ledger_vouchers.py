"""GraphQL types of a posted voucher and its lines (L1-L3), shared by every flow that posts:
expense reports (E4), the integration journal (J5), vendor invoices later."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from db.models import ledger as models
from resolvers.context import Info
from schema.node import register_node
from schema.relay import Node, encode_id


@strawberry.type(description="A debit or a credit in accounting currency (L2: never both).")
class VoucherLine:
    account_id: strawberry.ID
    debit: Decimal
    credit: Decimal
    currency_code: str
    amount_currency: Decimal = strawberry.field(
        description="The source amount in `currencyCode`: positive for a debit, negative for a "
        "credit."
    )
    exchange_rate: Decimal
    description: str

    @classmethod
    def from_row(cls, row: models.VoucherLine) -> VoucherLine:
        return cls(
            account_id=encode_id("Account", row.account_id),
            debit=row.debit,
            credit=row.credit,
            currency_code=row.currency_code,
            amount_currency=row.amount_currency,
            exchange_rate=row.exchange_rate,
            description=row.description,
        )


@strawberry.type(description="A balanced, immutable ledger voucher (L1, L3).")
class Voucher(Node):
    number: str
    accounting_date: dt.date
    source_type: str
    description: str
    posted_at: dt.datetime

    @classmethod
    def from_row(cls, row: models.Voucher) -> Voucher:
        return cls(
            pk=row.id,
            number=row.number,
            accounting_date=row.accounting_date,
            source_type=row.source_type,
            description=row.description,
            posted_at=row.posted_at,
        )

    @strawberry.field(description="In the order they were posted.")
    async def lines(self, info: Info) -> list[VoucherLine]:
        rows = await info.context.loaders.children(models.VoucherLine, "voucher_id").load(self.pk)
        return [VoucherLine.from_row(row) for row in rows]


register_node("Voucher", models.Voucher, Voucher.from_row)
