"""GraphQL object types of expense reports, their lines and approvals (E1-E5).

Every nested field loads through `info.context.loaders`, so the statement count of a page of
reports depends on the shape of the query, never on how many reports or lines it holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import strawberry

from db.models import categories as category_models
from db.models import expenses as models
from db.models import ledger as ledger_models
from db.models import master_data as master_models
from resolvers import actuals as actual_resolvers
from resolvers.context import Info
from schema.actuals import Actual
from schema.categories_types import ExpenseCategory
from schema.ledger_vouchers import Voucher
from schema.master_data import LegalEntity
from schema.nested_lists import ALL, NestedFirst, nested_first
from schema.node import register_node, related
from schema.projects_types import Project, Task, User
from schema.relay import Node
from schema.units import Unit

ExpenseReportStatus = strawberry.enum(models.ReportStatus, name="ExpenseReportStatus")
ExpenseLineApproval = strawberry.enum(models.LineApproval, name="ExpenseLineApproval")


@strawberry.type(description="An amount with its currency.")
class CurrencyAmount:
    currency_code: str
    amount: Decimal


async def _user(info: Info, user_id: int) -> User | None:
    return await related(info, master_models.AppUser, user_id, User.from_row)


@strawberry.type(description="Who decided what, when and why (E2).")
class ExpenseApproval:
    decision: str = strawberry.field(description="approved, rejected or returned.")
    reason: str | None
    decided_at: dt.datetime
    line_number: int | None = strawberry.field(description="Null for the whole report.")
    user_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.ExpenseApproval, line_number: int | None) -> ExpenseApproval:
        return cls(
            decision=row.decision,
            reason=row.reason,
            decided_at=row.decided_at,
            line_number=line_number,
            user_pk=row.user_id,
        )

    @strawberry.field
    async def user(self, info: Info) -> User | None:
        return await _user(info, self.user_pk)


@strawberry.type(description="One expense (E3); `amount` is net of sales tax.")
class ExpenseLine(Node):
    line_number: int
    date: dt.date
    quantity: Decimal
    unit_price: Decimal | None
    amount: Decimal
    currency_code: str
    sales_tax: Decimal
    non_recoverable_tax: Decimal
    merchant: str
    description: str
    chargeable: bool
    approval_status: ExpenseLineApproval  # type: ignore[valid-type]
    row: strawberry.Private[models.ExpenseLine]

    @classmethod
    def from_row(cls, row: models.ExpenseLine) -> ExpenseLine:
        return cls(
            pk=row.id,
            line_number=row.line_number,
            date=row.date,
            quantity=row.quantity,
            unit_price=row.unit_price,
            amount=row.amount,
            currency_code=row.currency_code,
            sales_tax=row.sales_tax,
            non_recoverable_tax=row.non_recoverable_tax,
            merchant=row.merchant,
            description=row.description,
            chargeable=row.chargeable,
            approval_status=models.LineApproval(row.approval_status),
            row=row,
        )

    @strawberry.field(description="Net amount plus sales tax.")
    def total(self) -> Decimal:
        return self.amount + self.sales_tax

    @strawberry.field
    async def category(self, info: Info) -> ExpenseCategory | None:
        return await related(
            info,
            category_models.ExpenseCategory,
            self.row.expense_category_id,
            ExpenseCategory.from_row,
        )

    @strawberry.field(description="The unit the quantity is in (M3); null without units.")
    async def unit(self, info: Info) -> Unit | None:
        return await related(info, master_models.Unit, self.row.unit_id, Unit.from_row)

    @strawberry.field
    async def project(self, info: Info) -> Project | None:
        return await related(info, master_models.Project, self.row.project_id, Project.from_row)

    @strawberry.field
    async def task(self, info: Info) -> Task | None:
        return await related(info, master_models.Task, self.row.task_id, Task.from_row)

    @strawberry.field(description="The actuals made from this line once posted (E5).")
    async def actuals(self, info: Info, first: NestedFirst = ALL) -> list[Actual]:
        rows = await actual_resolvers.actuals_of_expense_line(
            info.context, self.pk, nested_first(first)
        )
        return [Actual.from_row(row) for row in rows]


@strawberry.type(description="An employee's expense report (E1).")
class ExpenseReport(Node):
    number: str
    currency_code: str
    description: str
    status: ExpenseReportStatus  # type: ignore[valid-type]
    rejection_reason: str | None
    submitted_at: dt.datetime | None
    posted_at: dt.datetime | None
    accounting_date: dt.date | None
    created_at: dt.datetime
    row: strawberry.Private[models.ExpenseReport]

    @classmethod
    def from_row(cls, row: models.ExpenseReport) -> ExpenseReport:
        return cls(
            pk=row.id,
            number=row.number,
            currency_code=row.currency_code,
            description=row.description,
            status=models.ReportStatus(row.status),
            rejection_reason=row.rejection_reason,
            submitted_at=row.submitted_at,
            posted_at=row.posted_at,
            accounting_date=row.accounting_date,
            created_at=row.created_at,
            row=row,
        )

    async def _lines(self, info: Info) -> list[models.ExpenseLine]:
        loader = info.context.loaders.children(models.ExpenseLine, "report_id", "line_number")
        return await loader.load(self.pk)

    @strawberry.field
    async def legal_entity(self, info: Info) -> LegalEntity | None:
        return await related(
            info, master_models.LegalEntity, self.row.legal_entity_id, LegalEntity.from_row
        )

    @strawberry.field
    async def employee(self, info: Info) -> User | None:
        return await _user(info, self.row.employee_user_id)

    @strawberry.field(description="In line number order.")
    async def lines(self, info: Info, first: NestedFirst = ALL) -> list[ExpenseLine]:
        loader = info.context.loaders.children(
            models.ExpenseLine, "report_id", "line_number", nested_first(first)
        )
        return [ExpenseLine.from_row(row) for row in await loader.load(self.pk)]

    @strawberry.field(description="Net + sales tax of the lines, per line currency.")
    async def totals(self, info: Info) -> list[CurrencyAmount]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for line in await self._lines(info):
            sums[line.currency_code] += line.amount + line.sales_tax
        return [CurrencyAmount(currency_code=code, amount=sums[code]) for code in sorted(sums)]

    @strawberry.field(description="Every decision, oldest first.")
    async def approvals(self, info: Info, first: NestedFirst = ALL) -> list[ExpenseApproval]:
        loader = info.context.loaders.children(
            models.ExpenseApproval, "report_id", first=nested_first(first)
        )
        numbers = {line.id: line.line_number for line in await self._lines(info)}
        return [
            ExpenseApproval.from_row(row, numbers.get(row.line_id) if row.line_id else None)
            for row in await loader.load(self.pk)
        ]

    @strawberry.field(description="The posting voucher (E4); null until posted.")
    async def voucher(self, info: Info) -> Voucher | None:
        loader = info.context.loaders.children(ledger_models.Voucher, "expense_report_id")
        rows = await loader.load(self.pk)
        return Voucher.from_row(rows[0]) if rows else None


register_node("ExpenseReport", models.ExpenseReport, ExpenseReport.from_row)
register_node("ExpenseLine", models.ExpenseLine, ExpenseLine.from_row)
