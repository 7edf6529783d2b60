"""A mutation reads its one `input` first (schema/mutations.py `decoded`): an id it cannot use
is INVALID on that input field, in the payload, whoever calls (docs/authorization.md), before
any row is looked up; the request itself has no error and nothing is written."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.ledger import LedgerPeriod
from db.models.master_data import Task
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.world import World

# (mutation, its input with one unusable id, the field named, the message)
CALLS = [
    ("deleteTask", '{id: "nonsense"}', ["id"], "'nonsense' is not a valid id."),
    (
        "deleteTask",
        f'{{id: "{encode_id("Project", 1)}"}}',
        ["id"],
        f"'{encode_id('Project', 1)}' is a Project id, not a Task id.",
    ),
    (
        "setLedgerPeriodStatus",
        '{id: "nonsense", status: ON_HOLD}',
        ["id"],
        "'nonsense' is not a valid id.",
    ),
    (
        "approveExpenseLines",
        f'{{reportId: "{encode_id("ExpenseReport", 1)}", lineIds: ["x"]}}',
        ["lineIds"],
        "'x' is not a valid id.",
    ),
    ("updateJournalToDraft", '{id: "x"}', ["id"], "'x' is not a valid id."),
]


async def _counts(session: AsyncSession) -> list[int | None]:
    return [await session.scalar(select(func.count()).select_from(t)) for t in (Task, LedgerPeriod)]


async def test_an_unusable_id_in_the_input_is_invalid_on_its_field_for_any_caller(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    before = [
        await session.scalar(select(func.count()).select_from(t)) for t in (Task, LedgerPeriod)
    ]
    for field, value, path, message in CALLS:
        document = f"mutation {{ {field}(input: {value}) {{ errors {{ code field message }} }} }}"
        for token in (None, world.tokens["employee"], world.tokens["accountant"]):
            body = await client.execute(document, None, token)
            assert "errors" not in body, (field, body)
            assert body["data"][field]["errors"] == [
                {"code": "INVALID", "field": path, "message": message}
            ], (field, token)
    after = [
        await session.scalar(select(func.count()).select_from(t)) for t in (Task, LedgerPeriod)
    ]
    assert after == before
