"""GraphQL types and root fields of project actuals (A1, A2, E5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.models import actuals as models
from db.models import master_data as master_models
from db.models import vendor_invoices as invoice_models
from db.models.categories import TransactionClass as TransactionClassModel
from domain import actuals as domain
from resolvers import actuals as resolvers
from resolvers.context import Info
from resolvers.money import in_currency
from resolvers.mutations import Outcome
from schema.categories_types import TransactionClass
from schema.errors import UserError
from schema.idempotency import IDEMPOTENCY_KEY, idempotency_of
from schema.journals_types import JournalLine
from schema.money import IN_CURRENCY, PER_UNIT
from schema.mutations import decoded, errors_of
from schema.node import register_node, related
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.projects_totals import described_enum
from schema.projects_types import Project, Task
from schema.relay import Connection, Node, decode_id

if TYPE_CHECKING:
    from schema.expenses_types import ExpenseLine, ExpenseReport
    from schema.vendor_invoices_types import VendorInvoiceLine

ActualType = described_enum(
    models.ActualType,
    "ActualType",
    "Whether an actual is a cost or a revenue the project may invoice (E5).",
    {
        "COST": "What the project spent (net amount + non-recoverable tax).",
        "UNBILLED_SALES": "What the customer may be invoiced for it, priced by the sales "
        "price list (time and material projects, chargeable lines).",
    },
)
AdjustmentStatus = described_enum(
    models.AdjustmentStatus,
    "AdjustmentStatus",
    "Whether an actual may still be corrected by a reversal (A1).",
    {
        "ADJUSTABLE": "Never reversed: `reverseActual` may reverse it.",
        "ADJUSTED": "Reversed already: its reversal is the actual whose `reverses` is this one.",
        "UNADJUSTABLE": "A reversal itself: it is never reversed.",
    },
)
ActualSource = described_enum(
    models.ActualSource,
    "ActualSource",
    "The kind of source document that created an actual.",
    {
        "EXPENSE": "An expense report line (`expenseLine`, `expenseReport`).",
        "VENDOR_INVOICE": "A vendor invoice line (`vendorInvoiceLine`).",
    },
)

LazyLine = Annotated["ExpenseLine", strawberry.lazy("schema.expenses_types")]
LazyReport = Annotated["ExpenseReport", strawberry.lazy("schema.expenses_types")]
LazyInvoiceLine = Annotated["VendorInvoiceLine", strawberry.lazy("schema.vendor_invoices_types")]


@strawberry.type(description="An immutable cost or unbilled sales transaction of a project.")
class Actual(Node):
    actual_type: ActualType = strawberry.field(  # type: ignore[valid-type]
        description="COST for what the project spent; UNBILLED_SALES for what it may "
        "invoice the customer (E5)."
    )
    transaction_class: TransactionClass = strawberry.field(  # type: ignore[valid-type]
        description="The kind of transaction: hour, expense, fee, item or on-account."
    )
    source_type: ActualSource = strawberry.field(  # type: ignore[valid-type]
        description="The kind of document that created the actual."
    )
    transaction_date: dt.date = strawberry.field(
        description="Date of the transaction (ISO 8601 date); the exchange rate is that of "
        "this date (M6)."
    )
    quantity: Decimal = strawberry.field(description="How many units; negative on a reversal (A1).")
    currency_code: str = strawberry.field(
        description="ISO 4217 code of the transaction currency, e.g. EUR."
    )
    adjustment_status: AdjustmentStatus = strawberry.field(  # type: ignore[valid-type]
        description="Whether the actual can still be reversed (A1)."
    )
    pricing_warning: str | None = strawberry.field(
        description="Why the price is 0 or missing (M4); null when priced normally."
    )
    description: str = strawberry.field(
        description="Free text copied from the source line; the one field that may change "
        "later (A1)."
    )
    created_at: dt.datetime = strawberry.field(
        description="When the actual was recorded (ISO 8601 date-time, UTC)."
    )
    row: strawberry.Private[models.Actual]

    @classmethod
    def from_row(cls, row: models.Actual) -> Actual:
        return cls(
            pk=row.id,
            actual_type=models.ActualType(row.actual_type),
            transaction_class=TransactionClassModel(row.transaction_class),
            source_type=models.ActualSource(row.source_type),
            transaction_date=row.transaction_date,
            quantity=row.quantity,
            currency_code=row.currency_code,
            adjustment_status=models.AdjustmentStatus(row.adjustment_status),
            pricing_warning=row.pricing_warning,
            description=row.description,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description=f"Price per unit. {PER_UNIT}")
    async def unit_amount(self, info: Info) -> Decimal:
        return await in_currency(info.context, self.row.unit_amount, self.currency_code)

    @strawberry.field(description=f"What the actual costs or sells for. {IN_CURRENCY}")
    async def amount(self, info: Info) -> Decimal:
        return await in_currency(info.context, self.row.amount, self.currency_code)

    @strawberry.field(description="The project charged; null only if you cannot see it.")
    async def project(self, info: Info) -> Project | None:
        return await related(info, master_models.Project, self.row.project_id, Project.from_row)

    @strawberry.field(
        description="The project task charged; null when the source line named no task."
    )
    async def task(self, info: Info) -> Task | None:
        return await related(info, master_models.Task, self.row.task_id, Task.from_row)

    @strawberry.field(description="The actual this one reverses (A1).")
    async def reverses(self, info: Info) -> Actual | None:
        return await related(info, models.Actual, self.row.reverses_actual_id, Actual.from_row)

    @strawberry.field(description="Source document: the expense line (expense actuals).")
    async def expense_line(self, info: Info) -> LazyLine | None:
        from schema.expenses_types import ExpenseLine

        if self.row.project_expense_id is None:
            return None
        row = await resolvers.expense_line_of(info.context, self.row.project_expense_id)
        return ExpenseLine.from_row(row) if row is not None else None

    @strawberry.field(description="Source document: the expense report (expense actuals).")
    async def expense_report(self, info: Info) -> LazyReport | None:
        from schema.expenses_types import ExpenseReport

        if self.row.project_expense_id is None:
            return None
        row = await resolvers.expense_report_of(info.context, self.row.project_expense_id)
        return ExpenseReport.from_row(row) if row is not None else None

    @strawberry.field(
        description="Source document: the vendor invoice line (vendor invoice actuals, V7)."
    )
    async def vendor_invoice_line(self, info: Info) -> LazyInvoiceLine | None:
        from schema.vendor_invoices_types import VendorInvoiceLine

        line_id = self.row.vendor_invoice_line_id
        return await related(
            info, invoice_models.VendorInvoiceLine, line_id, VendorInvoiceLine.from_row
        )

    @strawberry.field(description="Its live journal line; null while pending import (A2).")
    async def journal_line(self, info: Info) -> JournalLine | None:
        row = await resolvers.journal_line_of(info.context, self.pk)
        return JournalLine.from_row(row) if row is not None else None


register_node("Actual", models.Actual, Actual.from_row)


@strawberry.input(description="Every filter is optional; dates are transaction dates.")
class ActualFilter:
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global id of a Project: only its actuals."
    )
    transaction_class: TransactionClass | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only actuals of this transaction class."
    )
    actual_type: ActualType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only cost or only unbilled sales actuals."
    )
    adjustment_status: AdjustmentStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only actuals in this adjustment status (A1)."
    )
    from_date: dt.date | None = strawberry.field(
        default=None, description="Only transactions on or after this date (inclusive)."
    )
    to_date: dt.date | None = strawberry.field(
        default=None, description="Only transactions on or before this date (inclusive)."
    )
    pending_import: bool | None = strawberry.field(
        default=None, description="true: no journal line yet (A2); false: imported."
    )

    def to_domain(self) -> domain.ActualFilter:
        project = decode_id(self.project_id, "Project", "projectId") if self.project_id else None
        return domain.ActualFilter(
            project_id=project,
            transaction_class=self.transaction_class,
            actual_type=self.actual_type,
            adjustment_status=self.adjustment_status,
            from_date=self.from_date,
            to_date=self.to_date,
            pending_import=self.pending_import,
        )


@strawberry.input(description="The actual to reverse (A1).")
class ReverseActualInput:
    id: strawberry.ID = strawberry.field(description="The Actual, never reversed before.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The reversal; null when `errors` says why not.")
class ActualPayload:
    actual: Actual | None = strawberry.field(
        description="The new reversal (UNADJUSTABLE); null when `errors` says why not."
    )
    errors: list[UserError] = strawberry.field(
        description="Why nothing was reversed; empty on success."
    )

    @classmethod
    def of(cls, outcome: Outcome[models.Actual]) -> ActualPayload:
        actual = Actual.from_row(outcome.value) if outcome.value else None
        return cls(actual=actual, errors=errors_of(outcome))


@strawberry.type
class ActualsQuery:
    @strawberry.field(
        description="Actuals of your legal entities, oldest first unless `orderBy` says otherwise."
    )
    async def actuals(
        self,
        info: Info,
        filter: Annotated[
            ActualFilter | None,
            strawberry.argument(description="Narrows the list; omitted, every actual you can see."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("Actual")] = None,
    ) -> Connection[Actual]:
        where = (filter or ActualFilter()).to_domain()
        page = await resolvers.actuals_page(
            info.context,
            where,
            window=window("Actual", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(Actual.from_row))


@strawberry.type
class ActualsMutation:
    @strawberry.mutation(
        description="Accountant: reverse an actual (A1) by a copy with negated quantity and "
        "amounts; the original becomes ADJUSTED. ALREADY_REVERSED for one reversed before, "
        "INVALID_STATE for a reversal."
    )
    async def reverse_actual(
        self,
        info: Info,
        input: Annotated[
            ReverseActualInput, strawberry.argument(description="The actual, a key if wanted.")
        ],
    ) -> ActualPayload:
        outcome = await decoded(
            lambda: (decode_id(input.id, "Actual"), idempotency_of(info, input)),
            lambda args: resolvers.reverse_actual(info.context, *args),
        )
        return ActualPayload.of(outcome)
