"""The ledger guards of migration 0004: balanced vouchers (L1), no zero lines (L2), immutable
posted rows (L3) and actuals (A1), one voucher per journal line (J7)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.guards import Guard, guard_of
from tests.db.rows import TODAY, chain, code_of, committing, company, insert, refused, voucher

CHECK_VIOLATION = "23514"
UNIQUE_VIOLATION = "23505"


async def test_l1_unbalanced_voucher_refused_at_commit(engine: AsyncEngine) -> None:
    async with committing(engine) as conn:
        owner = await company(conn, "L1A")
        await conn.commit()
        # Each statement passes: the check waits for COMMIT, when the voucher is complete.
        await voucher(conn, owner, [("100.00", "0"), ("0", "90.00")], number="V-L1-1")
        with pytest.raises(DBAPIError) as info:
            await conn.commit()
        assert guard_of(info.value) is Guard.UNBALANCED
        message = str(info.value.orig)
        assert "UNBALANCED: voucher V-L1-1" in message
        assert "debit 100.0000" in message and "credit 90.0000" in message


async def test_l1_voucher_needs_two_lines_at_commit(engine: AsyncEngine) -> None:
    async with committing(engine) as conn:
        owner = await company(conn)
        await conn.commit()
        for lines in ([], [("50", "0")]):
            await voucher(conn, owner, lines, number=f"V-L1-{len(lines)}")
            with pytest.raises(DBAPIError) as info:
                await conn.commit()
            assert guard_of(info.value) is Guard.UNBALANCED
            assert f"V-L1-{len(lines)} has {len(lines)} line(s)" in str(info.value.orig)
            await conn.rollback()


async def test_l1_balanced_voucher_commits(engine: AsyncEngine) -> None:
    async with committing(engine) as conn:
        owner = await company(conn)
        voucher_id = await voucher(conn, owner, [("100.00", "0"), ("0", "60.00"), ("0", "40.00")])
        await conn.commit()
        count = await conn.scalar(
            text("SELECT count(*) FROM voucher_line WHERE voucher_id = :id"), {"id": voucher_id}
        )
        assert count == 3


async def test_l1_set_constraints_immediate_checks_inside_the_transaction(
    connection: AsyncConnection,
) -> None:
    owner = await company(connection)
    await voucher(connection, owner, [("10", "0"), ("0", "10")])
    await connection.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # balanced: passes
    await connection.execute(text("SET CONSTRAINTS ALL DEFERRED"))
    await voucher(connection, owner, [("10", "0"), ("0", "9.99")], number="V-L1-X")
    error = await refused(connection, "SET CONSTRAINTS ALL IMMEDIATE")
    assert guard_of(error) is Guard.UNBALANCED
    assert "debit 10.0000, credit 9.9900" in str(error.orig)


@pytest.mark.parametrize(("debit", "credit"), [("0", "0"), ("10", "10"), ("-10", "0"), ("0", "-5")])
async def test_l2_zero_line_refused(connection: AsyncConnection, debit: str, credit: str) -> None:
    owner = await company(connection)
    voucher_id = await voucher(connection, owner, [])
    error = await refused(
        connection,
        "INSERT INTO voucher_line (legal_entity_id, voucher_id, account_id, debit, credit,"
        " currency_code, amount_currency, exchange_rate, description)"
        " VALUES (:entity, :voucher, :account, CAST(:debit AS numeric), CAST(:credit AS numeric),"
        " 'USD', 0, 1, '')",
        entity=owner.entity_id,
        voucher=voucher_id,
        account=owner.accounts[0],
        debit=debit,
        credit=credit,
    )
    assert code_of(error) == CHECK_VIOLATION
    assert "ck_voucher_line_debit_or_credit" in str(error.orig)


async def test_l3_posted_voucher_cannot_be_updated_or_deleted(
    connection: AsyncConnection,
) -> None:
    line = await chain(connection, await company(connection))
    voucher_id = await voucher(
        connection, line.company, [("100", "0"), ("0", "100")], journal_line_id=line.journal_line_id
    )
    subledger = await insert(
        connection,
        "subledger_transaction",
        legal_entity_id=line.company.entity_id,
        journal_line_id=line.journal_line_id,
        actual_id=line.actual_id,
        project_id=line.project_id,
        voucher_id=voucher_id,
        transaction_type="cost",
        accounting_date=TODAY,
        quantity=1,
        amount=100,
        amount_accounting=100,
        currency_code="USD",
    )
    attempts = [
        f"UPDATE voucher SET description = 'changed' WHERE id = {voucher_id}",
        f"DELETE FROM voucher WHERE id = {voucher_id}",
        f"UPDATE voucher_line SET debit = debit WHERE voucher_id = {voucher_id}",
        f"DELETE FROM voucher_line WHERE voucher_id = {voucher_id}",
        f"UPDATE subledger_transaction SET amount = 0 WHERE id = {subledger}",
        f"DELETE FROM subledger_transaction WHERE id = {subledger}",
    ]
    for sql in attempts:
        error = await refused(connection, sql)
        assert guard_of(error) is Guard.POSTED_IMMUTABLE, sql
        assert "posted rows are immutable; post a reversal" in str(error.orig)


async def test_l3_truncate_stays_allowed(engine: AsyncEngine) -> None:
    # Tests and benchmarks clean up with TRUNCATE; it must pass the row guards.
    async with committing(engine) as conn:
        await voucher(conn, await company(conn), [("1", "0"), ("0", "1")])
        await conn.commit()
        await conn.execute(text("TRUNCATE voucher, voucher_line, subledger_transaction CASCADE"))
        await conn.commit()
        assert await conn.scalar(text("SELECT count(*) FROM voucher_line")) == 0


async def test_a1_actual_only_description_and_adjustment_change(
    connection: AsyncConnection,
) -> None:
    actual = (await chain(connection, await company(connection))).actual_id
    where = f"WHERE id = {actual}"
    await connection.execute(text(f"UPDATE actual SET description = 'corrected' {where}"))
    await connection.execute(text(f"UPDATE actual SET adjustment_status = 'adjusted' {where}"))
    row = (
        await connection.execute(text(f"SELECT description, adjustment_status FROM actual {where}"))
    ).one()
    assert tuple(row) == ("corrected", "adjusted")
    for sql in (
        f"UPDATE actual SET amount = amount + 1 {where}",
        f"UPDATE actual SET quantity = 2, description = 'sneaky' {where}",
        f"UPDATE actual SET adjustment_status = 'adjustable' {where}",
        f"DELETE FROM actual {where}",
    ):
        error = await refused(connection, sql)
        assert guard_of(error) is Guard.ACTUAL_IMMUTABLE, sql
        assert f"actual {actual}" in str(error.orig)


async def test_j7_one_voucher_per_journal_line(connection: AsyncConnection) -> None:
    line = await chain(connection, await company(connection))
    await voucher(
        connection, line.company, [("5", "0"), ("0", "5")], journal_line_id=line.journal_line_id
    )
    with pytest.raises(DBAPIError) as info:
        async with connection.begin_nested():
            await voucher(connection, line.company, [], journal_line_id=line.journal_line_id)
    assert code_of(info.value) == UNIQUE_VIOLATION
    assert "uq_voucher_journal_line_id" in str(info.value.orig)
