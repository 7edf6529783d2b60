"""Posting a journal (J5, J7): validate every line, post the valid ones, move the failing.

Everything happens in the caller's single transaction: the Draft -> Processing claim is a
conditional UPDATE, so of two concurrent posters the second finds nothing to claim once the
first commits; a crash rolls the whole posting back, claim included, so nothing is
half-posted (K2). Vouchers carry a unique key on their journal line (J7). The statement count
is constant, whatever the number of lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.journals import Journal
from domain.dimensions_check import INVALID_DIMENSIONS
from domain.errors import DomainError, ErrorCode
from domain.journals_preview import AMOUNT_ACCOUNTING, LINE_SOURCE, account_id, account_role

_CLAIM = """
UPDATE journal SET status = 'processing', processing_since = :now
WHERE id = :journal_id AND status = 'draft'
RETURNING legal_entity_id, coalesce(original_journal_id, id) AS original_id
"""

_CLAIM_LINES = """
UPDATE journal_line SET status = 'processing', processing_since = :now
WHERE journal_id = :journal_id AND status = 'draft'
"""

# Every claimed line with what posting needs and the first reason it cannot post, if any;
# its accounts and amount as `journals_preview` defines them for the preview too.
_VALIDATE = f"""
CREATE TEMP TABLE post_lines ON COMMIT DROP AS
SELECT v.*,
       CASE WHEN v.actual_ok IS NOT TRUE THEN 'invalid_actuals'
            WHEN v.period_status IS DISTINCT FROM 'open'
              OR v.debit_account_id IS NULL OR v.credit_account_id IS NULL
              OR abs(v.amount_accounting) >= 1e15
              OR v.invalid_dimensions IS NOT NULL THEN 'error'
       END AS error_status,
       CASE WHEN v.actual_ok IS NOT TRUE
              THEN format('Actual %s is missing or no longer matches the line.', v.actual_id)
            WHEN v.period_status IS DISTINCT FROM 'open'
              THEN format('Accounting date %s is not in an open ledger period (%s).',
                          v.accounting_date, coalesce(v.period_status, 'no period'))
            WHEN v.debit_account_id IS NULL OR v.credit_account_id IS NULL
              THEN format('Missing account in the parameters: %s.', concat_ws(', ',
                   CASE WHEN v.debit_account_id IS NULL THEN v.debit_role END,
                   CASE WHEN v.credit_account_id IS NULL THEN v.credit_role END))
            -- The ledger's NUMERIC(19,4) would refuse it and fail every other line with it.
            WHEN abs(v.amount_accounting) >= 1e15
              THEN format('Amount %s in accounting currency is too large for the ledger.',
                          v.amount_accounting)
            WHEN v.invalid_dimensions IS NOT NULL
              THEN format('Financial dimension %s is no longer valid (J4).',
                          v.invalid_dimensions)
       END AS error
