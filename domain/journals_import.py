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
from domain import journals_import_sql as sql
from domain.errors import DomainError, ErrorCode

IMPORT_LOCK_NAMESPACE = 7301  # pg_advisory_xact_lock(namespace, legal_entity_id)


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
    posting claim waits until these lines are in. Groups come in period order and rows in
    transaction date order, so new journal numbers follow time.
    """
    capacity = parameters.lines_per_journal
    unit = parameters.journal_period_unit
    await session.execute(text(sql.TARGETS))
    groups = (await session.execute(text(sql.GROUPS))).all()
    targets: list[dict[str, object]] = []
    for period_start, count in groups:
        keys = {
            "legal_entity_id": result.legal_entity_id,
            "unit": unit,
            "period_start": period_start,
        }
        draft = (
            await session.execute(text(sql.DRAFT_WITH_ROOM), {**keys, "capacity": capacity})
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
                    text(sql.NEW_JOURNALS),
                    {**keys, "sequence_id": parameters.journal_sequence_id, "count": new_count},
                )
            ).all()
            # Ids ascend with the numbers (one insert, in series order): the earliest rows go
            # to the lowest number (J2).
            for index, journal_id in enumerate(sorted(new_ids)):
                first = room + index * capacity + 1
                targets.append(_target(period_start, first, first + capacity - 1, journal_id))
    if targets:
        await session.execute(
            text("INSERT INTO import_targets VALUES (:period_start, :first, :last, :journal_id)"),
            targets,
        )
        await session.execute(text(sql.INDEX_TARGETS))
        await session.execute(text("ANALYZE import_targets"))
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
    stage = sql.STAGE.format(
        period_start=sql.PERIOD_START[PeriodUnit(parameters.journal_period_unit)]
    )
    await session.execute(
        text(stage),
        {
            "legal_entity_id": legal_entity_id,
            "move": parameters.move_to_next_open_period,
            "default_category": parameters.default_project_category_id,
        },
    )
    for row in (await session.execute(text(sql.MISSING_RATES))).all():
        result.missing_rates.append(MissingRate(row[0], row[1], row[2], row[3]))
    await session.execute(text(sql.NUMBER_ROWS))
    await _plan_targets(session, parameters, result)
    added = await session.scalars(
        text(sql.INSERT_LINES),
        {"legal_entity_id": legal_entity_id, "sequence_id": parameters.voucher_sequence_id},
    )
    result.imported = sum(int(count) for count in added)
    await session.execute(text("DROP TABLE import_staged, import_rows, import_targets"))
    return result
