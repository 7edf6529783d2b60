"""Connections page both ways in every order they offer: walking forward (`first`/`after`) or
backward (`last`/`before`) visits every row once, in the order of the whole list, on both read
paths alike (their cursors too); `totalCount` counts what the filters and the caller's legal
entities (M1) leave; `first` with `last` and a cursor of another order are BAD_USER_INPUT."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from schema.orders import ORDERINGS
from tests.support import ledger_books as lb
from tests.support import projects as make
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["reference"]

# Root field, its node type, its arguments: connections the world and `rows` fill.
CONNECTIONS = [
    ("projects", "Project", ""),
    ("users", "User", ""),
    ("accounts", "Account", 'legalEntity: "USPM", '),
    ("ledgerPeriods", "LedgerPeriod", 'legalEntity: "USPM", '),
    ("legalEntities", "LegalEntity", ""),
]
PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $order: {order}) {{
  {root}({args}first: $first, after: $after, last: $last, before: $before, orderBy: $order) {{
    edges {{ cursor node {{ id }} }} totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}"""


@pytest.fixture
async def rows(session: AsyncSession, world: World) -> None:
    """Projects whose codes, names and ids are in three different orders; two in DEPM."""
    for code in ("M", "B", "X", "D", "K"):
        await make.project(session, world, code)
    for code in ("C", "Y"):
        await make.project(session, world, code, entity="DEPM", manager="outsider")
    await session.commit()


class Pages:
    def __init__(self, client: GraphQLClient, reference: GraphQLClient, token: str) -> None:
        self.client, self.reference, self.token = client, reference, token

    async def page(self, root: str, type_name: str, args: str, **variables: Any) -> Any:
        query = PAGE.format(order=f"{type_name}Order", root=root, args=args)
        body, _ = await both(self.client, self.reference, query, variables, self.token)
        assert "errors" not in body, body
        return body["data"][root]


def ids(page: Any) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


async def walk_every_order(pages: Pages, root: str, type_name: str, args: str) -> None:
    """Forward pages of 2 and backward pages of 2 list the whole list, in each order."""
    for field in ORDERINGS[type_name].sorts:
        for direction in ("ASC", "DESC"):
            order = {"field": field, "direction": direction}
            whole = await pages.page(root, type_name, args, first=100, order=order)
            every = ids(whole)
            assert len(every) == whole["totalCount"] >= 2, (root, field)
            assert not whole["pageInfo"]["hasNextPage"]
            forward: list[str] = []
            after = None
            while True:
                page = await pages.page(root, type_name, args, first=2, after=after, order=order)
                assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
                forward += ids(page)
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            assert forward == every, (root, field, direction)
            backward: list[str] = []
            before = None
            while True:
                page = await pages.page(root, type_name, args, last=2, before=before, order=order)
                assert page["pageInfo"]["hasNextPage"] == (before is not None)
                backward = ids(page) + backward
                if not page["pageInfo"]["hasPreviousPage"]:
                    break
                before = page["pageInfo"]["startCursor"]
            assert backward == every, (root, field, direction)


@pytest.mark.parametrize(("root", "type_name", "args"), CONNECTIONS)
async def test_walks_both_ways_list_every_row_once_in_every_order(
    client: GraphQLClient,
    reference: GraphQLClient,
    world: World,
    rows: None,
    root: str,
    type_name: str,
    args: str,
) -> None:
    await walk_every_order(Pages(client, reference, world.tokens["admin"]), root, type_name, args)


async def test_books_walk_both_ways_by_dates_numbers_and_the_account_statement_l3(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, world: World
) -> None:
    """Keys of every kind: dates (a DEPM voucher dated between USPM's, made last), text, and
    the account statement's accounting date, voucher and line; equal dates tie by id."""
    await lb.books(session, world)
    pages = Pages(client, reference, world.tokens["admin"])
    await walk_every_order(pages, "vouchers", "Voucher", "")
    await walk_every_order(pages, "generalLedgerEntries", "VoucherLine", "")
    query = """{ vouchers(orderBy: {field: ACCOUNTING_DATE, direction: ASC}, first: 100) {
      nodes { number } } }"""
    body, _ = await both(client, reference, query, {}, world.tokens["admin"])
    numbers = [node["number"] for node in body["data"]["vouchers"]["nodes"]]
    assert numbers == ["WASH", "EXP", "BILL", "COST", "DE-1", "REV", "PAY"]


