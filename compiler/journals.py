"""SQL of integration journals, their lines and dimension shares (J2-J6)."""

from __future__ import annotations

from graphql import FieldNode

from compiler.catalog import (
    Builder,
    Children,
    Custom,
    Scalar,
    TableType,
    ToOne,
    object_by_id,
    register,
)
from compiler.sql import datetime, decimal, enum_name
from db.models import journals as models
from db.models.parameters import LineProperty, PeriodUnit
from domain.journals_preview import AMOUNT_ACCOUNTING, LINE_SOURCE, Side, account_id


def _previewed(expression: str, alias: str) -> str:
    """SQL: an expression of `journals_preview` over the line `alias`, as posting and the
    reference path's preview evaluate it."""
    return f"(SELECT {expression} FROM {LINE_SOURCE} WHERE jl.id = {alias}.id)"


def _amount_accounting(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    return decimal(_previewed(AMOUNT_ACCOUNTING, alias))


def _account(side: Side) -> Custom:
    def build(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
        return object_by_id(builder, "Account", _previewed(account_id(side), alias), nodes)

    return Custom(build)


register(
    TableType(
        "Journal",
        models.Journal,
        {
            "number": Scalar("{t}.number"),
            "status": Scalar(enum_name("{t}.status", models.JournalStatus)),
            "periodUnit": Scalar(enum_name("{t}.period_unit", PeriodUnit)),
            "periodStart": Scalar("{t}.period_start"),
            "lineCount": Scalar("{t}.line_count"),
            "processingSince": Scalar(datetime("{t}.processing_since")),
            "postedAt": Scalar(datetime("{t}.posted_at")),
            "createdAt": Scalar(datetime("{t}.created_at")),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "originalJournal": ToOne("Journal", "original_journal_id"),
            "lines": Children("JournalLine", "journal_id"),
        },
    ),
    TableType(
        "JournalLine",
        models.JournalLine,
        {
            "status": Scalar(enum_name("{t}.status", models.LineStatus)),
            "date": Scalar("{t}.date"),
            "accountingDate": Scalar("{t}.accounting_date"),
            "voucherNumber": Scalar("{t}.voucher_number"),
            "exchangeRate": Scalar(decimal("{t}.exchange_rate")),
            "lineProperty": Scalar(enum_name("{t}.line_property", LineProperty)),
            "billingSalesTaxGroup": Scalar("{t}.billing_sales_tax_group"),
            "billingItemSalesTaxGroup": Scalar("{t}.billing_item_sales_tax_group"),
            "errorText": Scalar("{t}.error_text"),
            "processingSince": Scalar(datetime("{t}.processing_since")),
            "postedAt": Scalar(datetime("{t}.posted_at")),
            "journal": ToOne("Journal", "journal_id"),
            "actual": ToOne("Actual", "actual_id"),
            "voucher": Children("Voucher", "journal_line_id", single=True),
            "dimensions": Children("DimensionShare", "journal_line_id"),
            "projectCategory": ToOne("ProjectCategory", "project_category_id"),
            "amountAccounting": Custom(_amount_accounting),
            "debitAccount": _account("debit"),
            "creditAccount": _account("credit"),
        },
    ),
    TableType(
        "DimensionShare",
        models.JournalLineDimension,
        {
            "dimension": Scalar("{t}.dimension"),
            "value": Scalar("{t}.value"),
            "sharePercent": Scalar(decimal("{t}.share_percent")),
        },
        node=False,
    ),
)
