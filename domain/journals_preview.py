"""What posting a journal line does (J5), defined once: the accounts it debits and credits and
its amount in accounting currency.

The definition is SQL over the rows of `LINE_SOURCE` (aliases `jl`, `a`, `le`, `cur`, `p`), so
posting (`domain/journals_posting.py`), the preview on the reference read path
(`resolvers/ledger_subledger.py`) and on the compiled one (`compiler/journals.py`) evaluate the
very same expressions: a preview cannot drift from what posting then writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from db.models.actuals import ActualSource, ActualType


@dataclass(frozen=True)
class PostingRule:
    """The account roles (parameter columns `<role>_account_id`, M7) a line debits and
    credits when its actual is of `actual_type` and, when given, of `source`."""

    actual_type: ActualType
    source: ActualSource | None
    debit: str
    credit: str


# J5: a cost line clears the integration account its source document debited (E4, V7); an
# unbilled sales line moves the sales value into work in progress.
RULES = (
    PostingRule(ActualType.COST, ActualSource.EXPENSE, "project_cost", "expense_integration"),
    PostingRule(
        ActualType.COST, ActualSource.VENDOR_INVOICE, "project_cost", "procurement_integration"
    ),
    PostingRule(ActualType.UNBILLED_SALES, None, "wip_sales_value", "accrued_revenue"),
)

# How a line's error names a missing account (J5).
ROLE_LABELS = {
    "project_cost": "project cost",
    "wip_sales_value": "WIP sales value",
    "accrued_revenue": "accrued revenue sales value",
    "expense_integration": "expense integration",
    "procurement_integration": "procurement integration",
}

Side = Literal["debit", "credit"]

# The rows the expressions read: the line, its actual (missing when it is gone), the legal
# entity with its accounting currency, and its parameters.
LINE_SOURCE = """journal_line jl
LEFT JOIN actual a ON a.id = jl.actual_id AND a.legal_entity_id = jl.legal_entity_id
JOIN legal_entity le ON le.id = jl.legal_entity_id
JOIN currency cur ON cur.code = le.currency_code
JOIN legal_entity_parameters p ON p.legal_entity_id = jl.legal_entity_id"""


def _by_rule(value: Callable[[PostingRule], str]) -> str:
    """`value` of the rule the actual `a` matches; null when none does (no actual)."""
    whens = []
    for rule in RULES:
        condition = f"a.actual_type = '{rule.actual_type.value}'"
        if rule.source is not None:
            condition += f" AND a.source_type = '{rule.source.value}'"
        whens.append(f"WHEN {condition} THEN {value(rule)}")
    return f"(CASE {' '.join(whens)} END)"


def account_id(side: Side) -> str:
    """SQL: the id of the account the line debits or credits, from the parameters; null
    when that parameter is not set."""
    return _by_rule(lambda rule: f"p.{getattr(rule, side)}_account_id")


def account_role(side: Side) -> str:
    """SQL: the name of the parameter `account_id(side)` reads, for error messages."""
    return _by_rule(lambda rule: f"'{ROLE_LABELS[getattr(rule, side)]}'")


# SQL: the actual's amount at the line's rate (M6), rounded once to the accounting currency's
# decimals; PostgreSQL rounds numeric half away from zero, which is half-up (round_money).
AMOUNT_ACCOUNTING = "round(a.amount * jl.exchange_rate, cur.decimals)"

# The preview of a batch of lines (`:line_ids`) of the caller's legal entities (`:codes`).
PREVIEWS = f"""
SELECT jl.id AS line_id, {AMOUNT_ACCOUNTING} AS amount_accounting,
       {account_id("debit")} AS debit_account_id, {account_id("credit")} AS credit_account_id
FROM {LINE_SOURCE}
WHERE jl.id = ANY(:line_ids) AND le.code = ANY(:codes)
"""
