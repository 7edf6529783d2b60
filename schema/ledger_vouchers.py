"""GraphQL types of a posted voucher and its lines (L1-L3), shared by every flow that posts:
expense reports (E4), the integration journal (J5), vendor invoices (V7, V8). A line shows what
its posting stored: project, tax groups and dimension distribution when it had them."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import strawberry

from db.models import ledger as models
from db.models import master_data as master_models
from resolvers.context import Info
from resolvers.money import in_accounting_currency, in_currency
from schema.master_data import LegalEntity
from schema.money import IN_ACCOUNTING, IN_CURRENCY
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node, related
from schema.parameters_accounts import Account
from schema.projects_types import Project
from schema.relay import Node

SOURCE = models.VoucherSource


@strawberry.enum(description="The document a voucher was posted for.")
class VoucherSourceType(enum.Enum):
    EXPENSE_REPORT = strawberry.enum_value(
        SOURCE.EXPENSE_REPORT.value, description="An expense report's posting (E4)."
    )
    VENDOR_INVOICE = strawberry.enum_value(
        SOURCE.VENDOR_INVOICE.value, description="A vendor invoice's confirmation (V7)."
    )
    JOURNAL_LINE = strawberry.enum_value(
        SOURCE.JOURNAL_LINE.value, description="An integration journal line's posting (J5)."
    )
    REVERSAL = strawberry.enum_value(
        SOURCE.REVERSAL.value,
        description="The mirror of another voucher (`reverses`): a correction, never an edit "
        "(L3, V8).",
    )


@strawberry.type(description="A share of a voucher line for one financial dimension value (J4).")
class VoucherLineDimension:
    dimension: str = strawberry.field(description="The dimension's code (Department, say).")
    value: str = strawberry.field(description="The dimension value the share is posted to.")
    share_percent: Decimal = strawberry.field(
        description="The share of the line, in percent; a line's shares sum to 100."
    )

    @classmethod
    def from_row(cls, row: models.VoucherLineDimension) -> VoucherLineDimension:
        return cls(dimension=row.dimension, value=row.value, share_percent=row.share_percent)


@strawberry.type(description="A debit or a credit in accounting currency (L2: never both).")
class VoucherLine(Node):
    account_pk: strawberry.Private[int]
    project_pk: strawberry.Private[int | None]
    voucher_pk: strawberry.Private[int]
    row: strawberry.Private[models.VoucherLine]
    currency_code: str = strawberry.field(description="The currency of `amountCurrency`.")
    exchange_rate: Decimal = strawberry.field(
        description="From `currencyCode` to accounting currency, of the source's date (M6)."
    )
    description: str = strawberry.field(description="What the line is for.")
    billing_sales_tax_group: str | None = strawberry.field(
        description="The journal line's billing sales tax group when posted from one (J4)."
    )
    billing_item_sales_tax_group: str | None = strawberry.field(
        description="The journal line's billing item sales tax group when posted from one (J4)."
    )

    @classmethod
    def from_row(cls, row: models.VoucherLine) -> VoucherLine:
        return cls(
            pk=row.id,
            account_pk=row.account_id,
            project_pk=row.project_id,
            voucher_pk=row.voucher_id,
            row=row,
            currency_code=row.currency_code,
            exchange_rate=row.exchange_rate,
            description=row.description,
            billing_sales_tax_group=row.billing_sales_tax_group,
            billing_item_sales_tax_group=row.billing_item_sales_tax_group,
        )

    @strawberry.field(description=f"0 on a credit line. {IN_ACCOUNTING}")
    async def debit(self, info: Info) -> Decimal:
        return await in_accounting_currency(info.context, self.row.debit, self.row.legal_entity_id)

    @strawberry.field(description=f"0 on a debit line. {IN_ACCOUNTING}")
    async def credit(self, info: Info) -> Decimal:
        return await in_accounting_currency(info.context, self.row.credit, self.row.legal_entity_id)

    @strawberry.field(
        description="The source amount: positive for a debit, negative for a credit. " + IN_CURRENCY
    )
    async def amount_currency(self, info: Info) -> Decimal:
        return await in_currency(info.context, self.row.amount_currency, self.currency_code)

    @strawberry.field(description="The ledger account debited or credited.")
    async def account(self, info: Info) -> Account | None:
        return await related(info, master_models.Account, self.account_pk, Account.from_row)

    @strawberry.field(description="The project the posting recorded the line for; null if none.")
    async def project(self, info: Info) -> Project | None:
        return await related(info, master_models.Project, self.project_pk, Project.from_row)

    @strawberry.field(description="The financial dimension distribution, in the order posted.")
    async def dimensions(self, info: Info, first: NestedFirst = ALL) -> list[VoucherLineDimension]:
        loader = info.context.loaders.children(
            models.VoucherLineDimension, "voucher_line_id", first=nested_first(first)
        )
        return [VoucherLineDimension.from_row(row) for row in await loader.load(self.pk)]

    @strawberry.field(description="The voucher the line belongs to.")
    async def voucher(self, info: Info) -> Voucher | None:
        return await related(info, models.Voucher, self.voucher_pk, Voucher.from_row)


@strawberry.type(description="A balanced, immutable ledger voucher (L1, L3).")
class Voucher(Node):
    legal_entity_pk: strawberry.Private[int]
    reverses_pk: strawberry.Private[int | None]
    number: str = strawberry.field(description="From the legal entity's voucher sequence.")
    accounting_date: dt.date = strawberry.field(
        description="The date the voucher counts in the ledger (its period, M5)."
    )
    source_type: VoucherSourceType = strawberry.field(description="What posted the voucher.")
    description: str = strawberry.field(description="What the voucher is for.")
    posted_at: dt.datetime = strawberry.field(description="When it was posted.")

    @classmethod
    def from_row(cls, row: models.Voucher) -> Voucher:
        return cls(
            pk=row.id,
            legal_entity_pk=row.legal_entity_id,
            reverses_pk=row.reverses_voucher_id,
            number=row.number,
            accounting_date=row.accounting_date,
            source_type=VoucherSourceType(row.source_type),
            description=row.description,
            posted_at=row.posted_at,
        )

    @strawberry.field(description="The legal entity whose books the voucher is in.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.legal_entity_pk, LegalEntity.from_row
        )

    @strawberry.field(description="The voucher this one reverses; null unless a reversal.")
    async def reverses(self, info: Info) -> Voucher | None:
        return await related(info, models.Voucher, self.reverses_pk, Voucher.from_row)

    @strawberry.field(description="In the order they were posted.")
    async def lines(self, info: Info, first: NestedFirst = ALL) -> list[VoucherLine]:
        loader = info.context.loaders.children(
            models.VoucherLine, "voucher_id", first=nested_first(first)
        )
        rows = await loader.load(self.pk)
        return [VoucherLine.from_row(row) for row in rows]


register_node("Voucher", models.Voucher, Voucher.from_row)
register_node("VoucherLine", models.VoucherLine, VoucherLine.from_row)
