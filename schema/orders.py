"""What each connection may be ordered by (`orderBy: {field, direction}`, as GitHub's API does):
one declaration per connection, from which both read paths page and the schema's `XxxOrder`
inputs and `XxxOrderField` enums are made. Every order ends with the row's id, so rows with
equal values keep one order and keyset pages never skip or repeat a row."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol

import strawberry
from sqlalchemy import Date, DateTime, Integer, Numeric

from db.models import actuals, categories, dimensions, expenses, jobs, journals, ledger, prices
from db.models import master_data as master
from db.models import vendor_invoices as invoices
from resolvers.cursors import Key, Kind, Sort


@strawberry.enum(description="The direction of an `orderBy`.")
class OrderDirection(enum.Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest, earliest or first in A-Z first.")
    DESC = strawberry.enum_value("DESC", description="Largest, latest or last in A-Z first.")


class OrderBy(Protocol):
    """An `XxxOrder` input as a resolver receives it."""

    field: enum.Enum
    direction: OrderDirection


@dataclass(frozen=True)
class Ordering:
    type_name: str
    sorts: dict[str, Sort]
    default: tuple[str, bool]  # (field, descending) when no orderBy is given


def _kind(column: Any) -> Kind:
    kinds: list[tuple[type, Kind]] = [
        (DateTime, "datetime"),
        (Date, "date"),
        (Numeric, "decimal"),
        (Integer, "int"),
    ]
    return next((kind for base, kind in kinds if isinstance(column.type, base)), "text")


def key(column: Any, sql: str | None = None) -> Key:
    """A sort key of a column of the connection's own row (or `sql` over the row `{t}`)."""
    return Key(column, _kind(column), sql or f"{{t}}.{column.expression.name}")


def ordering(
    type_name: str,
    model: Any,
    fields: dict[str, tuple[str, tuple[Key, ...]]],
    default: tuple[str, bool] = ("ID", False),
) -> Ordering:
    """`fields`: orderBy field -> (description, keys before the id)."""
    by_id = key(model.id)
    sorts = {"ID": Sort("ID", (by_id,), "The id: the order in which the rows were created.")}
    for name, (description, keys) in fields.items():
        # The cursor writes the values between colons: only the last may be text.
        assert all(k.kind != "text" for k in keys[:-1]), name
        sorts[name] = Sort(name, (*keys, by_id), f"{description} Ties are in id order.")
    return Ordering(type_name, sorts, default)


CREATED = "When it was created."
CODE, NAME, NUMBER = "The code (A-Z).", "The name (A-Z).", "The number (A-Z)."
ACCOUNTING = "The accounting date."
_voucher_date = "(SELECT o__.accounting_date FROM voucher o__ WHERE o__.id = {t}.voucher_id)"

