"""E4 / L1 / L2 as arithmetic: the voucher entries of expense lines, without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import DomainError, ErrorCode
from domain.expenses_voucher import Entry, LineToPost, PostingAccounts, voucher_entries

ACCOUNTS = PostingAccounts(
    input_tax=2,
    payable=3,
    round_off=4,
    cost_label="expense",
    payable_label="employee payable",
)


def _line(cost: str, tax: str, rate: str, number: int = 1) -> LineToPost:
    return LineToPost(number, 1, "EUR", Decimal(rate), Decimal(cost), Decimal(tax), f"L{number}")


def _totals(entries: list[Entry]) -> tuple[Decimal, Decimal]:
    return sum((e.debit for e in entries), Decimal(0)), sum((e.credit for e in entries), Decimal(0))


def test_l1_residual_goes_to_round_off_as_its_own_line() -> None:
    # 104.01 x 1.0837 = 112.72, 15.00 x 1.0837 = 16.26, 119.01 x 1.0837 = 128.97
    entries = voucher_entries([_line("104.01", "15.00", "1.0837")], ACCOUNTS, "USD", 2)
    assert [(e.account_id, e.debit, e.credit) for e in entries] == [
        (1, Decimal("112.72"), 0),
        (2, Decimal("16.26"), 0),
        (3, 0, Decimal("128.97")),
        (4, 0, Decimal("0.01")),
    ]
    assert entries[-1].currency_code == "USD"
    debit, credit = _totals(entries)
    assert debit == credit


def test_l1_residuals_of_lines_are_summed_and_may_cancel() -> None:
    lines = [_line("104.01", "15.00", "1.0837", 1), _line("0.05", "0.05", "0.5", 2)]
    # line 2: 0.025 -> 0.03, 0.025 -> 0.03, 0.05 -> 0.05: residual -0.01; total -0.02
    entries = voucher_entries(lines, ACCOUNTS, "USD", 2)
    assert (entries[-1].account_id, entries[-1].credit) == (4, Decimal("0.02"))
    debit, credit = _totals(entries)
    assert debit == credit


def test_l2_zero_amounts_make_no_line_and_one_currency_needs_no_round_off() -> None:
    entries = voucher_entries([_line("50.00", "0", "1")], ACCOUNTS, "EUR", 2)
    assert [(e.account_id, e.debit, e.credit) for e in entries] == [
        (1, Decimal("50.00"), 0),
        (3, 0, Decimal("50.00")),
    ]


def test_l1_residual_above_a_cent_per_line_is_an_error() -> None:
    # zero decimals: 0.4 -> 0, 0.4 -> 0, 0.8 -> 1: a residual of 1 > 0.01
    with pytest.raises(DomainError) as raised:
        voucher_entries([_line("0.4", "0.4", "1")], ACCOUNTS, "JPY", 0)
    assert raised.value.code == ErrorCode.UNBALANCED


def test_e4_converted_amount_beyond_the_column_is_a_typed_error() -> None:
    # 999,999,999,999,999 EUR at 1.0837 does not fit NUMERIC(19,4) in accounting currency.
    with pytest.raises(DomainError) as raised:
        voucher_entries([_line("999999999999999", "0", "1.0837")], ACCOUNTS, "USD", 2)
    assert raised.value.code == ErrorCode.OUT_OF_RANGE
