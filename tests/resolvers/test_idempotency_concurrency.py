"""Two requests with the same idempotency key at the same time do the work once: the second
waits on the key's row until the first commits, then answers the first's answer; when the
first dies instead, nothing of it is left and the waiting one does the work. Committed data
and the real engine: each request on its own connection, as in production."""

from __future__ import annotations

import asyncio
from typing import Any

import procrastinate
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.expenses import ProjectExpense
from db.models.idempotency import IdempotencyKey
from db.models.jobs import JobRun
from db.models.ledger import Voucher
from tests.support.client import GraphQLClient
from tests.support.end_to_end import api
from tests.support.expenses import Setup, approved_report, expense_setup
from tests.support.jobs import Sessions, committed, jobs_app
from tests.support.journals import committed_world
from tests.support.world import World

__all__ = ["api", "committed", "committed_world", "jobs_app"]

POST = """mutation($id: ID!, $key: String) {
  postExpenseReport(input: {id: $id, idempotencyKey: $key}) {
    expenseReport { id status voucher { id number } } automaticApprovalRun { id }
    errors { code message } } }"""


@pytest.fixture
async def setup(committed: Sessions, committed_world: World, jobs_app: procrastinate.App) -> Setup:
    async with committed() as session:
        return await expense_setup(session, committed_world)


async def _post(api: GraphQLClient, setup: Setup, report_id: str, key: str) -> dict[str, Any]:
    variables = {"id": report_id, "key": key}
    return await api.mutate(POST, variables, token=setup.world.tokens["accountant"])


async def _written(committed: Sessions) -> list[int]:
    async with committed() as session:
        return [
            int(await session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Voucher, ProjectExpense, JobRun, IdempotencyKey)
        ]


async def test_two_concurrent_posts_with_one_key_post_once(
    committed: Sessions, setup: Setup, api: GraphQLClient
) -> None:
    report_id = await approved_report(api, setup, [{"amount": "10.00"}])
    first, second = await asyncio.gather(
        _post(api, setup, report_id, "together"), _post(api, setup, report_id, "together")
    )
    assert first["errors"] == [] and first["expenseReport"]["status"] == "POSTED"
    assert second == first
    assert await _written(committed) == [1, 1, 1, 1]


async def _hold_key(session: AsyncSession, setup: Setup, key: str) -> None:
    """What a first request with `key` has written before its work: the key's row."""
    await session.execute(
        insert(IdempotencyKey).values(
            user_id=setup.world.users["accountant"].id,
            operation="postExpenseReport",
            key=key,
            request_hash="0" * 64,
            response={},
        )
    )


async def test_a_request_waits_for_the_first_holder_of_its_key(
    committed: Sessions, setup: Setup, api: GraphQLClient
) -> None:
    report_id = await approved_report(api, setup, [{"amount": "10.00"}])
    async with committed() as first:
        await _hold_key(first, setup, "held")
        waiting = asyncio.create_task(_post(api, setup, report_id, "held"))
        done, _ = await asyncio.wait([waiting], timeout=1.0)
        assert not done  # blocked on the key's row while the first request runs
        await first.rollback()  # the first request dies: neither its work nor its key stay
    posted = await waiting
    assert posted["errors"] == [] and posted["expenseReport"]["status"] == "POSTED"
    assert await _written(committed) == [1, 1, 1, 1]
