"""E4, V7 and L1 as arithmetic: the voucher lines of an expense report or a vendor invoice, in
accounting currency.

Pure functions, so the money rules are tested without a database. Each amount is converted
and rounded once (half-up, M6 rate of the line's date); the cost debit of a line is the
converted cost (an expense line's net + non-recoverable tax, an invoice line's subtotal)
exactly as its cost actual will be converted by the journal, so the integration account
clears (L5).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.errors import DomainError, ErrorCode
from domain.expenses_lines import round_money
from domain.validation import MAX_AMOUNT

MAX_RESIDUAL = Decimal("0.01")  # L1: per document line


@dataclass(frozen=True)
class PostingAccounts:
    """The accounts shared by every line of one document, and the words that describe its
    cost debit and its payable credit on the voucher lines."""

    input_tax: int
    payable: int  # the employee payable (E4) or the vendor payable (V7)
    round_off: int
    cost_label: str  # "expense" (E4), "procurement" (V7)
    payable_label: str  # "employee payable" (E4), "vendor payable" (V7)


@dataclass(frozen=True)
class LineToPost:
    """One document line in its own currency; `debit_account_id` is the integration account
    of a project line (expense or procurement), else the category's default account (E4)."""

    line_number: int
    debit_account_id: int
    currency_code: str
    rate: Decimal
    cost: Decimal  # net + non-recoverable tax (E4), the subtotal (V7)
    recoverable_tax: Decimal
    label: str

    @property
    def total(self) -> Decimal:
        return self.cost + self.recoverable_tax


@dataclass(frozen=True)
class Entry:
    """A voucher line: debit or credit in accounting currency; `amount_currency` is the source
    amount, positive for a debit and negative for a credit."""

    account_id: int
    debit: Decimal
    credit: Decimal
    currency_code: str
    amount_currency: Decimal
    exchange_rate: Decimal
    description: str


def _entry(account_id: int, signed: Decimal, source: Decimal, line: LineToPost, what: str) -> Entry:
    return Entry(
        account_id=account_id,
        debit=signed if signed > 0 else Decimal(0),
        credit=-signed if signed < 0 else Decimal(0),
        currency_code=line.currency_code,
        amount_currency=source if signed > 0 else -source,
        exchange_rate=line.rate,
        description=f"{line.label}: {what}",
    )


def _line_entries(
    line: LineToPost, accounts: PostingAccounts, decimals: int
) -> tuple[list[Entry], Decimal]:
    """The line's debits and credit (zero amounts make no line, L2) and its residual."""
    cost = round_money(line.cost * line.rate, decimals)
    tax = round_money(line.recoverable_tax * line.rate, decimals)
    total = round_money(line.total * line.rate, decimals)
    if total > MAX_AMOUNT:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            f"{line.label}: {total} in accounting currency exceeds the largest amount, "
            f"{MAX_AMOUNT}.",
        )
    residual = total - cost - tax
    if abs(residual) > MAX_RESIDUAL:
        raise DomainError(
            ErrorCode.UNBALANCED,
            f"{line.label}: the conversion residual {residual} exceeds {MAX_RESIDUAL}.",
        )
    parts = [
        (line.debit_account_id, cost, line.cost, accounts.cost_label),
        (accounts.input_tax, tax, line.recoverable_tax, "input tax"),
        (accounts.payable, -total, line.total, accounts.payable_label),
    ]
    entries = [
        _entry(account, signed, source, line, what)
        for account, signed, source, what in parts
        if signed != 0
    ]
    return entries, residual


def voucher_entries(
    lines: list[LineToPost], accounts: PostingAccounts, currency: str, decimals: int
) -> list[Entry]:
    """Every line's entries, then the summed conversion residual on the round-off account as
    its own line (L1), so debits equal credits exactly in accounting currency."""
    entries: list[Entry] = []
    residual = Decimal(0)
    for line in lines:
        line_entries, line_residual = _line_entries(line, accounts, decimals)
        entries.extend(line_entries)
        residual += line_residual
    if residual != 0:
        entries.append(
            Entry(
                account_id=accounts.round_off,
                debit=residual if residual > 0 else Decimal(0),
                credit=-residual if residual < 0 else Decimal(0),
                currency_code=currency,
                amount_currency=residual,
                exchange_rate=Decimal(1),
                description="conversion residual",
            )
        )
    return entries
