"""L1-L3, M1: the books (vouchers, voucher lines with account, project, dimensions and voucher,
the general ledger's pages, the trial balance, Account.balance with literal and variable dates)
read the same on both paths for every role; the compiled path answers the whole document in one
statement without falling back, whatever the number of vouchers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.ledger import VoucherLine
from schema.relay import encode_id
from tests.support import ledger_books as lb
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.read_paths import both, reference
from tests.support.world import World
from tests.test_app import metric

__all__ = ["reference"]

LINE = """fragment Line on VoucherLine { id __typename debit credit amountCurrency currencyCode
  exchangeRate description billingSalesTaxGroup billingItemSalesTaxGroup
  account { id number name legalEntity { code } january: balance(asOf: "2024-01-31")
    balance(asOf: $day) }
  project { code } dimensions { __typename dimension value sharePercent }
  voucher { id number } }"""
DEEP = f"""
query Books($day: Date!, $entries: LedgerEntryFilter, $after: String, $line: ID!) {{
  vouchers(first: 4) {{ __typename
    edges {{ __typename cursor node {{ id __typename number accountingDate sourceType description
      postedAt legalEntity {{ code currencyCode }} reverses {{ id number sourceType }}
      lines {{ ...Line }} }} }}
    nodes {{ number }} pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }}
  generalLedgerEntries(filter: $entries, first: 3, after: $after) {{ __typename
    edges {{ __typename cursor node {{ ...Line }} }}
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }}
  trialBalance(legalEntity: "uspm", fromDate: "2024-02-01", toDate: $day) {{ __typename
    currencyCode lines {{ __typename account {{ number }} openingBalance debits credits
      closingBalance }}
    totals {{ __typename openingBalance debits credits closingBalance }} }}
  node(id: $line) {{ ... on VoucherLine {{ ...Line }} }}
  reversals: vouchers(filter: {{sourceType: REVERSAL}}) {{
    nodes {{ number reverses {{ number }} }} }}
}}
{LINE}"""
FALLBACKS = ("unplanned", "refused", "failed")


@pytest.fixture
async def books(session: AsyncSession, world: World) -> lb.Books:
    return await lb.books(session, world)


async def _variables(session: AsyncSession, books: lb.Books, **more: Any) -> dict[str, Any]:
    line = await session.scalar(
        select(VoucherLine.id).where(VoucherLine.voucher_id == books.vouchers["EXP"].id)
    )
    return {"day": "2024-02-29", "line": encode_id("VoucherLine", line or 0), **more}


async def test_l1_m1_every_field_reads_the_same_on_both_paths_for_every_role(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, books: lb.Books
) -> None:
    tm = encode_id("Project", books.projects["TM"].id)
    filters = [None, {"legalEntity": "USPM", "fromDate": "2024-01-10"}, {"projectId": tm},
               {"sourceType": "REVERSAL", "number": "REV", "toDate": "2024-02-15"}]  # fmt: skip
    for user, token in books.world.tokens.items():
        if user == "outsider":  # DEPM only: no USPM trial balance, the reference's error
            continue
        for entries in filters:
            after = None
            for _ in range(3):
                variables = await _variables(session, books, entries=entries, after=after)
                body, path = await both(client, reference, DEEP, variables, token)
                assert path == "compiled" and "errors" not in body, (user, body)
                after = body["data"]["generalLedgerEntries"]["pageInfo"]["endCursor"]
    variables = await _variables(session, books, entries={"projectId": tm})
    body, _ = await both(client, reference, DEEP, variables, books.world.tokens["accountant"])
    line = body["data"]["generalLedgerEntries"]["edges"][0]["node"]
    assert line["dimensions"] == [
        {"__typename": "VoucherLineDimension", "dimension": "Dept", "value": "A",
         "sharePercent": "60.0000"},
        {"__typename": "VoucherLineDimension", "dimension": "Dept", "value": "B",
         "sharePercent": "40.0000"},
    ]  # fmt: skip
    assert (line["billingSalesTaxGroup"], line["billingItemSalesTaxGroup"]) == ("US", "US-ITEM")
    assert line["account"]["january"] == "100.00" and line["account"]["balance"] == "0.00"
    assert body["data"]["reversals"]["nodes"] == [{"number": "REV", "reverses": {"number": "BILL"}}]


async def test_the_compiled_path_answers_the_books_in_one_statement_without_fallback(
    client: GraphQLClient,
    reference: GraphQLClient,
    session: AsyncSession,
    world: World,
    statements: StatementCounter,
) -> None:
    """For one voucher as for eight: one statement, the reference path's answer."""
    line = lb.Entry("input_tax", "2.00", dimensions=(("Dept", "A", "100"),))
    one = await lb.voucher(session, world, "ONE", lb.JANUARY, [line, lb.Entry("round_off", "-2")])
    await session.commit()
    first = await session.scalar(select(VoucherLine.id).where(VoucherLine.voucher_id == one.id))
    variables = {"day": "2024-02-29", "line": encode_id("VoucherLine", first or 0)}
    before = {r: await metric(client, "projops_read_fallbacks_total", reason=r) for r in FALLBACKS}
    token = world.tokens["accountant"]
    for more in (False, True):
        if more:
            await lb.books(session, world)
        statements.reset()
        compiled = await client.execute(DEEP, variables, token=token)
        assert statements.count == 1, statements.statements
        assert compiled == await reference.execute(DEEP, variables, token=token)
        assert "errors" not in compiled, compiled
    assert len(compiled["data"]["vouchers"]["nodes"]) == 4
    for reason, count in before.items():
        assert await metric(client, "projops_read_fallbacks_total", reason=reason) == count


async def test_refused_arguments_are_the_reference_paths_errors(
    client: GraphQLClient, reference: GraphQLClient, books: lb.Books
) -> None:
    """A range ending before it starts, a foreign legal entity, a date that is none, a bad id
    in a filter, a page size beyond the cap: the compiled path leaves them to the reference
    path, which refuses them."""
    token = books.world.tokens["manager"]
    trial = """query($e: String!, $from: Date!, $to: Date!) {
      trialBalance(legalEntity: $e, fromDate: $from, toDate: $to) { totals { debits } } }"""
    cases: list[tuple[str, dict[str, Any], str]] = [
        (trial, {"e": "USPM", "from": "2024-03-01", "to": "2024-02-01"}, "INVALID"),
        (trial, {"e": "DEPM", "from": "2024-02-01", "to": "2024-03-01"}, "NOT_FOUND"),
        ("query($f: VoucherFilter) { vouchers(filter: $f) { nodes { id } } }",
         {"f": {"accountId": encode_id("Project", 1)}}, "INVALID"),
        ("query($f: LedgerEntryFilter) { generalLedgerEntries(filter: $f) { nodes { id } } }",
         {"f": {"projectId": "garbage"}}, "INVALID"),
        ("{ generalLedgerEntries(first: 101) { nodes { id } } }", {}, "OUT_OF_RANGE"),
        ("{ vouchers(first: 0) { nodes { id } } }", {}, "OUT_OF_RANGE"),
    ]  # fmt: skip
    for query, variables, reason in cases:
        body, path = await both(client, reference, query, variables, token)
        assert path is None and body["errors"][0]["extensions"]["reason"] == reason, body
    balance = """query($d: Date!) { accounts(legalEntity: "USPM") { nodes { balance(asOf: $d) }}}"""
    body, path = await both(client, reference, balance, {"d": "2024-02-30"}, token)
    assert path is None and body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
