"""Import from staging (J1-J3): pending actuals become journal lines, set-based.

Per legal entity, under a transaction-scoped advisory lock so two imports never build the same
journals twice; the unique index on `journal_line.actual_id` makes a race harmless anyway.
The statement count depends on the number of journal groups, never on the number of actuals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.parameters import LegalEntityParameters, PeriodUnit
from domain.errors import DomainError, ErrorCode

IMPORT_LOCK_NAMESPACE = 7301  # pg_advisory_xact_lock(namespace, legal_entity_id)

_PERIOD_START = {
    PeriodUnit.DAYS: "a.transaction_date",
    PeriodUnit.MONTHS: "date_trunc('month', a.transaction_date)::date",
    PeriodUnit.YEARS: "date_trunc('year', a.transaction_date)::date",
    PeriodUnit.ALL: "NULL::date",
}

# One row per pending actual (A2) with everything its line needs (J3). Rate: M6, on the
# transaction date; the inverse pair is used when only that one is kept.
_STAGE = """
CREATE TEMP TABLE import_staged ON COMMIT DROP AS
SELECT a.id AS actual_id, a.transaction_date, a.currency_code,
       le.currency_code AS accounting_currency,
       {period_start} AS period_start,
       CASE WHEN a.currency_code = le.currency_code THEN 1::numeric(19, 6)
            ELSE coalesce(direct.rate, round(1 / inverse.rate, 6)) END AS rate,
       CASE WHEN lp.status = 'open' OR NOT CAST(:move AS boolean) THEN a.transaction_date
            ELSE coalesce(next_open.start_date, a.transaction_date) END AS accounting_date,
       coalesce(pc.id, CAST(:default_category AS bigint)) AS project_category_id,
       lpm.line_property
FROM actual a
JOIN legal_entity le ON le.id = a.legal_entity_id
JOIN project p ON p.id = a.project_id
LEFT JOIN LATERAL (
    SELECT r.rate FROM exchange_rate r
    WHERE r.from_currency = a.currency_code AND r.to_currency = le.currency_code
      AND r.valid_from <= a.transaction_date
    ORDER BY r.valid_from DESC LIMIT 1) direct ON true
LEFT JOIN LATERAL (
    SELECT r.rate FROM exchange_rate r
    WHERE r.from_currency = le.currency_code AND r.to_currency = a.currency_code
      AND r.valid_from <= a.transaction_date
    ORDER BY r.valid_from DESC LIMIT 1) inverse ON true
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

_MISSING_RATES = """
DELETE FROM import_staged WHERE rate IS NULL
RETURNING actual_id, currency_code, accounting_currency, transaction_date
"""

_NUMBER_ROWS = """
CREATE TEMP TABLE import_rows ON COMMIT DROP AS
SELECT s.*, row_number() OVER (PARTITION BY period_start ORDER BY actual_id) AS rn
FROM import_staged s
"""

_GROUPS = "SELECT period_start, count(*) FROM import_rows GROUP BY period_start"

_DRAFT_WITH_ROOM = """
SELECT id, line_count FROM journal
WHERE legal_entity_id = :legal_entity_id AND status = 'draft' AND period_unit = :unit
  AND period_start IS NOT DISTINCT FROM :period_start AND original_journal_id IS NULL
  AND line_count < :capacity
ORDER BY id DESC LIMIT 1
FOR UPDATE
"""

_NEW_JOURNALS = """
INSERT INTO journal (legal_entity_id, number, status, period_start, period_unit, line_count)
SELECT CAST(:legal_entity_id AS bigint), next_number(:sequence_id), 'draft',
       CAST(:period_start AS date), CAST(:unit AS varchar), 0
FROM generate_series(1, :count)
RETURNING id
"""

_TARGETS = """
CREATE TEMP TABLE import_targets (
    period_start date, first_rn bigint, last_rn bigint, journal_id bigint
) ON COMMIT DROP
"""

_INSERT_LINES = """
WITH inserted AS (
    INSERT INTO journal_line (legal_entity_id, journal_id, actual_id, status, date,
                              accounting_date, voucher_number, project_category_id,
                              line_property, exchange_rate)
    SELECT CAST(:legal_entity_id AS bigint), t.journal_id, r.actual_id, 'draft', r.transaction_date,
           r.accounting_date, next_number(:sequence_id), r.project_category_id,
           r.line_property, r.rate
    FROM import_rows r
    JOIN import_targets t ON t.period_start IS NOT DISTINCT FROM r.period_start
         AND r.rn BETWEEN t.first_rn AND t.last_rn
    ORDER BY r.actual_id
    ON CONFLICT (actual_id) DO NOTHING
    RETURNING journal_id
), counted AS (
    SELECT journal_id, count(*) AS added FROM inserted GROUP BY journal_id
)
UPDATE journal j SET line_count = j.line_count + c.added
FROM counted c WHERE j.id = c.journal_id
RETURNING c.added
"""


