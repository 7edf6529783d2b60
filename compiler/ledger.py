"""SQL of posted vouchers and their lines (L1-L3), and ledger periods (M5) with
`ledgerPeriods`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Children, Scalar, TableType, ToOne, register
from compiler.connections import Page, connection, plain
from compiler.master_data import callers_code
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import (
    datetime,
    decimal,
    enum_name,
    in_accounting_currency,
    in_currency,
    present_or_fail,
)
from db.models import ledger as models
from domain.actors import Actor

register(
    TableType(
        "Voucher",
        models.Voucher,
        {
            "number": Scalar("{t}.number"),
            "accountingDate": Scalar("{t}.accounting_date"),
            "sourceType": Scalar(enum_name("{t}.source_type", models.VoucherSource)),
            "description": Scalar("{t}.description"),
            "postedAt": Scalar(datetime("{t}.posted_at")),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "reverses": ToOne("Voucher", "reverses_voucher_id"),
            "lines": Children("VoucherLine", "voucher_id"),
        },
    ),
    TableType(
        "VoucherLine",
        models.VoucherLine,
        {
            "account": ToOne("Account", "account_id"),
            "debit": Scalar(in_accounting_currency("{t}.debit")),
            "credit": Scalar(in_accounting_currency("{t}.credit")),
            "currencyCode": Scalar("{t}.currency_code"),
            "amountCurrency": Scalar(in_currency("{t}.amount_currency")),
            "exchangeRate": Scalar(decimal("{t}.exchange_rate")),
            "description": Scalar("{t}.description"),
            "billingSalesTaxGroup": Scalar("{t}.billing_sales_tax_group"),
            "billingItemSalesTaxGroup": Scalar("{t}.billing_item_sales_tax_group"),
            "project": ToOne("Project", "project_id"),
            "dimensions": Children("VoucherLineDimension", "voucher_line_id"),
            "voucher": ToOne("Voucher", "voucher_id"),
        },
    ),
    TableType(
        "VoucherLineDimension",
        models.VoucherLineDimension,
        {
            "dimension": Scalar("{t}.dimension"),
            "value": Scalar("{t}.value"),
            "sharePercent": Scalar(decimal("{t}.share_percent")),
        },
        node=False,
    ),
    TableType(
        "LedgerPeriod",
        models.LedgerPeriod,
        {
            "startDate": Scalar("{t}.start_date"),
            "endDate": Scalar("{t}.end_date"),
            "status": Scalar(enum_name("{t}.status", models.PeriodStatus)),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
        },
    ),
)


@dataclass(frozen=True)
class PeriodsPage(Page):
    legal_entity: str
    status: str | None = None


class LedgerPeriods:
    """`ledgerPeriods`, as `resolvers.ledger.ledger_periods` reads them: the legal entity must
    be the caller's (else NOT_FOUND, from the reference path)."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> PeriodsPage:
        paging = Page.paging(arguments, "LedgerPeriod")
        return PeriodsPage(
            **paging,
            legal_entity=callers_code(arguments["legalEntity"], actor),
            status=plain(arguments.get("status")),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        entity = statement.entity_id(key)
        conditions = [f"{t}.legal_entity_id = {entity}"]
        if page.status is not None:
            status = statement.argument(key, "status", "text")
            conditions.append(f"{t}.status = {status}")
        periods = connection(selection, key, nodes, page, "LedgerPeriod", conditions, t)
        return present_or_fail(entity, periods)


register_root("ledgerPeriods", LedgerPeriods())
