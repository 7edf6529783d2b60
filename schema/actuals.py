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
from resolvers.mutations import Outcome
from schema.categories_types import TransactionClass
from schema.errors import UserError
from schema.idempotency import IDEMPOTENCY_KEY, idempotency_of
from schema.journals_types import JournalLine
from schema.mutations import decoded, errors_of
from schema.node import register_node, related
from schema.pages import after_key, to_connection
from schema.projects_types import Project, Task
from schema.relay import Connection, Node, decode_id

if TYPE_CHECKING:
    from schema.expenses_types import ExpenseLine, ExpenseReport
    from schema.vendor_invoices_types import VendorInvoiceLine

ActualType = strawberry.enum(models.ActualType, name="ActualType")
AdjustmentStatus = strawberry.enum(models.AdjustmentStatus, name="AdjustmentStatus")
ActualSource = strawberry.enum(models.ActualSource, name="ActualSource")

LazyLine = Annotated["ExpenseLine", strawberry.lazy("schema.expenses_types")]
LazyReport = Annotated["ExpenseReport", strawberry.lazy("schema.expenses_types")]
LazyInvoiceLine = Annotated["VendorInvoiceLine", strawberry.lazy("schema.vendor_invoices_types")]


@strawberry.type(description="An immutable cost or unbilled sales transaction of a project.")
class Actual(Node):
    actual_type: ActualType  # type: ignore[valid-type]
    transaction_class: TransactionClass  # type: ignore[valid-type]
    source_type: ActualSource  # type: ignore[valid-type]
    transaction_date: dt.date
    quantity: Decimal
    currency_code: str
    unit_amount: Decimal
    amount: Decimal
    adjustment_status: AdjustmentStatus  # type: ignore[valid-type]
    pricing_warning: str | None = strawberry.field(
        description="Why the price is 0 or missing (M4); null when priced normally."
    )
    description: str
    created_at: dt.datetime
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
            unit_amount=row.unit_amount,
            amount=row.amount,
            adjustment_status=models.AdjustmentStatus(row.adjustment_status),
            pricing_warning=row.pricing_warning,
            description=row.description,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field
    async def project(self, info: Info) -> Project | None:
        return await related(info, master_models.Project, self.row.project_id, Project.from_row)

    @strawberry.field
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
    project_id: strawberry.ID | None = None
    transaction_class: TransactionClass | None = None  # type: ignore[valid-type]
    actual_type: ActualType | None = None  # type: ignore[valid-type]
    adjustment_status: AdjustmentStatus | None = None  # type: ignore[valid-type]
    from_date: dt.date | None = None
    to_date: dt.date | None = None
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
    actual: Actual | None = strawberry.field(description="The reversal.")
    errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[models.Actual]) -> ActualPayload:
        actual = Actual.from_row(outcome.value) if outcome.value else None
        return cls(actual=actual, errors=errors_of(outcome))


@strawberry.type
class ActualsQuery:
    @strawberry.field(description="Actuals of your legal entities, oldest first.")
    async def actuals(
        self,
        info: Info,
        filter: ActualFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Actual]:
        where = (filter or ActualFilter()).to_domain()
        page = await resolvers.actuals_page(
            info.context, where, first=first, after=after_key(after)
        )
        return to_connection(page.map(Actual.from_row))


@strawberry.type
class ActualsMutation:
    @strawberry.mutation(description="Accountant: reverse an actual (A1); never twice.")
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
