"""SQL of posted vouchers and their lines (L1-L3)."""

from __future__ import annotations

from compiler.catalog import Children, Scalar, TableType, register
from compiler.sql import datetime, decimal, global_id
from db.models import ledger as models

register(
    TableType(
        "Voucher",
        models.Voucher,
        {
            "number": Scalar("{t}.number"),
            "accountingDate": Scalar("{t}.accounting_date"),
            "sourceType": Scalar("{t}.source_type"),
            "description": Scalar("{t}.description"),
            "postedAt": Scalar(datetime("{t}.posted_at")),
            "lines": Children("VoucherLine", "voucher_id"),
        },
    ),
    TableType(
        "VoucherLine",
        models.VoucherLine,
        {
            "accountId": Scalar(global_id("Account", "{t}.account_id")),
            "debit": Scalar(decimal("{t}.debit")),
            "credit": Scalar(decimal("{t}.credit")),
            "currencyCode": Scalar("{t}.currency_code"),
            "amountCurrency": Scalar(decimal("{t}.amount_currency")),
            "exchangeRate": Scalar(decimal("{t}.exchange_rate")),
            "description": Scalar("{t}.description"),
        },
        node=False,
    ),
)
