"""GraphQL object types of the integration journal (J2-J6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

import schema.parameters_input  # noqa: F401  (makes LineProperty a GraphQL enum)
from db.models import actuals as actual_models
from db.models import categories as category_models
from db.models import journals as models
from db.models import master_data as master_models
from db.models.parameters import LineProperty
from resolvers import journals as resolvers
from resolvers import ledger_subledger
from resolvers.context import Info
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node, related
from schema.relay import Node

if TYPE_CHECKING:
    from schema.actuals import Actual
    from schema.categories_types import ProjectCategory
    from schema.ledger_vouchers import Voucher
    from schema.parameters_accounts import Account

LazyActual = Annotated["Actual", strawberry.lazy("schema.actuals")]
LazyVoucher = Annotated["Voucher", strawberry.lazy("schema.ledger_vouchers")]
LazyAccount = Annotated["Account", strawberry.lazy("schema.parameters_accounts")]
LazyCategory = Annotated["ProjectCategory", strawberry.lazy("schema.categories_types")]

JournalStatus = strawberry.enum(models.JournalStatus, name="JournalStatus")
JournalLineStatus = strawberry.enum(models.LineStatus, name="JournalLineStatus")


@strawberry.type(description="A share of a line for one financial dimension value (J4).")
class DimensionShare:
    dimension: str
    value: str
    share_percent: Decimal


@strawberry.type(description="An integration journal header (J2, J6).")
class Journal(Node):
    number: str
    status: JournalStatus  # type: ignore[valid-type]
    period_unit: str
    period_start: dt.date | None
    line_count: int
    processing_since: dt.datetime | None
    posted_at: dt.datetime | None
    created_at: dt.datetime
    legal_entity_pk: strawberry.Private[int]
    original_journal_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Journal) -> Journal:
        return cls(
            pk=row.id,
            number=row.number,
            status=models.JournalStatus(row.status),
            period_unit=row.period_unit,
            period_start=row.period_start,
            line_count=row.line_count,
            processing_since=row.processing_since,
            posted_at=row.posted_at,
            created_at=row.created_at,
            legal_entity_pk=row.legal_entity_id,
            original_journal_pk=row.original_journal_id,
        )

    @strawberry.field
    async def legal_entity(self, info: Info) -> str:
        return await resolvers.entity_code(info.context, self.legal_entity_pk)

    @strawberry.field(description="The journal whose failing lines were moved here (J5).")
    async def original_journal(self, info: Info) -> Journal | None:
        return await related(info, models.Journal, self.original_journal_pk, Journal.from_row)

    @strawberry.field
    async def lines(self, info: Info, first: NestedFirst = ALL) -> list[JournalLine]:
        rows = await resolvers.lines_of(info.context, self.pk, nested_first(first))
        return [JournalLine.from_row(row) for row in rows]


@strawberry.type(description="One actual on its way to the ledger (J3-J6).")
class JournalLine(Node):
    status: JournalLineStatus  # type: ignore[valid-type]
    date: dt.date
    accounting_date: dt.date
    voucher_number: str
    exchange_rate: Decimal
    line_property: LineProperty | None = strawberry.field(
        description="From the line property map of the project's billing type (J3)."
    )
    billing_sales_tax_group: str | None
    billing_item_sales_tax_group: str | None
    error_text: str | None
    processing_since: dt.datetime | None
    posted_at: dt.datetime | None
    journal_pk: strawberry.Private[int]
    actual_pk: strawberry.Private[int]
    project_category_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.JournalLine) -> JournalLine:
        return cls(
            pk=row.id,
            status=models.LineStatus(row.status),
            date=row.date,
            accounting_date=row.accounting_date,
            voucher_number=row.voucher_number,
            exchange_rate=row.exchange_rate,
            line_property=LineProperty(row.line_property) if row.line_property else None,
            billing_sales_tax_group=row.billing_sales_tax_group,
            billing_item_sales_tax_group=row.billing_item_sales_tax_group,
            error_text=row.error_text,
            processing_since=row.processing_since,
            posted_at=row.posted_at,
            journal_pk=row.journal_id,
            actual_pk=row.actual_id,
            project_category_pk=row.project_category_id,
        )

    @strawberry.field
    async def journal(self, info: Info) -> Journal | None:
        return await related(info, models.Journal, self.journal_pk, Journal.from_row)

    @strawberry.field(description="The actual this line posts, with its source document.")
    async def actual(self, info: Info) -> LazyActual | None:
        from schema.actuals import Actual

        return await related(info, actual_models.Actual, self.actual_pk, Actual.from_row)

    @strawberry.field(description="The voucher posted for this line (J7: at most one).")
    async def voucher(self, info: Info) -> LazyVoucher | None:
        from schema.ledger_vouchers import Voucher

        row = await resolvers.voucher_of_line(info.context, self.pk)
        return Voucher.from_row(row) if row is not None else None

    @strawberry.field(description="The legal entity's category for the actual's (J3).")
    async def project_category(self, info: Info) -> LazyCategory | None:
        from schema.categories_types import ProjectCategory

        pk = self.project_category_pk
        return await related(info, category_models.ProjectCategory, pk, ProjectCategory.from_row)

    @strawberry.field(
        description="What posting will write (J5): the actual's amount at this line's rate, "
        "rounded half-up to the accounting currency's decimals; null when the actual is gone."
    )
    async def amount_accounting(self, info: Info) -> Decimal | None:
        preview = await ledger_subledger.preview_of(info.context, self.pk)
        return preview.amount_accounting if preview is not None else None

    @strawberry.field(
        description="The account posting will debit, from the legal entity's parameters: "
        "project cost (cost) or WIP sales value (unbilled sales); null while not set (J5)."
    )
    async def debit_account(self, info: Info) -> LazyAccount | None:
        preview = await ledger_subledger.preview_of(info.context, self.pk)
        return await _account(info, preview.debit_account_id if preview else None)

    @strawberry.field(
        description="The account posting will credit, from the legal entity's parameters: the "
        "expense or procurement integration account (cost of an expense or a vendor invoice) "
        "or accrued revenue (unbilled sales); null while not set (J5)."
    )
    async def credit_account(self, info: Info) -> LazyAccount | None:
        preview = await ledger_subledger.preview_of(info.context, self.pk)
        return await _account(info, preview.credit_account_id if preview else None)

    @strawberry.field(description="Financial dimension distribution; empty when not set.")
    async def dimensions(self, info: Info, first: NestedFirst = ALL) -> list[DimensionShare]:
        rows = await resolvers.dimensions_of(info.context, self.pk, nested_first(first))
        return [
            DimensionShare(dimension=r.dimension, value=r.value, share_percent=r.share_percent)
            for r in rows
        ]


async def _account(info: Info, pk: int | None) -> Account | None:
    from schema.parameters_accounts import Account

    return await related(info, master_models.Account, pk, Account.from_row)


register_node("Journal", models.Journal, Journal.from_row)
register_node("JournalLine", models.JournalLine, JournalLine.from_row)
