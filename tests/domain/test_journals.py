"""Editing and deleting journal lines (J4) against committed, concurrent transactions:
`domain/journals.py`."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import func, select

from db.models.journals import Journal, JournalLine
from domain.journals import delete_line
from domain.journals_import import import_pending_actuals
from tests.support.jobs import Sessions, committed
from tests.support.journals import add_actuals, committed_world, staging
from tests.support.world import World

__all__ = ["committed", "committed_world"]


async def test_j2_j4_line_deleted_while_an_import_appends_keeps_the_journal_count(
    committed: Sessions, committed_world: World
) -> None:
    """The line count is what J2 fills journals by and J5 chooses the job runner by: a line
    deleted while an import appends to the same journal must not lose the import's lines."""
    async with committed() as session:
        base = await staging(session, committed_world)
        await add_actuals(session, base, [Decimal(1)])
        await import_pending_actuals(session, base.legal_entity_id)
        await add_actuals(session, base, [Decimal(2)])
        await session.commit()
        (first_line,) = await session.scalars(select(JournalLine.id))
    async with committed() as importing, committed() as deleting:
        await import_pending_actuals(importing, base.legal_entity_id)  # holds the journal
        actor = committed_world.actor("accountant")
        deleted = asyncio.create_task(delete_line(deleting, actor, first_line))
        await asyncio.sleep(0.5)  # the delete now waits for the import's journal
        await importing.commit()
        await deleted
        await deleting.commit()
    async with committed() as session:
        (journal,) = await session.scalars(select(Journal))
        lines = await session.scalar(select(func.count()).select_from(JournalLine))
    assert (lines, journal.line_count) == (1, 1)
