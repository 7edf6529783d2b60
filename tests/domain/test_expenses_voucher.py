"""E4 / L1 / L2 as arithmetic: the voucher entries of expense lines, without a database."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError, ErrorCode
from domain.expenses_voucher import Entry, LineToPost, PostingAccounts, voucher_entries
from domain.money import round_money

ACCOUNTS = PostingAccounts(
    input_tax=2,
    payable=3,
    round_off=4,
    cost_label="expense",
    payable_label="employee payable",
)
DAY = dt.date(2024, 3, 5)


def _line(
    cost: str,
    tax: str,
    rate: str,
    number: int = 1,
    date: dt.date = DAY,
    project_id: int | None = None,
) -> LineToPost:
    return LineToPost(
        line_number=number,
        debit_account_id=1,
        currency_code="EUR",
        rate_date=date,
        rate=Decimal(rate),
        cost=Decimal(cost),
        recoverable_tax=Decimal(tax),
        label=f"L{number}",
        project_id=project_id,
    )


def _totals(entries: list[Entry]) -> tuple[Decimal, Decimal]:
    return sum((e.debit for e in entries), Decimal(0)), sum((e.credit for e in entries), Decimal(0))


def _rows(entries: list[Entry]) -> list[tuple[int, Decimal, Decimal, Decimal]]:
    return [(e.account_id, e.debit, e.credit, e.amount_currency) for e in entries]


def test_e4_payable_is_the_group_total_converted_once() -> None:
    """The issue's example: 10.01 EUR x 1.3333 = 13.346333 -> 13.35 per line, 40.05 debited;
    the total 30.03 x 1.3333 = 40.038999 -> 40.04 is the payable; 0.01 credited to round-off."""
    lines = [_line("10.01", "0", "1.3333", number) for number in (1, 2, 3)]
    entries = voucher_entries(lines, ACCOUNTS, "USD", 2)
    assert _rows(entries) == [
        (1, Decimal("13.35"), 0, Decimal("10.01")),
        (1, Decimal("13.35"), 0, Decimal("10.01")),
        (1, Decimal("13.35"), 0, Decimal("10.01")),
        (3, 0, Decimal("40.04"), Decimal("-30.03")),
        (4, 0, Decimal("0.01"), Decimal("-0.01")),
    ]
    assert (
        entries[3].description == "EUR at the rate of 2024-03-05, lines 1, 2, 3: employee payable"
    )
    assert (entries[3].currency_code, entries[3].exchange_rate) == ("EUR", Decimal("1.3333"))
    assert (entries[4].currency_code, entries[4].exchange_rate) == ("USD", Decimal(1))
    assert _totals(entries) == (Decimal("40.05"), Decimal("40.05"))


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


def test_e4_one_payable_per_rate_date_and_residuals_of_groups_are_summed() -> None:
    other_day = DAY + dt.timedelta(days=1)
    lines = [
        _line("104.01", "15.00", "1.0837", 1),
        _line("0.05", "0.05", "0.5", 2, other_day),
        _line("104.01", "15.00", "1.0837", 3),
    ]
    # day 1: 238.02 x 1.0837 = 257.94 paid, 2 x (112.72 + 16.26) = 257.96 debited: -0.02;
    # day 2: 0.025 -> 0.03 twice debited, 0.10 x 0.5 = 0.05 paid: -0.01; round-off credit 0.03
    entries = voucher_entries(lines, ACCOUNTS, "USD", 2)
    assert [(e.account_id, e.debit, e.credit) for e in entries] == [
        (1, Decimal("112.72"), 0),
        (2, Decimal("16.26"), 0),
        (1, Decimal("0.03"), 0),
        (2, Decimal("0.03"), 0),
        (1, Decimal("112.72"), 0),
        (2, Decimal("16.26"), 0),
        (3, 0, Decimal("257.94")),
        (3, 0, Decimal("0.05")),
        (4, 0, Decimal("0.03")),
    ]
    debit, credit = _totals(entries)
    assert debit == credit == Decimal("258.02")


def test_l2_zero_amounts_make_no_line_and_one_currency_needs_no_round_off() -> None:
    entries = voucher_entries([_line("50.00", "0", "1")], ACCOUNTS, "EUR", 2)
    assert [(e.account_id, e.debit, e.credit) for e in entries] == [
        (1, Decimal("50.00"), 0),
        (3, 0, Decimal("50.00")),
    ]


def test_e4_the_debits_of_a_project_line_keep_its_project() -> None:
    lines = [_line("10.00", "1.90", "1", 1, project_id=7), _line("5.00", "0", "1", 2)]
    entries = voucher_entries(lines, ACCOUNTS, "EUR", 2)
    assert [(e.account_id, e.project_id) for e in entries] == [(1, 7), (2, 7), (1, None), (3, None)]


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


def test_e4_a_group_total_beyond_the_column_is_a_typed_error() -> None:
    lines = [_line("600000000000000", "0", "1", number) for number in (1, 2)]
    with pytest.raises(DomainError) as raised:
        voucher_entries(lines, ACCOUNTS, "EUR", 2)
    assert raised.value.code == ErrorCode.OUT_OF_RANGE


CURRENCIES = ("USD", "EUR", "GBP", "CHF")  # USD is the accounting currency
DATES = (DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=31))
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**9), places=2)
rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1000), places=6)


@st.composite
def documents(draw: st.DrawFn) -> list[LineToPost]:
    """Lines of random amounts, currencies and dates; one rate per currency and date (M6)."""
    table = {
        (currency, date): Decimal(1) if currency == "USD" else draw(rates)
        for currency in CURRENCIES
        for date in DATES
    }
    lines = []
    for number in range(1, draw(st.integers(min_value=1, max_value=12)) + 1):
        currency = draw(st.sampled_from(CURRENCIES))
        date = draw(st.sampled_from(DATES))
        lines.append(
            LineToPost(
                line_number=number,
                debit_account_id=draw(st.sampled_from((1, 5))),  # integration or category
                currency_code=currency,
                rate_date=date,
                rate=table[(currency, date)],
                cost=draw(amounts),
                recoverable_tax=draw(st.one_of(st.just(Decimal(0)), amounts)),
                label=f"L{number}",
            )
        )
    return lines


def _expected_payables(lines: list[LineToPost], decimals: int) -> Counter[tuple[str, Decimal]]:
    totals: dict[tuple[str, dt.date], Decimal] = {}
    rate_of: dict[tuple[str, dt.date], Decimal] = {}
    for line in lines:
        key = (line.currency_code, line.rate_date)
        totals[key] = totals.get(key, Decimal(0)) + line.total
        rate_of[key] = line.rate
    converted = ((key[0], round_money(totals[key] * rate_of[key], decimals)) for key in totals)
    return Counter(pair for pair in converted if pair[1] != 0)


@given(lines=documents(), decimals=st.sampled_from((2, 3)))
def test_l1_every_voucher_balances_with_a_payable_converted_once_per_group(
    lines: list[LineToPost], decimals: int
) -> None:
    entries = voucher_entries(lines, ACCOUNTS, "USD", decimals)
    debit, credit = _totals(entries)
    assert debit == credit  # L1, exactly
    assert all((e.debit > 0) != (e.credit > 0) for e in entries)  # L2: no zero lines
    payables = Counter((e.currency_code, e.credit) for e in entries if e.account_id == 3)
    assert payables == _expected_payables(lines, decimals)  # E4: once per group
    round_off = [e.debit - e.credit for e in entries if e.account_id == 4]
    assert len(round_off) <= 1
    assert abs(sum(round_off, Decimal(0))) <= Decimal("0.01") * len(lines)
    costs = Counter(e.debit for e in entries if e.account_id in (1, 5))
    converted = (round_money(line.cost * line.rate, decimals) for line in lines)
    assert costs == Counter(value for value in converted if value != 0)  # L5: unchanged debits
