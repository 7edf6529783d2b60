"""The project subledger (J5) through the API: `ProjectTransaction` and `projectTransactions`.

The compiled path answers the same fields in compiler/ledger_subledger.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry

from db.models import actuals as actual_models
from db.models import journals as journal_models
from db.models import ledger as models
from db.models import master_data as master_models
from domain.subledger import TransactionStatus
from resolvers import ledger_subledger as resolvers
from resolvers.context import Info
from resolvers.money import in_accounting_currency, in_currency
from schema.actuals import Actual, ActualType
from schema.journals_types import JournalLine
from schema.ledger_vouchers import Voucher
from schema.money import IN_ACCOUNTING, IN_CURRENCY
from schema.node import register_node, related
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.projects_totals import described_enum
from schema.projects_types import Project
from schema.relay import Connection, Node, decode_id

described_enum(
    TransactionStatus,
    "ProjectTransactionStatus",
    "Where a posted transaction stands, from its actual (A1).",
    {
        "POSTED": "Posted, and its actual stands.",
        "REVERSED": "Its actual was reversed later (adjustment status Adjusted).",
        "REVERSAL": "Its actual reverses another one.",
    },
)


@strawberry.type(
    description="A line of a project's subledger: what posting one journal line recorded of "
    "its actual, in transaction and accounting currency (J5, L3: immutable)."
)
class ProjectTransaction(Node):
    transaction_type: ActualType = strawberry.field(  # type: ignore[valid-type]
        description="Cost or unbilled sales, as its actual."
    )
    accounting_date: dt.date = strawberry.field(
        description="The date it is booked on: its journal line's accounting date (J3)."
    )
    quantity: Decimal = strawberry.field(description="The actual's quantity.")
    currency_code: str = strawberry.field(description="The transaction currency.")
    row: strawberry.Private[models.SubledgerTransaction]

    @classmethod
    def from_row(cls, row: models.SubledgerTransaction) -> ProjectTransaction:
        return cls(
            pk=row.id,
            transaction_type=actual_models.ActualType(row.transaction_type),
            accounting_date=row.accounting_date,
            quantity=row.quantity,
            currency_code=row.currency_code,
            row=row,
        )

    @strawberry.field(description=f"The actual's amount. {IN_CURRENCY}")
    async def amount(self, info: Info) -> Decimal:
        return await in_currency(info.context, self.row.amount, self.currency_code)

    @strawberry.field(description=f"The amount as posted. {IN_ACCOUNTING}")
    async def amount_accounting(self, info: Info) -> Decimal:
        row = self.row
        amount, entity = row.amount_accounting, row.legal_entity_id
        return await in_accounting_currency(info.context, amount, entity)

    @strawberry.field(description="Posted, reversed since, or a reversal (A1).")
    async def status(self, info: Info) -> TransactionStatus:
        return await resolvers.status_of(info.context, self.row.actual_id)

    @strawberry.field(description="The actual it records.")
    async def actual(self, info: Info) -> Actual | None:
        return await related(info, actual_models.Actual, self.row.actual_id, Actual.from_row)

    @strawberry.field(description="The voucher posted with it; null for a zero amount (L2).")
    async def voucher(self, info: Info) -> Voucher | None:
        return await related(info, models.Voucher, self.row.voucher_id, Voucher.from_row)

    @strawberry.field(description="The journal line whose posting recorded it.")
    async def journal_line(self, info: Info) -> JournalLine | None:
        line_id = self.row.journal_line_id
        return await related(info, journal_models.JournalLine, line_id, JournalLine.from_row)

    @strawberry.field(description="The project it belongs to.")
    async def project(self, info: Info) -> Project | None:
        return await related(info, master_models.Project, self.row.project_id, Project.from_row)


register_node("ProjectTransaction", models.SubledgerTransaction, ProjectTransaction.from_row)


@strawberry.input(description="Every filter is optional; together they narrow the list.")
class ProjectTransactionFilter:
    legal_entity: str | None = strawberry.field(
        default=None, description="Only transactions of the legal entity with this code."
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only transactions of this project."
    )
    transaction_type: ActualType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only cost or only unbilled sales."
    )
    status: TransactionStatus | None = strawberry.field(
        default=None, description="Only transactions in this status."
    )
    from_date: dt.date | None = strawberry.field(
        default=None, description="Accounting date on or after."
    )
    to_date: dt.date | None = strawberry.field(
        default=None, description="Accounting date on or before."
    )

    def to_resolver(self) -> resolvers.TransactionFilter:
        project = self.project_id
        return resolvers.TransactionFilter(
            legal_entity=self.legal_entity,
            project_id=decode_id(project, "Project", "projectId") if project else None,
            transaction_type=self.transaction_type.value if self.transaction_type else None,
            status=self.status,
            from_date=self.from_date,
            to_date=self.to_date,
        )


@strawberry.type
class ProjectSubledgerQuery:
    @strawberry.field(
        description="The project subledger of your legal entities, in the order it was posted."
    )
    async def project_transactions(
        self,
        info: Info,
        filter: Annotated[
            ProjectTransactionFilter | None,
            strawberry.argument(description="Narrows the list; none lists every row of yours."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("ProjectTransaction")] = None,
    ) -> Connection[ProjectTransaction]:
        where = (filter or ProjectTransactionFilter()).to_resolver()
        page = await resolvers.transactions_page(
            info.context,
            where,
            window=window("ProjectTransaction", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(ProjectTransaction.from_row))
