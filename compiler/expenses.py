"""SQL of expense reports, their lines, approvals and totals (E1-E4)."""

from __future__ import annotations

from graphql import FieldNode

from compiler.actuals import actuals_of_line
from compiler.catalog import Builder, Children, Custom, Scalar, TableType, ToOne, register
from compiler.sql import datetime, decimal, enum_name, in_currency, where
from db.models import expenses as models


def _totals(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """Net + sales tax per line currency, in code-point order of the currency (E3)."""
    lines = builder.statement.alias()
    sums = builder.statement.alias()
    conditions = [f"{lines}.report_id = {alias}.id"]
    conditions += builder.statement.visible(models.ExpenseLine, lines)
    body = builder.object("CurrencyAmount", sums, nodes)
    grouped = (
        f"SELECT {lines}.currency_code, sum({lines}.amount + {lines}.sales_tax) AS amount"
        f" FROM expense_line {lines} WHERE {where(conditions)} GROUP BY {lines}.currency_code"
    )
    return (
        f'(SELECT coalesce(json_agg({body} ORDER BY {sums}.currency_code COLLATE "C"),'
        f" '[]'::json) FROM ({grouped}) {sums})"
    )


def _line_number(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """The number of the approved line among the report's lines; null for the whole report."""
    line = builder.statement.alias()
    conditions = [f"{line}.id = {alias}.line_id", f"{line}.report_id = {alias}.report_id"]
    conditions += builder.statement.visible(models.ExpenseLine, line)
    return f"(SELECT {line}.line_number FROM expense_line {line} WHERE {where(conditions)})"


register(
    TableType(
        "ExpenseReport",
        models.ExpenseReport,
        {
            "number": Scalar("{t}.number"),
            "currencyCode": Scalar("{t}.currency_code"),
            "description": Scalar("{t}.description"),
            "status": Scalar(enum_name("{t}.status", models.ReportStatus)),
            "rejectionReason": Scalar("{t}.rejection_reason"),
            "submittedAt": Scalar(datetime("{t}.submitted_at")),
            "postedAt": Scalar(datetime("{t}.posted_at")),
            "accountingDate": Scalar("{t}.accounting_date"),
            "createdAt": Scalar(datetime("{t}.created_at")),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "employee": ToOne("User", "employee_user_id"),
            "lines": Children("ExpenseLine", "report_id", order="line_number"),
            "totals": Custom(_totals),
            "approvals": Children("ExpenseApproval", "report_id"),
            "voucher": Children("Voucher", "expense_report_id", single=True),
        },
    ),
    TableType(
        "ExpenseLine",
        models.ExpenseLine,
        {
            "lineNumber": Scalar("{t}.line_number"),
            "date": Scalar("{t}.date"),
            "quantity": Scalar(decimal("{t}.quantity")),
            "unitPrice": Scalar(in_currency("{t}.unit_price")),
            "amount": Scalar(in_currency("{t}.amount")),
            "currencyCode": Scalar("{t}.currency_code"),
            "salesTax": Scalar(in_currency("{t}.sales_tax")),
            "nonRecoverableTax": Scalar(in_currency("{t}.non_recoverable_tax")),
            "merchant": Scalar("{t}.merchant"),
            "description": Scalar("{t}.description"),
            "chargeable": Scalar("{t}.chargeable"),
            "approvalStatus": Scalar(enum_name("{t}.approval_status", models.LineApproval)),
            "total": Scalar(in_currency("{t}.amount + {t}.sales_tax")),
            "category": ToOne("ExpenseCategory", "expense_category_id"),
            "unit": ToOne("Unit", "unit_id"),
            "project": ToOne("Project", "project_id"),
            "task": ToOne("Task", "task_id"),
            "actuals": Custom(actuals_of_line, takes_arguments=True),
        },
    ),
    TableType(
        "ExpenseApproval",
        models.ExpenseApproval,
        {
            "decision": Scalar(enum_name("{t}.decision", models.ApprovalDecision)),
            "reason": Scalar("{t}.reason"),
            "decidedAt": Scalar(datetime("{t}.decided_at")),
            "lineNumber": Custom(_line_number),
            "user": ToOne("User", "user_id"),
        },
        node=False,
    ),
    TableType(
        "CurrencyAmount",
        models.ExpenseLine,  # rows of the per-currency sums over expense lines
        {
            "currencyCode": Scalar("{t}.currency_code"),
            "amount": Scalar(in_currency("{t}.amount")),
        },
        node=False,
    ),
)
