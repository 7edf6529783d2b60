"""SQL of vendors, subcontracts, vendor invoices and their lines (V1-V9), field for field as
schema/vendor_invoices_parties.py and schema/vendor_invoices_types.py answer them."""

from __future__ import annotations

from typing import NamedTuple

from graphql import FieldNode

from compiler.catalog import Builder, Children, Custom, Scalar, TableType, ToOne, register
from compiler.sql import (
    datetime,
    decimal,
    enum_name,
    in_currency,
    money,
    parent_decimals,
    where,
)
from db.models import actuals as actual_models
from db.models import vendor_invoices as models
from domain.vendor_invoices_warnings import UNLINKED


def _warnings(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """`line_warnings`: the price warning when not null or empty, then UNLINKED when the line
    has neither task nor subcontract line. The text is a bind parameter, never inlined."""
    unlinked = builder.statement.param("vendor_invoices.unlinked", lambda b: UNLINKED, "text")
    linked = f"{alias}.task_id IS NOT NULL OR {alias}.subcontract_line_id IS NOT NULL"
    unlinked_or_null = f"CASE WHEN {linked} THEN NULL ELSE {unlinked} END"
    listed = f"ARRAY[nullif({alias}.price_warning, ''), {unlinked_or_null}]"
    return f"array_to_json(array_remove({listed}, NULL))"


class _Matched(NamedTuple):
    """FROM and WHERE of the visible actuals matched to a line, and the aliases in it."""

    source: str
    match: str
    actual: str


def _matched(builder: Builder, alias: str) -> _Matched:
    statement = builder.statement
    match, actual = statement.alias(), statement.alias()
    conditions = [f"{match}.invoice_line_id = {alias}.id", f"{actual}.id = {match}.actual_id"]
    conditions += statement.visible(models.VendorInvoiceLineMatch, match)
    conditions += statement.visible(actual_models.Actual, actual)
    source = f"FROM vendor_invoice_line_match {match}, actual {actual} WHERE {where(conditions)}"
    return _Matched(source, match, actual)


def _matched_actuals(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """In match id order, as the reference path loads them (an actual is matched once)."""
    matched = _matched(builder, alias)
    first = builder.first("VendorInvoiceLine", nodes)
    body = builder.object("Actual", matched.actual, nodes)
    limit = f" LIMIT {first}" if first is not None else ""
    rows = (
        f"(SELECT {matched.actual}.*, {matched.match}.id AS match__ {matched.source}"
        f" ORDER BY {matched.match}.id{limit}) {matched.actual}"
    )
    listed = f"coalesce(json_agg({body} ORDER BY {matched.actual}.match__), '[]'::json)"
    return f"(SELECT {listed} FROM {rows})"


# A line's amounts are in its invoice's currency, an ordered line's in its subcontract's.
_INVOICE_DECIMALS = parent_decimals("vendor_invoice", "{t}.invoice_id")
_SUBCONTRACT_DECIMALS = parent_decimals("subcontract", "{t}.subcontract_id")


def _matched_amount(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """0 when nothing is matched, as `sum(..., Decimal(0))` is."""
    matched = _matched(builder, alias)
    total = f"(SELECT coalesce(sum({matched.actual}.amount), 0) {matched.source})"
    return money(total, parent_decimals("vendor_invoice", f"{alias}.invoice_id"))


register(
    TableType(
        "Vendor",
        models.Vendor,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "currencyCode": Scalar("{t}.currency_code"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
        },
    ),
    TableType(
        "Subcontract",
        models.Subcontract,
        {
            "number": Scalar("{t}.number"),
            "currencyCode": Scalar("{t}.currency_code"),
            "vendor": ToOne("Vendor", "vendor_id"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "lines": Children("SubcontractLine", "subcontract_id", order="line_number"),
        },
    ),
    TableType(
        "SubcontractLine",
        models.SubcontractLine,
        {
            "lineNumber": Scalar("{t}.line_number"),
            "description": Scalar("{t}.description"),
            "quantity": Scalar(decimal("{t}.quantity")),
            "unitPrice": Scalar(money("{t}.unit_price", _SUBCONTRACT_DECIMALS)),
            "project": ToOne("Project", "project_id"),
            "task": ToOne("Task", "task_id"),
            "transactionCategory": ToOne("TransactionCategory", "transaction_category_id"),
            "unit": ToOne("Unit", "unit_id"),
            "subcontract": ToOne("Subcontract", "subcontract_id"),
        },
    ),
    TableType(
        "VendorInvoice",
        models.VendorInvoice,
        {
            "number": Scalar("{t}.number"),
            "invoiceDate": Scalar("{t}.invoice_date"),
            "currencyCode": Scalar("{t}.currency_code"),
            "description": Scalar("{t}.description"),
            "status": Scalar(enum_name("{t}.status", models.InvoiceStatus)),
            "subtotal": Scalar(in_currency("{t}.subtotal")),
            "salesTax": Scalar(in_currency("{t}.sales_tax")),
            "total": Scalar(in_currency("{t}.total")),
            "accountingDate": Scalar("{t}.accounting_date"),
            "confirmedAt": Scalar(datetime("{t}.confirmed_at")),
            "canceledAt": Scalar(datetime("{t}.canceled_at")),
            "createdAt": Scalar(datetime("{t}.created_at")),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "vendor": ToOne("Vendor", "vendor_id"),
            "subcontract": ToOne("Subcontract", "subcontract_id"),
            "lines": Children("VendorInvoiceLine", "invoice_id", order="line_number"),
            "vouchers": Children("Voucher", "vendor_invoice_id"),
        },
    ),
    TableType(
        "VendorInvoiceLine",
        models.VendorInvoiceLine,
        {
            "lineNumber": Scalar("{t}.line_number"),
            "name": Scalar("{t}.name"),
            "description": Scalar("{t}.description"),
            "date": Scalar("{t}.date"),
            "quantity": Scalar(decimal("{t}.quantity")),
            "unitPrice": Scalar(money("{t}.unit_price", _INVOICE_DECIMALS)),
            "subtotal": Scalar(money("{t}.subtotal", _INVOICE_DECIMALS)),
            "salesTax": Scalar(money("{t}.sales_tax", _INVOICE_DECIMALS)),
            "total": Scalar(money("{t}.total", _INVOICE_DECIMALS)),
            "verificationStatus": Scalar(
                enum_name("{t}.verification_status", models.VerificationStatus)
            ),
            "priceWarning": Scalar("{t}.price_warning"),
            "warnings": Custom(_warnings),
            # IS DISTINCT FROM: a price kept in a unit while the line has none is converted too.
            "priceConverted": Scalar(
                "({t}.price_unit_id IS NOT NULL AND {t}.price_unit_id IS DISTINCT FROM {t}.unit_id)"
            ),
            "invoice": ToOne("VendorInvoice", "invoice_id"),
            "subcontractLine": ToOne("SubcontractLine", "subcontract_line_id"),
            "project": ToOne("Project", "project_id"),
            "task": ToOne("Task", "task_id"),
            "transactionCategory": ToOne("TransactionCategory", "transaction_category_id"),
            "unitGroup": ToOne("UnitGroup", "unit_group_id"),
            "unit": ToOne("Unit", "unit_id"),
            "priceList": ToOne("PriceList", "price_list_id"),
            "priceUnit": ToOne("Unit", "price_unit_id"),
            "matchedActuals": Custom(_matched_actuals, takes_arguments=True),
            "matchedAmount": Custom(_matched_amount),
            "actuals": Children("Actual", "vendor_invoice_line_id"),
        },
    ),
)
