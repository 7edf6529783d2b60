"""E4, V7 and L1 as arithmetic: the voucher lines of an expense report or a vendor invoice, in
accounting currency.

Pure functions, so the money rules are tested without a database. Each debit is converted and
rounded once (half-up, M6 rate of the line's date): the cost debit of a line is the converted
cost (an expense line's net + non-recoverable tax, an invoice line's subtotal) exactly as its
cost actual will be converted by the journal, so the integration account clears (L5). The
payable is converted once per group of lines sharing a currency and a rate date: the group's
total, rounded once (E4), never a sum of converted lines. What the debits and the payables
then differ by goes to the round-off account as its own line, on the side that balances (L1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from domain.errors import DomainError, ErrorCode
from domain.money import round_money
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
    of a project line (expense or procurement), else the category's default account (E4).
    `rate` is the rate valid on `rate_date`, the line's own date (M6)."""

    line_number: int
    debit_account_id: int
    currency_code: str
    rate_date: dt.date
    rate: Decimal
    cost: Decimal  # net + non-recoverable tax (E4), the subtotal (V7)
    recoverable_tax: Decimal
    label: str
    project_id: int | None = None  # kept on the line's debits, for the project's books

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
    project_id: int | None = None


# Lines convert together when they share a currency and a rate date; the rate is part of the
# key only so that two lines can never be converted at two rates under one payable.
GroupKey = tuple[str, dt.date, Decimal]
Debited = tuple[LineToPost, list[Entry]]  # a line and its debit entries


def _converted(amount: Decimal, rate: Decimal, decimals: int, what: str) -> Decimal:
    value = round_money(amount * rate, decimals)
    if abs(value) > MAX_AMOUNT:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            f"{what}: {value} in accounting currency exceeds the largest amount, {MAX_AMOUNT}.",
        )
    return value


def _entry(
    account_id: int, signed: Decimal, source: Decimal, conversion: tuple[str, Decimal], text: str
) -> Entry:
    """A debit when `signed` is positive, else a credit; `amount_currency` is `source` (the
    unsigned source amount) with the entry's sign; `conversion` is (currency, rate)."""
    return Entry(
        account_id=account_id,
        debit=signed if signed > 0 else Decimal(0),
        credit=-signed if signed < 0 else Decimal(0),
        currency_code=conversion[0],
        amount_currency=source if signed > 0 else -source,
        exchange_rate=conversion[1],
        description=text,
    )


def _debits(line: LineToPost, accounts: PostingAccounts, decimals: int) -> list[Entry]:
    """The line's cost and input tax debits, with its project; a zero makes no line (L2)."""
    conversion = (line.currency_code, line.rate)
    entries = []
    for account, source, what in (
        (line.debit_account_id, line.cost, accounts.cost_label),
        (accounts.input_tax, line.recoverable_tax, "input tax"),
    ):
        converted = _converted(source, line.rate, decimals, line.label)
        if converted != 0:
            entry = _entry(account, converted, source, conversion, f"{line.label}: {what}")
            entries.append(replace(entry, project_id=line.project_id))
    return entries


def _groups(debited: list[Debited]) -> dict[GroupKey, list[Debited]]:
    """The lines by currency and rate date, in the order their groups first appear."""
    groups: dict[GroupKey, list[Debited]] = {}
    for line, entries in debited:
        groups.setdefault((line.currency_code, line.rate_date, line.rate), []).append(
            (line, entries)
        )
    return groups


def _payable(
    key: GroupKey, members: list[Debited], accounts: PostingAccounts, decimals: int
) -> tuple[list[Entry], Decimal]:
    """The group's one payable credit (none when it converts to 0, L2) and its residual: what
    the round-off account takes so that the group balances, at most a cent per line (L1)."""
    total = sum((line.total for line, _ in members), Decimal(0))
    numbers = ", ".join(str(line.line_number) for line, _ in members)
    what = f"{key[0]} at the rate of {key[1].isoformat()}, lines {numbers}"
    payable = _converted(total, key[2], decimals, what)
    debited = sum((e.debit - e.credit for _, entries in members for e in entries), Decimal(0))
    residual = payable - debited
    limit = MAX_RESIDUAL * len(members)
    if abs(residual) > limit:
        raise DomainError(
            ErrorCode.UNBALANCED, f"{what}: the conversion residual {residual} exceeds {limit}."
        )
    text = f"{what}: {accounts.payable_label}"
    credit = _entry(accounts.payable, -payable, total, (key[0], key[2]), text)
    return ([credit] if payable != 0 else []), residual


def voucher_entries(
    lines: list[LineToPost], accounts: PostingAccounts, currency: str, decimals: int
) -> list[Entry]:
    """Every line's debits, then one payable credit per currency and rate date, then the
    summed conversion residual on the round-off account as its own line (L1), so debits equal
    credits exactly in accounting currency."""
    debited = [(line, _debits(line, accounts, decimals)) for line in lines]
    entries = [entry for _, line_entries in debited for entry in line_entries]
    residual = Decimal(0)
    for key, members in _groups(debited).items():
        payables, group_residual = _payable(key, members, accounts, decimals)
        entries.extend(payables)
        residual += group_residual
    if residual != 0:
        in_accounting_currency = (currency, Decimal(1))
        entries.append(
            _entry(
                accounts.round_off,
                residual,
                abs(residual),
                in_accounting_currency,
                "conversion residual",
            )
        )
    return entries