async def test_projects_orders_follow_their_values(
    client: GraphQLClient,
    reference: GraphQLClient,
    world: World,
    rows: None,
) -> None:
    pages = Pages(client, reference, world.tokens["admin"])
    query = """query($order: ProjectOrder) { projects(orderBy: $order, first: 100) {
      nodes { code } } }"""

    async def codes(field: str, direction: str) -> list[str]:
        variables = {"order": {"field": field, "direction": direction}}
        body, _ = await both(pages.client, pages.reference, query, variables, pages.token)
        return [node["code"] for node in body["data"]["projects"]["nodes"]]

    created = ["M", "B", "X", "D", "K", "C", "Y"]
    assert await codes("ID", "ASC") == created
    assert await codes("ID", "DESC") == created[::-1]
    assert await codes("CODE", "ASC") == sorted(created)
    assert await codes("NAME", "DESC") == sorted(created, reverse=True)
    # One transaction made them all: equal creation times, in id order.
    assert await codes("CREATED_AT", "ASC") == created


async def test_total_count_counts_the_filtered_rows_of_the_callers_legal_entities_m1(
    client: GraphQLClient,
    reference: GraphQLClient,
    world: World,
    rows: None,
    statements: StatementCounter,
) -> None:
    query = """query($entity: String, $after: String) {
      projects(legalEntity: $entity, first: 2, after: $after) {
        totalCount nodes { code } pageInfo { endCursor } } }"""

    async def count(user: str, **variables: Any) -> tuple[int, list[str]]:
        body, path = await both(client, reference, query, variables, world.tokens[user])
        assert path == "compiled"
        found = body["data"]["projects"]
        return found["totalCount"], [node["code"] for node in found["nodes"]]

    assert await count("admin") == (7, ["M", "B"])
    assert await count("admin", entity="DEPM") == (2, ["C", "Y"])
    assert await count("manager") == (5, ["M", "B"])  # USPM only (M1)
    assert await count("outsider") == (2, ["C", "Y"])
    assert await count("manager", entity="DEPM") == (0, [])
    second = await client.data(query, {}, world.tokens["admin"])
    after = second["projects"]["pageInfo"]["endCursor"]
    assert await count("admin", after=after) == (7, ["X", "D"])  # every page counts all
    # The reference path: one more statement when totalCount is selected, none otherwise.
    token = world.tokens["admin"]
    plain = "{ projects(first: 2) { nodes { code } } }"
    counted = "{ projects(first: 2) { totalCount nodes { code } } }"
    spent = []
    for document in (plain, counted):
        await reference.data(document, {}, token)
        statements.reset()
        await reference.data(document, {}, token)
        spent.append(statements.count)
    assert spent[1] == spent[0] + 1


async def test_first_with_last_and_cursors_of_another_order_are_bad_user_input(
    client: GraphQLClient,
    reference: GraphQLClient,
    world: World,
    rows: None,
) -> None:
    token = world.tokens["admin"]
    by_code = {"field": "CODE", "direction": "ASC"}
    first = await client.data(
        "query($o: ProjectOrder) { projects(first: 1, orderBy: $o) { pageInfo { endCursor } } }",
        {"o": by_code},
        token,
    )
    cursor = first["projects"]["pageInfo"]["endCursor"]
    query = """query($first: Int, $last: Int, $after: String, $before: String,
                     $o: ProjectOrder) {
      projects(first: $first, last: $last, after: $after, before: $before, orderBy: $o) {
        nodes { code } } }"""
    refused = [
        ({"first": 1, "last": 1}, "INVALID", ["last"]),
        ({"last": 0}, "OUT_OF_RANGE", ["last"]),
        ({"last": 101}, "OUT_OF_RANGE", ["last"]),
        ({"after": cursor}, "INVALID", ["after"]),  # a CODE cursor in the id order
        ({"before": cursor, "o": {"field": "NAME", "direction": "ASC"}}, "INVALID", ["before"]),
    ]
    for variables, reason, field in refused:
        body, _ = await both(client, reference, query, variables, token)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (variables, body)
        assert (error["extensions"]["reason"], error["extensions"]["field"]) == (reason, field)
    # The same cursor in its own order, either direction, is a position to page from.
    body, _ = await both(client, reference, query, {"after": cursor, "o": by_code}, token)
    assert [node["code"] for node in body["data"]["projects"]["nodes"]] == [
        *("C", "D", "K", "M", "X", "Y")
    ]