@dataclass(frozen=True)
class MissingRate:
    actual_id: int
    from_currency: str
    to_currency: str
    date: dt.date

    @property
    def message(self) -> str:
        return (
            f"Actual {self.actual_id} was not imported: no exchange rate "
            f"{self.from_currency}->{self.to_currency} valid on {self.date.isoformat()}."
        )


@dataclass
class ImportResult:
    legal_entity_id: int
    imported: int = 0
    journal_ids: set[int] = field(default_factory=set)
    missing_rates: list[MissingRate] = field(default_factory=list)


async def _parameters(session: AsyncSession, legal_entity_id: int) -> LegalEntityParameters:
    parameters = await session.get(LegalEntityParameters, legal_entity_id)
    if parameters is None or parameters.voucher_sequence_id is None:
        raise DomainError(
            ErrorCode.MISSING_ACCOUNT,
            f"Legal entity {legal_entity_id} has no voucher number sequence in its parameters.",
        )
    if parameters.journal_sequence_id is None:
        raise DomainError(
            ErrorCode.MISSING_ACCOUNT,
            f"Legal entity {legal_entity_id} has no journal number sequence in its parameters.",
        )
    return parameters


async def _plan_targets(
    session: AsyncSession, parameters: LegalEntityParameters, result: ImportResult
) -> None:
    """Per group: fill the open Draft journal's room first, then as many new journals as needed.

    J2: never a Processing, Posted or Error journal; the Draft one is locked so a concurrent
    posting claim waits until these lines are in.
    """
    capacity = parameters.lines_per_journal
    unit = parameters.journal_period_unit
    await session.execute(text(_TARGETS))
    groups = (await session.execute(text(_GROUPS))).all()
    targets: list[dict[str, object]] = []
    for period_start, count in groups:
        keys = {
            "legal_entity_id": result.legal_entity_id,
            "unit": unit,
            "period_start": period_start,
        }
        draft = (
            await session.execute(text(_DRAFT_WITH_ROOM), {**keys, "capacity": capacity})
        ).first()
        room = 0
        if draft is not None:
            room = min(capacity - draft.line_count, count)
            targets.append(_target(period_start, 1, room, draft.id))
        remaining = count - room
        new_count = -(-remaining // capacity)
        if new_count:
            new_ids = (
                await session.scalars(
                    text(_NEW_JOURNALS),
                    {**keys, "sequence_id": parameters.journal_sequence_id, "count": new_count},
                )
            ).all()
            for index, journal_id in enumerate(sorted(new_ids)):
                first = room + index * capacity + 1
                targets.append(_target(period_start, first, first + capacity - 1, journal_id))
    if targets:
        await session.execute(
            text("INSERT INTO import_targets VALUES (:period_start, :first, :last, :journal_id)"),
            targets,
        )
        result.journal_ids.update(int(str(target["journal_id"])) for target in targets)


def _target(
    period_start: dt.date | None, first: int, last: int, journal_id: int
) -> dict[str, object]:
    return {"period_start": period_start, "first": first, "last": last, "journal_id": journal_id}


async def import_pending_actuals(session: AsyncSession, legal_entity_id: int) -> ImportResult:
    """Import every pending actual of one legal entity; the caller commits (J1-J3)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
        {"namespace": IMPORT_LOCK_NAMESPACE, "key": legal_entity_id},
    )
    parameters = await _parameters(session, legal_entity_id)
    result = ImportResult(legal_entity_id=legal_entity_id)
    stage = _STAGE.format(period_start=_PERIOD_START[PeriodUnit(parameters.journal_period_unit)])
    await session.execute(
        text(stage),
        {
            "legal_entity_id": legal_entity_id,
            "move": parameters.move_to_next_open_period,
            "default_category": parameters.default_project_category_id,
        },
    )
    for row in (await session.execute(text(_MISSING_RATES))).all():
        result.missing_rates.append(MissingRate(row[0], row[1], row[2], row[3]))
    await session.execute(text(_NUMBER_ROWS))
    await _plan_targets(session, parameters, result)
    added = await session.scalars(
        text(_INSERT_LINES),
        {"legal_entity_id": legal_entity_id, "sequence_id": parameters.voucher_sequence_id},
    )
    result.imported = sum(int(count) for count in added)
    await session.execute(text("DROP TABLE import_staged, import_rows, import_targets"))
    return result
