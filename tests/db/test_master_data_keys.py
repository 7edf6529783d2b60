"""M1 in the database: a reference never crosses legal entities (composite foreign keys), and
the unique keys that make imports idempotent (J1)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from tests.db.rows import TODAY, chain, code_of, company, refused, voucher

FOREIGN_KEY_VIOLATION = "23503"
UNIQUE_VIOLATION = "23505"


async def test_m1_reference_to_other_legal_entity_refused(connection: AsyncConnection) -> None:
    ours = await chain(connection, await company(connection))
    theirs = await chain(connection, await company(connection))
    entity = ours.company.entity_id
    attempts = {
        "task of another entity's project": (
            "INSERT INTO task (legal_entity_id, project_id, code, name)"
            f" VALUES ({entity}, {theirs.project_id}, 'T', 'T')"
        ),
        "expense line with another entity's expense category": (
            "UPDATE expense_line SET expense_category_id = "
            f"{theirs.expense_category_id} WHERE id = {ours.expense_line_id}"
        ),
        "journal line in another entity's journal": (
            f"UPDATE journal_line SET journal_id = {theirs.journal_id}"
            f" WHERE id = {ours.journal_line_id}"
        ),
        "actual on another entity's project": (
            "INSERT INTO actual (legal_entity_id, actual_type, transaction_class, source_type,"
            " project_expense_id, project_id, transaction_category_id, transaction_date,"
            " quantity, currency_code, unit_amount, amount, adjustment_status, description)"
            f" SELECT {entity}, 'unbilled_sales', 'expense', 'expense', project_expense_id,"
            f" {theirs.project_id}, transaction_category_id, transaction_date, quantity,"
            " currency_code, unit_amount, amount, 'adjustable', '' FROM actual"
            f" WHERE id = {ours.actual_id}"
        ),
    }
    for what, sql in attempts.items():
        error = await refused(connection, sql)
        assert code_of(error) == FOREIGN_KEY_VIOLATION, what
        assert "legal_entity_id" in str(error.orig), what


async def test_m1_task_of_another_project_refused(connection: AsyncConnection) -> None:
    # (project_id, task_id) is a foreign key: a line's task belongs to the line's project.
    first = await chain(connection, await company(connection))
    second = await chain(connection, first.company)
    error = await refused(
        connection,
        f"UPDATE expense_line SET project_id = {first.project_id}, task_id = {second.task_id}"
        f" WHERE id = {first.expense_line_id}",
    )
    assert code_of(error) == FOREIGN_KEY_VIOLATION


async def test_m1_voucher_line_on_another_entitys_account_refused(
    connection: AsyncConnection,
) -> None:
    ours = await company(connection)
    theirs = await company(connection)
    voucher_id = await voucher(connection, ours, [])
    error = await refused(
        connection,
        "INSERT INTO voucher_line (legal_entity_id, voucher_id, account_id, debit, credit,"
        " currency_code, amount_currency, exchange_rate, description)"
        f" VALUES ({ours.entity_id}, {voucher_id}, {theirs.accounts[0]}, 1, 0, 'USD', 1, 1, '')",
    )
    assert code_of(error) == FOREIGN_KEY_VIOLATION


async def test_j1_one_live_journal_line_per_actual(connection: AsyncConnection) -> None:
    line = await chain(connection, await company(connection))
    error = await refused(
        connection,
        "INSERT INTO journal_line (legal_entity_id, journal_id, actual_id, status, date,"
        " accounting_date, voucher_number, exchange_rate)"
        f" VALUES ({line.company.entity_id}, {line.journal_id}, {line.actual_id}, 'draft',"
        " :day, :day, 'OTHER', 1)",
        day=TODAY,
    )
    assert code_of(error) == UNIQUE_VIOLATION
