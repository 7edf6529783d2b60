"""The SQL of import from staging (J1-J3), kept apart from the code that sequences it."""

from __future__ import annotations

from db.models.parameters import PeriodUnit

PERIOD_START = {
    PeriodUnit.DAYS: "a.transaction_date",
    PeriodUnit.MONTHS: "date_trunc('month', a.transaction_date)::date",
    PeriodUnit.YEARS: "date_trunc('year', a.transaction_date)::date",
    PeriodUnit.ALL: "NULL::date",
}

# One row per pending actual (A2) with everything its line needs (J3). Rate: M6, on the
# transaction date (exchange_rate_on, migration 0006); NULL when there is none.
STAGE = """
CREATE TEMP TABLE import_staged ON COMMIT DROP AS
SELECT a.id AS actual_id, a.transaction_date, a.currency_code,
       le.currency_code AS accounting_currency,
       {period_start} AS period_start,
       exchange_rate_on(a.currency_code, le.currency_code, a.transaction_date) AS rate,
       CASE WHEN lp.status = 'open' OR NOT CAST(:move AS boolean) THEN a.transaction_date
            ELSE coalesce(next_open.start_date, a.transaction_date) END AS accounting_date,
       coalesce(pc.id, CAST(:default_category AS bigint)) AS project_category_id,
       lpm.line_property
FROM actual a
JOIN legal_entity le ON le.id = a.legal_entity_id
JOIN project p ON p.id = a.project_id
LEFT JOIN ledger_period lp ON lp.legal_entity_id = a.legal_entity_id
     AND a.transaction_date BETWEEN lp.start_date AND lp.end_date
LEFT JOIN LATERAL (
    SELECT n.start_date FROM ledger_period n
    WHERE n.legal_entity_id = a.legal_entity_id AND n.status = 'open'
      AND n.start_date > a.transaction_date
    ORDER BY n.start_date LIMIT 1) next_open ON lp.status IS DISTINCT FROM 'open'
LEFT JOIN project_category pc ON pc.legal_entity_id = a.legal_entity_id
     AND pc.transaction_category_id = a.transaction_category_id
LEFT JOIN line_property_mapping lpm ON lpm.legal_entity_id = a.legal_entity_id
     AND lpm.billing_type = p.billing_type
WHERE a.legal_entity_id = :legal_entity_id
  AND NOT EXISTS (SELECT 1 FROM journal_line jl WHERE jl.actual_id = a.id)
"""

MISSING_RATES = """
DELETE FROM import_staged WHERE rate IS NULL
RETURNING actual_id, currency_code, accounting_currency, transaction_date
"""

# Rows numbered in time order inside their group, so that the group's first journal holds its
# earliest transactions (J2: journal numbers follow time).
NUMBER_ROWS = """
CREATE TEMP TABLE import_rows ON COMMIT DROP AS
SELECT s.*,
       row_number() OVER (PARTITION BY period_start ORDER BY transaction_date, actual_id) AS rn
FROM import_staged s
"""

# In period order: the groups' new journals draw their numbers one group after the other, so
# the earliest period gets the lowest number.
GROUPS = """
SELECT period_start, count(*) FROM import_rows GROUP BY period_start ORDER BY period_start
"""

DRAFT_WITH_ROOM = """
SELECT id, line_count FROM journal
WHERE legal_entity_id = :legal_entity_id AND status = 'draft' AND period_unit = :unit
  AND period_start IS NOT DISTINCT FROM :period_start AND original_journal_id IS NULL
  AND line_count < :capacity
ORDER BY id DESC LIMIT 1
FOR UPDATE
"""

NEW_JOURNALS = """
INSERT INTO journal (legal_entity_id, number, status, period_start, period_unit, line_count)
SELECT CAST(:legal_entity_id AS bigint), next_number(:sequence_id), 'draft',
       CAST(:period_start AS date), CAST(:unit AS varchar), 0
FROM generate_series(1, :count) AS n
ORDER BY n
RETURNING id
"""

INDEX_TARGETS = """
CREATE INDEX ON import_targets ((coalesce(period_start, 'infinity'::date)), first_rn)
"""

TARGETS = """
CREATE TEMP TABLE import_targets (
    period_start date, first_rn bigint, last_rn bigint, journal_id bigint
) ON COMMIT DROP
"""

INSERT_LINES = """
WITH inserted AS (
    INSERT INTO journal_line (legal_entity_id, journal_id, actual_id, status, date,
                              accounting_date, voucher_number, project_category_id,
                              line_property, exchange_rate)
    SELECT CAST(:legal_entity_id AS bigint), t.journal_id, r.actual_id, 'draft', r.transaction_date,
           r.accounting_date, next_number(:sequence_id), r.project_category_id,
           r.line_property, r.rate
    FROM import_rows r
    -- The target whose row range starts at or before the row: an index probe per row (a
    -- range join would compare every row with every target).
    CROSS JOIN LATERAL (
        SELECT t.journal_id FROM import_targets t
        WHERE coalesce(t.period_start, 'infinity'::date)
              = coalesce(r.period_start, 'infinity'::date)
          AND t.first_rn <= r.rn
        ORDER BY t.first_rn DESC LIMIT 1) t
    ORDER BY r.period_start, r.rn  -- voucher numbers follow time too
    ON CONFLICT (actual_id) DO NOTHING
    RETURNING journal_id
), counted AS (
    SELECT journal_id, count(*) AS added FROM inserted GROUP BY journal_id
)
UPDATE journal j SET line_count = j.line_count + c.added
FROM counted c WHERE j.id = c.journal_id
RETURNING c.added
"""
