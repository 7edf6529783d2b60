"""The integration journal through the API: listing, editing (J4), status repairs (J6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.audit import AuditRecord
from db.models.journals import Journal, JournalLine, JournalLineDimension
from domain.journals_import import import_pending_actuals
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.counter import StatementCounter
from tests.support.dimensions import add_dimension
from tests.support.journals import add_actuals, staging
from tests.support.world import World

JOURNALS = """
query($status: JournalStatus, $first: Int!) {
  journals(status: $status, first: $first) {
    edges { node { id number status periodUnit lineCount legalEntity { code }
      lines(first: 10) { id status voucherNumber exchangeRate
        dimensions(first: 10) { dimension sharePercent }
        actual { id amount expenseReport { id } } voucher { id lines(first: 10) { debit credit } }
      } } }
  }
}"""
EDIT = """
mutation($input: EditJournalLineInput!) {
  editJournalLine(input: $input) {
    journalLine { billingSalesTaxGroup dimensions { dimension value sharePercent } }
    errors { code field message }
  }
}"""
LINE_TO_DRAFT = """
mutation($id: ID!) {
  updateJournalLineToDraft(input: {id: $id}) { journalLine { status } errors { code message } }
}
"""
RESET = """
mutation($input: ResetProcessingLineInput!) {
  resetProcessingJournalLine(input: $input) { journalLine { status } errors { code message } }
}"""


async def _imported(session: AsyncSession, world: World, count: int = 1) -> list[JournalLine]:
    base = await staging(session, world)
    await add_actuals(session, base, [Decimal(10 + n) for n in range(count)])
    await import_pending_actuals(session, base.legal_entity_id)
    await session.commit()
    return list(await session.scalars(select(JournalLine).order_by(JournalLine.id)))


async def test_journals_query_lists_lines_with_constant_statements(
    client: GraphQLClient, world: World, session: AsyncSession, statements: StatementCounter
) -> None:
    await _imported(session, world, 1)
    statements.reset()
    small = await client.data(JOURNALS, {"first": 10}, token=world.tokens["accountant"])
    one_journal = statements.count
    base = await staging(session, world, "DEPM")
    await add_actuals(session, base, [Decimal(n) for n in range(1, 8)])
    await session.execute(update(Journal).values(status="posted"))
    await import_pending_actuals(session, base.legal_entity_id)
    await session.commit()
    statements.reset()
    large = await client.data(JOURNALS, {"first": 10}, token=world.tokens["accountant"])
    assert statements.count == one_journal
    assert len(small["journals"]["edges"]) == 1 and len(large["journals"]["edges"]) == 2
    lines = [edge["node"]["lines"] for edge in large["journals"]["edges"]]
    assert sorted(len(group) for group in lines) == [1, 7]


async def test_m1_journals_of_other_entities_are_invisible(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    await _imported(session, world)
    data = await client.data(JOURNALS, {"first": 10}, token=world.tokens["outsider"])
    assert data["journals"]["edges"] == []


async def _edit(
    client: GraphQLClient, world: World, line: JournalLine, shares: list[dict[str, str]]
) -> dict[str, Any]:
    """The accountant sets tax group EU and the given distribution on the line."""
    variables = {
        "input": {
            "id": encode_id("JournalLine", line.id),
            "billingSalesTaxGroup": "EU",
            "dimensions": shares,
        }
    }
    return await client.mutate(EDIT, variables, token=world.tokens["accountant"])


async def test_j4_draft_line_takes_tax_groups_and_full_distribution(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    (line,) = await _imported(session, world)
    await add_dimension(session, world, "USPM", "Department", "Sales", "Ops")
    await session.commit()
    shares = [
        {"dimension": "Department", "value": "Sales", "sharePercent": "60"},
        {"dimension": "Department", "value": "Ops", "sharePercent": "40"},
    ]
    payload = await _edit(client, world, line, shares)
    assert payload["errors"] == []
    assert payload["journalLine"]["billingSalesTaxGroup"] == "EU"
    assert [d["sharePercent"] for d in payload["journalLine"]["dimensions"]] == [
        "60.0000",
        "40.0000",
    ]


async def test_j4_shares_not_summing_to_100_are_refused_and_nothing_written(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    (line,) = await _imported(session, world)
    shares = [
        {"dimension": "Department", "value": "Sales", "sharePercent": "60"},
        {"dimension": "Department", "value": "Ops", "sharePercent": "39.99"},
    ]
    payload = await _edit(client, world, line, shares)
    assert error_codes(payload) == ["INVALID"] and "99.99" in payload["errors"][0]["message"]
    assert await session.scalar(select(func.count()).select_from(JournalLineDimension)) == 0
    await session.refresh(line)
    assert line.billing_sales_tax_group is None


async def test_j4_only_draft_lines_change(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    (line,) = await _imported(session, world)
    await session.execute(update(JournalLine).values(status="error"))
    await session.commit()
    payload = await client.mutate(
        EDIT,
        {"input": {"id": encode_id("JournalLine", line.id), "billingSalesTaxGroup": "X"}},
        token=world.tokens["accountant"],
    )
    assert error_codes(payload) == ["INVALID_STATE"] and "error" in payload["errors"][0]["message"]


async def test_j4_bad_ids_and_roles_are_typed_errors(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    (line,) = await _imported(session, world)
    gid = encode_id("JournalLine", line.id)
    cases = [
        ({"id": "garbage"}, "accountant", "INVALID"),
        ({"id": encode_id("Journal", line.journal_id)}, "accountant", "INVALID"),
        ({"id": encode_id("JournalLine", 999999)}, "accountant", "NOT_FOUND"),
        ({"id": gid}, "outsider", "NOT_FOUND"),
        ({"id": gid}, "employee", "FORBIDDEN"),
    ]
    for data, user, code in cases:
        payload = await client.mutate(EDIT, {"input": data}, token=world.tokens[user])
        assert error_codes(payload) == [code], (data, user, payload)


async def test_j6_error_line_back_to_draft_is_audited(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    (line,) = await _imported(session, world)
    await session.execute(update(JournalLine).values(status="error", error_text="closed period"))
    await session.commit()
    gid = encode_id("JournalLine", line.id)
    payload = await client.mutate(LINE_TO_DRAFT, {"id": gid}, token=world.tokens["accountant"])
    assert payload == {"journalLine": {"status": "DRAFT"}, "errors": []}
    again = await client.mutate(LINE_TO_DRAFT, {"id": gid}, token=world.tokens["accountant"])
    assert error_codes(again) == ["INVALID_STATE"]
    assert await session.scalar(select(func.count()).select_from(AuditRecord)) == 1


async def test_j6_processing_line_reset_after_24_hours_or_by_admin(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    first, second = await _imported(session, world, 2)
    now = dt.datetime.now(dt.UTC)
    await session.execute(
        update(JournalLine)
        .where(JournalLine.id == first.id)
        .values(status="processing", processing_since=now - dt.timedelta(hours=1))
    )
    await session.execute(
        update(JournalLine)
        .where(JournalLine.id == second.id)
        .values(status="processing", processing_since=now - dt.timedelta(hours=25))
    )
    await session.commit()
    early = {"id": encode_id("JournalLine", first.id)}
    refused = await client.mutate(RESET, {"input": early}, token=world.tokens["accountant"])
    assert error_codes(refused) == ["INVALID_STATE"]
    admin_without_word = await client.mutate(RESET, {"input": early}, token=world.tokens["admin"])
    assert error_codes(admin_without_word) == ["INVALID_STATE"]
    confirmed = {**early, "noPostingRunning": True, "reason": "posting worker crashed"}
    by_admin = await client.mutate(RESET, {"input": confirmed}, token=world.tokens["admin"])
    late = {"id": encode_id("JournalLine", second.id)}
    after_a_day = await client.mutate(RESET, {"input": late}, token=world.tokens["accountant"])
    assert by_admin["errors"] == [] and after_a_day["errors"] == []
    reasons = await session.scalars(select(AuditRecord.reason).order_by(AuditRecord.id))
    assert list(reasons) == ["posting worker crashed", None]


async def test_invalid_enum_values_are_refused_before_anything_runs(
    client: GraphQLClient, world: World, statements: StatementCounter
) -> None:
    token = world.tokens["accountant"]
    inline = await client.execute("{ journals(status: SHIPPED) { nodes { id } } }", token=token)
    variable = await client.execute(JOURNALS, {"status": "shipped", "first": 5}, token=token)
    codes = [body["errors"][0]["extensions"]["code"] for body in (inline, variable)]
    assert codes == ["GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]
    assert inline.get("data") is None and variable.get("data") is None
    assert "SHIPPED" in inline["errors"][0]["message"]
    assert "'shipped' does not exist in 'JournalStatus'" in variable["errors"][0]["message"]
    assert statements.count == 0


DELETE_LINE = """mutation($id: ID!) {
  deleteJournalLine(input: {id: $id}) { deletedId errors { code } } }"""
DELETE_JOURNAL = """mutation($id: ID!) {
  deleteJournal(input: {id: $id}) { deletedId errors { code } } }"""


async def test_j4_unposted_lines_and_journals_can_be_deleted_posted_ones_not(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    first, second = await _imported(session, world, 2)
    token = world.tokens["accountant"]
    line_id = encode_id("JournalLine", first.id)
    deleted = await client.mutate(DELETE_LINE, {"id": line_id}, token=token)
    assert deleted == {"deletedId": line_id, "errors": []}
    journal = await session.get(Journal, second.journal_id)
    assert journal is not None
    await session.refresh(journal)
    assert journal.line_count == 1
    await session.execute(update(JournalLine).values(status="posted"))
    await session.commit()
    refused_line = await client.mutate(
        DELETE_LINE, {"id": encode_id("JournalLine", second.id)}, token=token
    )
    journal_id = encode_id("Journal", second.journal_id)
    refused_journal = await client.mutate(DELETE_JOURNAL, {"id": journal_id}, token=token)
    assert error_codes(refused_line) == error_codes(refused_journal) == ["INVALID_STATE"]
    await session.execute(update(JournalLine).values(status="draft"))
    await session.commit()
    gone = await client.mutate(DELETE_JOURNAL, {"id": journal_id}, token=token)
    assert gone == {"deletedId": journal_id, "errors": []}
    assert await session.scalar(select(func.count()).select_from(JournalLine)) == 0
