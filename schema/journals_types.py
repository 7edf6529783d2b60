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
from db.models.parameters import LineProperty, PeriodUnit
from resolvers import journals as resolvers
from resolvers import ledger_subledger
from resolvers.context import Info
from schema.master_data import LegalEntity
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node, related
from schema.projects_totals import described_enum
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

JournalStatus = described_enum(
    models.JournalStatus,
    "JournalStatus",
    "Where an integration journal header is (J6).",
    {
        "DRAFT": "Open: new lines may join it (J2) and it may be posted.",
        "PROCESSING": "Being posted now; no new lines join it.",
        "POSTED": "Posted: its lines are in the ledger. Final.",
        "ERROR": "Holds lines that failed posting (J5); `updateJournalToDraft` retries them.",
    },
)
JournalLineStatus = described_enum(
    models.LineStatus,
    "JournalLineStatus",
    "Where a journal line is on its way to the ledger (J6).",
    {
        "DRAFT": "Waiting to be posted; the tax groups and dimensions may still change (J4).",
        "PROCESSING": "Claimed by a posting now; may be reset to Draft after 24 hours, or "
        "earlier by an admin (`resetProcessingJournalLine`).",
        "POSTED": "Posted: it has its subledger transaction and voucher (J7). Final.",
        "ERROR": "Posting failed (see `errorText`); never retried until updated to Draft.",
        "UNRECOVERABLE": "Posting failed in a way a retry cannot fix (see `errorText`).",
        "INVALID_ACTUALS": "Its actual is gone or inconsistent, so it cannot be posted.",
    },
)


@strawberry.type(description="A share of a line for one financial dimension value (J4).")
class DimensionShare:
    dimension: str = strawberry.field(
        description="Code of the financial dimension, e.g. Department."
    )
    value: str = strawberry.field(description="Code of the dimension's value, e.g. SALES.")
    share_percent: Decimal = strawberry.field(
        description="Share of the line's amount, in percent (0 to 100); a line's shares of "
        "one dimension sum to 100."
    )


@strawberry.type(description="An integration journal header (J2, J6).")
class Journal(Node):
    number: str = strawberry.field(
        description="Number from the legal entity's journal number sequence, unique in the "
        "legal entity."
    )
    status: JournalStatus = strawberry.field(  # type: ignore[valid-type]
        description="Where the journal is: Draft, Processing, Posted or Error (J6)."
    )
    period_unit: PeriodUnit = strawberry.field(
        description="How the journal's lines are grouped into periods (J2)."
    )
    period_start: dt.date | None = strawberry.field(
        description="First day of the period its lines' dates fall in (day, month or year, "
        "J2); null when the period unit is ALL."
    )
    line_count: int = strawberry.field(
        description="How many lines the journal holds (at most the legal entity's lines per "
        "journal, M7)."
    )
    processing_since: dt.datetime | None = strawberry.field(
        description="When posting started (ISO 8601 date-time, UTC); null unless Processing."
    )
    posted_at: dt.datetime | None = strawberry.field(
        description="When the journal was posted (ISO 8601 date-time, UTC); null until Posted."
    )
    created_at: dt.datetime = strawberry.field(
        description="When the journal was opened (ISO 8601 date-time, UTC)."
    )
    legal_entity_pk: strawberry.Private[int]
    original_journal_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Journal) -> Journal:
        return cls(
            pk=row.id,
            number=row.number,
            status=models.JournalStatus(row.status),
            period_unit=PeriodUnit(row.period_unit),
            period_start=row.period_start,
            line_count=row.line_count,
            processing_since=row.processing_since,
            posted_at=row.posted_at,
            created_at=row.created_at,
            legal_entity_pk=row.legal_entity_id,
            original_journal_pk=row.original_journal_id,
        )

    @strawberry.field(description="The legal entity whose actuals the journal carries.")
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.legal_entity_pk, LegalEntity.from_row
        )

    @strawberry.field(description="The journal whose failing lines were moved here (J5).")
    async def original_journal(self, info: Info) -> Journal | None:
        return await related(info, models.Journal, self.original_journal_pk, Journal.from_row)

    @strawberry.field(description="The journal's lines, in the order they joined it.")
    async def lines(self, info: Info, first: NestedFirst = ALL) -> list[JournalLine]:
        rows = await resolvers.lines_of(info.context, self.pk, nested_first(first))
        return [JournalLine.from_row(row) for row in rows]


@strawberry.type(description="One actual on its way to the ledger (J3-J6).")
class JournalLine(Node):
    status: JournalLineStatus = strawberry.field(  # type: ignore[valid-type]
        description="Where the line is on its way to the ledger (J6)."
    )
    date: dt.date = strawberry.field(
        description="The actual's transaction date (ISO 8601 date, J3)."
    )
    accounting_date: dt.date = strawberry.field(
        description="The date the line posts on: its date, or the first day of the next "
        "Open period when the parameter moves it there (J3)."
    )
    voucher_number: str = strawberry.field(
        description="The voucher number posting will use, from the legal entity's voucher "
        "sequence; unique, never reused (J3)."
    )
    exchange_rate: Decimal = strawberry.field(
        description="Rate from the actual's currency to the accounting currency, valid on "
        "the transaction date (M6); 1 when they are the same."
    )
    line_property: LineProperty | None = strawberry.field(
        description="From the line property map of the project's billing type (J3)."
    )
    billing_sales_tax_group: str | None = strawberry.field(
        description="Sales tax group for billing; editable while Draft (J4); null when not set."
    )
    billing_item_sales_tax_group: str | None = strawberry.field(
        description="Item sales tax group for billing; editable while Draft (J4); null when "
        "not set."
    )
    error_text: str | None = strawberry.field(
        description="Why posting failed (e.g. the period is not open); null unless the "
        "status is ERROR, UNRECOVERABLE or INVALID_ACTUALS."
    )
    processing_since: dt.datetime | None = strawberry.field(
        description="When the line entered Processing (ISO 8601 date-time, UTC); after 24 "
        "hours it may be reset to Draft (J6); null unless Processing."
    )
    posted_at: dt.datetime | None = strawberry.field(
        description="When the line was posted (ISO 8601 date-time, UTC); null until Posted."
    )
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

    @strawberry.field(description="The journal header the line belongs to.")
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