FROM (
    SELECT jl.id AS line_id, jl.legal_entity_id, jl.actual_id, jl.voucher_number,
           jl.accounting_date, jl.exchange_rate, jl.billing_sales_tax_group,
           jl.billing_item_sales_tax_group, {INVALID_DIMENSIONS} AS invalid_dimensions,
           a.id IS NOT NULL AND a.transaction_date = jl.date AS actual_ok,
           a.actual_type, a.project_id, a.quantity, a.amount, a.currency_code,
           {AMOUNT_ACCOUNTING} AS amount_accounting,
           lp.status AS period_status,
           {account_role("debit")} AS debit_role, {account_role("credit")} AS credit_role,
           {account_id("debit")} AS debit_account_id,
           {account_id("credit")} AS credit_account_id
    FROM {LINE_SOURCE}
    LEFT JOIN ledger_period lp ON lp.legal_entity_id = jl.legal_entity_id
         AND jl.accounting_date BETWEEN lp.start_date AND lp.end_date
    WHERE jl.journal_id = :journal_id AND jl.status = 'processing'
) v
"""

# J5: failing lines move to a new journal whose original is the first journal, all in Error.
_MOVE_FAILING = """
WITH failing AS (
    SELECT line_id, error, error_status FROM post_lines WHERE error IS NOT NULL
), error_journal AS (
    INSERT INTO journal (legal_entity_id, number, status, period_start, period_unit,
                         original_journal_id, line_count)
    SELECT j.legal_entity_id, next_number(p.journal_sequence_id), 'error', j.period_start,
           j.period_unit, CAST(:original_id AS bigint), (SELECT count(*) FROM failing)
    FROM journal j JOIN legal_entity_parameters p ON p.legal_entity_id = j.legal_entity_id
    WHERE j.id = :journal_id AND EXISTS (SELECT 1 FROM failing)
    RETURNING id
)
UPDATE journal_line jl
SET journal_id = e.id, status = f.error_status, error_text = f.error, processing_since = NULL
FROM failing f, error_journal e
WHERE jl.id = f.line_id
RETURNING jl.id
"""

# One statement posts every valid line: voucher, its two lines (each with the line's project,
# tax groups and dimension distribution), the subledger transaction.
_POST_VALID = """
WITH valid AS (
    SELECT * FROM post_lines WHERE error IS NULL
), vouchers AS (
    INSERT INTO voucher (legal_entity_id, number, accounting_date, source_type,
                         journal_line_id, description, posted_at)
    SELECT legal_entity_id, voucher_number, accounting_date, 'journal_line', line_id,
           format('Integration journal line %s (actual %s)', line_id, actual_id),
           CAST(:now AS timestamptz)
    FROM valid WHERE amount_accounting <> 0
    RETURNING id, journal_line_id
), voucher_lines AS (
    INSERT INTO voucher_line (legal_entity_id, voucher_id, account_id, debit, credit,
                              currency_code, amount_currency, exchange_rate, description,
                              project_id, billing_sales_tax_group, billing_item_sales_tax_group)
    SELECT l.legal_entity_id, v.id, side.account_id, side.debit, side.credit,
           l.currency_code, side.amount_currency, l.exchange_rate, l.voucher_number,
           l.project_id, l.billing_sales_tax_group, l.billing_item_sales_tax_group
    FROM vouchers v JOIN valid l ON l.line_id = v.journal_line_id
    CROSS JOIN LATERAL (VALUES
        (l.debit_account_id, greatest(l.amount_accounting, 0),
         greatest(-l.amount_accounting, 0), l.amount),
        (l.credit_account_id, greatest(-l.amount_accounting, 0),
         greatest(l.amount_accounting, 0), -l.amount)
    ) AS side(account_id, debit, credit, amount_currency)
    RETURNING id, voucher_id
), distributions AS (
    INSERT INTO voucher_line_dimension (legal_entity_id, voucher_line_id, dimension, value,
                                        share_percent)
    SELECT d.legal_entity_id, vl.id, d.dimension, d.value, d.share_percent
    FROM voucher_lines vl JOIN vouchers v ON v.id = vl.voucher_id
    JOIN journal_line_dimension d ON d.journal_line_id = v.journal_line_id
    RETURNING id
), subledger AS (
    INSERT INTO subledger_transaction (legal_entity_id, journal_line_id, actual_id, project_id,
        voucher_id, transaction_type, accounting_date, quantity, amount, amount_accounting,
        currency_code)
    SELECT l.legal_entity_id, l.line_id, l.actual_id, l.project_id, v.id, l.actual_type,
           l.accounting_date, l.quantity, l.amount, l.amount_accounting, l.currency_code
    FROM valid l LEFT JOIN vouchers v ON v.journal_line_id = l.line_id
    RETURNING id
)
UPDATE journal_line jl SET status = 'posted', posted_at = :now, processing_since = NULL,
       error_text = NULL
FROM valid l WHERE jl.id = l.line_id
RETURNING jl.id
"""

_FINISH = """
UPDATE journal SET status = 'posted', posted_at = :now, processing_since = NULL,
       line_count = (SELECT count(*) FROM journal_line WHERE journal_id = :journal_id)
WHERE id = :journal_id
"""


@dataclass(frozen=True)
class PostingResult:
    journal_id: int
    posted: int
    failed: int
    error_journal_id: int | None


async def _claim(session: AsyncSession, journal_id: int, now: dt.datetime) -> int:
    claimed = (await session.execute(text(_CLAIM), {"journal_id": journal_id, "now": now})).first()
    if claimed is None:
        journal = await session.get(Journal, journal_id)
        if journal is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"Journal {journal_id} does not exist.")
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Journal {journal.number} is {journal.status}; only a draft journal can be posted.",
        )
    await session.execute(text(_CLAIM_LINES), {"journal_id": journal_id, "now": now})
    return int(claimed.original_id)


async def post_journal(
    session: AsyncSession, journal_id: int, *, now: dt.datetime
) -> PostingResult:
    """Post one Draft journal; the caller commits (and the L1 trigger checks at commit)."""
    original_id = await _claim(session, journal_id, now)
    params = {"journal_id": journal_id, "now": now, "original_id": original_id}
    await session.execute(text(_VALIDATE), params)
    failed = (await session.scalars(text(_MOVE_FAILING), params)).all()
    posted = (await session.scalars(text(_POST_VALID), params)).all()
    await session.execute(text(_FINISH), params)
    error_journal_id = None
    if failed:
        error_journal_id = await session.scalar(
            text("SELECT journal_id FROM journal_line WHERE id = :line_id"),
            {"line_id": failed[0]},
        )
    await session.execute(text("DROP TABLE post_lines"))
    return PostingResult(journal_id, len(posted), len(failed), error_journal_id)