_ORDERINGS = [
    ordering(
        "ExpenseReport",
        expenses.ExpenseReport,
        {
            "NUMBER": (NUMBER, (key(expenses.ExpenseReport.number),)),
            "CREATED_AT": (CREATED, (key(expenses.ExpenseReport.created_at),)),
        },
    ),
    ordering(
        "Actual",
        actuals.Actual,
        {
            "TRANSACTION_DATE": ("The transaction date.", (key(actuals.Actual.transaction_date),)),
            "AMOUNT": ("The amount.", (key(actuals.Actual.amount),)),
            "CREATED_AT": (CREATED, (key(actuals.Actual.created_at),)),
        },
    ),
    ordering(
        "Journal",
        journals.Journal,
        {
            "NUMBER": (NUMBER, (key(journals.Journal.number),)),
            "CREATED_AT": (CREATED, (key(journals.Journal.created_at),)),
        },
    ),
    ordering("LegalEntity", master.LegalEntity, {"CODE": (CODE, (key(master.LegalEntity.code),))}),
    ordering("Account", master.Account, {"NUMBER": (NUMBER, (key(master.Account.number),))}),
    ordering(
        "LedgerPeriod",
        ledger.LedgerPeriod,
        {"START_DATE": ("The first day.", (key(ledger.LedgerPeriod.start_date),))},
    ),
    ordering(
        "ExchangeRate",
        master.ExchangeRate,
        {"VALID_FROM": ("The first day it applies.", (key(master.ExchangeRate.valid_from),))},
    ),
    *(
        ordering(
            name,
            model,
            {"CODE": (CODE, (key(model.code),)), "NAME": (NAME, (key(model.name),))},
        )
        for name, model in list[tuple[str, Any]](
            [
                ("TransactionCategory", categories.TransactionCategory),
                ("ExpenseCategory", categories.ExpenseCategory),
                ("ProjectCategory", categories.ProjectCategory),
                ("Vendor", invoices.Vendor),
            ]
        )
    ),
    ordering(
        "Project",
        master.Project,
        {
            "CODE": (CODE, (key(master.Project.code),)),
            "NAME": (NAME, (key(master.Project.name),)),
            "CREATED_AT": (CREATED, (key(master.Project.created_at),)),
        },
    ),
    ordering(
        "User",
        master.AppUser,
        {
            "NAME": (NAME, (key(master.AppUser.name),)),
            "CREATED_AT": (CREATED, (key(master.AppUser.created_at),)),
        },
    ),
    ordering("UnitGroup", master.UnitGroup, {"CODE": (CODE, (key(master.UnitGroup.code),))}),
    ordering(
        "PriceList",
        prices.PriceList,
        {
            "NAME": (NAME, (key(prices.PriceList.name),)),
            "VALID_FROM": ("The first day it applies.", (key(prices.PriceList.valid_from),)),
        },
    ),
    ordering(
        "JobRun",
        jobs.JobRun,
        {"CREATED_AT": ("When the run was queued.", (key(jobs.JobRun.created_at),))},
        default=("CREATED_AT", True),
    ),
    ordering(
        "Subcontract",
        invoices.Subcontract,
        {"NUMBER": (NUMBER, (key(invoices.Subcontract.number),))},
    ),
    ordering(
        "VendorInvoice",
        invoices.VendorInvoice,
        {
            "NUMBER": (NUMBER, (key(invoices.VendorInvoice.number),)),
            "INVOICE_DATE": ("The invoice date.", (key(invoices.VendorInvoice.invoice_date),)),
            "TOTAL": ("The total with tax.", (key(invoices.VendorInvoice.total),)),
            "CREATED_AT": (CREATED, (key(invoices.VendorInvoice.created_at),)),
        },
    ),
    ordering(
        "FinancialDimension",
        dimensions.FinancialDimension,
        {"CODE": (CODE, (key(dimensions.FinancialDimension.code),))},
    ),
    ordering(
        "Voucher",
        ledger.Voucher,
        {
            "NUMBER": (NUMBER, (key(ledger.Voucher.number),)),
            "ACCOUNTING_DATE": (ACCOUNTING, (key(ledger.Voucher.accounting_date),)),
        },
    ),
    ordering(
        "VoucherLine",
        ledger.VoucherLine,
        {
            "ACCOUNTING_DATE": (
                "The voucher's accounting date, then the voucher (an account statement).",
                (
                    key(ledger.Voucher.accounting_date, _voucher_date),
                    key(ledger.VoucherLine.voucher_id),
                ),
            )
        },
        default=("ACCOUNTING_DATE", False),
    ),
    ordering(
        "ProjectTransaction",
        ledger.SubledgerTransaction,
        {
            "ACCOUNTING_DATE": (ACCOUNTING, (key(ledger.SubledgerTransaction.accounting_date),)),
            "AMOUNT": ("The amount.", (key(ledger.SubledgerTransaction.amount),)),
        },
    ),
]
ORDERINGS = {declared.type_name: declared for declared in _ORDERINGS}


def _order_input(declared: Ordering) -> Any:
    """The `XxxOrder` input of a connection, with its `XxxOrderField` enum."""
    name = declared.type_name
    values = {
        field: strawberry.enum_value(field, description=sort.description)
        for field, sort in declared.sorts.items()
    }
    members: Any = enum.Enum(f"{name}OrderField", values)  # type: ignore[misc]
    fields = strawberry.enum(members, description=f"What `{name}` rows may be ordered by.")
    body = {
        "__annotations__": {"field": fields, "direction": OrderDirection},
        "field": strawberry.field(description="The value to order by."),
        "direction": strawberry.field(description="Ascending or descending."),
    }
    default, descending = declared.default
    return strawberry.input(
        type(f"{name}Order", (), body),
        description=f"An order of `{name}` rows (without one: {default}"
        f" {'descending' if descending else 'ascending'}).",
    )


ORDER_INPUTS = {name: _order_input(declared) for name, declared in ORDERINGS.items()}


def order_argument(type_name: str) -> Any:
    """The `orderBy` argument of the connection of `type_name` rows (annotated `OrderBy`)."""
    return strawberry.argument(
        description="The order of the rows; cursors are of one order (another's is refused).",
        graphql_type=ORDER_INPUTS[type_name] | None,
    )
