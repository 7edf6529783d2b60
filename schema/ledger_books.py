"""Root query fields of the books (L1-L3, M1): `vouchers`, `generalLedgerEntries` (an account
statement) and `trialBalance`. The compiled path answers the same in compiler/ledger_books.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry

from db.models import master_data as master_models
from db.models.ledger import VoucherSource
from domain.money import shown
from resolvers import ledger_books as resolvers
from resolvers.context import Info
from resolvers.ledger_sums import TrialBalanceRow
from resolvers.money import decimals_of
from schema.ledger_vouchers import Voucher, VoucherLine, VoucherSourceType
from schema.node import related
from schema.orders import OrderBy, order_argument
from schema.pages import After, Before, First, Last, order_of, to_connection, window
from schema.parameters_accounts import Account
from schema.relay import Connection, decode_optional_id

FILTER = strawberry.argument(description="Narrows the list; none lists every row of yours.")
LEGAL_ENTITY = "Only the books of the legal entity with this code (any case)."
FROM_DATE = "Accounting date on or after."
TO_DATE = "Accounting date on or before."


@strawberry.input(description="Every filter is optional; together they narrow the vouchers.")
class VoucherFilter:
    legal_entity: str | None = strawberry.field(default=None, description=LEGAL_ENTITY)
    from_date: dt.date | None = strawberry.field(default=None, description=FROM_DATE)
    to_date: dt.date | None = strawberry.field(default=None, description=TO_DATE)
    number: str | None = strawberry.field(default=None, description="The voucher number, exactly.")
    source_type: VoucherSourceType | None = strawberry.field(
        default=None, description="Posted for this kind of document."
    )
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Vouchers with a line on this account."
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Vouchers with a line for this project (not necessarily the "
        "line on accountId)."
    )  # fmt: skip

    def to_resolver(self) -> resolvers.BooksFilter:
        return resolvers.BooksFilter(
            legal_entity=self.legal_entity,
            from_date=self.from_date,
            to_date=self.to_date,
            number=self.number,
            source_type=VoucherSource[self.source_type.name] if self.source_type else None,
            account_id=decode_optional_id(self.account_id, "Account", "accountId"),
            project_id=decode_optional_id(self.project_id, "Project", "projectId"),
        )


@strawberry.input(
    description="Every filter is optional; the voucher's fields (legal entity, dates, number, "
    "source) and the line's own (account, project) narrow the lines together."
)
class LedgerEntryFilter(VoucherFilter):
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="Lines on this account (its statement)."
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Lines for this project."
    )


@strawberry.type(
    description="Trial balance figures, in the legal entity's accounting currency and written "
    "with its decimals (`142.80`)."
)
class TrialBalanceTotals:
    opening_balance: Decimal = strawberry.field(
        description="Debits minus credits dated before fromDate."
    )
    debits: Decimal = strawberry.field(description="Debits dated from fromDate to toDate.")
    credits: Decimal = strawberry.field(description="Credits dated from fromDate to toDate.")
    closing_balance: Decimal = strawberry.field(
        description="Debits minus credits dated up to toDate: opening + debits - credits."
    )

    @classmethod
    def from_row(cls, row: TrialBalanceRow, decimals: int) -> TrialBalanceTotals:
        return cls(
            opening_balance=shown(row.opening_balance, decimals),
            debits=shown(row.debits, decimals),
            credits=shown(row.credits, decimals),
            closing_balance=shown(row.closing_balance, decimals),
        )


@strawberry.type(description="An account's figures in a trial balance, in accounting currency.")
class TrialBalanceLine(TrialBalanceTotals):
    account_pk: strawberry.Private[int | None] = None

    @classmethod
    def of_account(cls, row: TrialBalanceRow, decimals: int) -> TrialBalanceLine:
        return cls(
            account_pk=row.account_id,
            opening_balance=shown(row.opening_balance, decimals),
            debits=shown(row.debits, decimals),
            credits=shown(row.credits, decimals),
            closing_balance=shown(row.closing_balance, decimals),
        )

    @strawberry.field(description="The account the figures are of.")
    async def account(self, info: Info) -> Account | None:
        return await related(info, master_models.Account, self.account_pk, Account.from_row)


@strawberry.type(
    description="Per account, the balance before a date range, its movements and the balance at "
    "its end; balanced books total 0 opening and closing, and as many debits as credits (L1)."
)
class TrialBalance:
    currency_code: str = strawberry.field(description="The legal entity's accounting currency.")
    lines: list[TrialBalanceLine] = strawberry.field(
        description="Accounts with an opening balance or a movement, in account number order."
    )
    totals: TrialBalanceTotals = strawberry.field(
        description="The sums of every account's figures."
    )

    @classmethod
    def of(cls, result: resolvers.TrialBalance, decimals: int) -> TrialBalance:
        return cls(
            currency_code=result.currency_code,
            lines=[TrialBalanceLine.of_account(row, decimals) for row in result.lines],
            totals=TrialBalanceTotals.from_row(result.totals, decimals),
        )


@strawberry.type
class LedgerBooksQuery:
    @strawberry.field(description="Posted vouchers of your legal entities, oldest first.")
    async def vouchers(
        self,
        info: Info,
        filter: Annotated[VoucherFilter | None, FILTER] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("Voucher")] = None,
    ) -> Connection[Voucher]:
        where = (filter or VoucherFilter()).to_resolver()
        page = await resolvers.vouchers(
            info.context,
            where,
            window=window("Voucher", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(Voucher.from_row))

    @strawberry.field(
        description="Voucher lines of your legal entities as an account statement: by "
        "accounting date, then voucher, then line."
    )
    async def general_ledger_entries(
        self,
        info: Info,
        filter: Annotated[LedgerEntryFilter | None, FILTER] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: Annotated[OrderBy | None, order_argument("VoucherLine")] = None,
    ) -> Connection[VoucherLine]:
        where = (filter or LedgerEntryFilter()).to_resolver()
        page = await resolvers.general_ledger_entries(
            info.context,
            where,
            window=window("VoucherLine", first, after, last, before, order_of(order_by)),
        )
        return to_connection(page.map(VoucherLine.from_row))

    @strawberry.field(description="The trial balance of one of your legal entities (L1).")
    async def trial_balance(
        self,
        info: Info,
        legal_entity: Annotated[str, strawberry.argument(description="Its code (any case).")],
        from_date: Annotated[dt.date, strawberry.argument(description="First accounting date.")],
        to_date: Annotated[
            dt.date, strawberry.argument(description="Last accounting date, not before fromDate.")
        ],
    ) -> TrialBalance:
        result = await resolvers.trial_balance(info.context, legal_entity, from_date, to_date)
        return TrialBalance.of(result, await decimals_of(info.context, result.currency_code))
