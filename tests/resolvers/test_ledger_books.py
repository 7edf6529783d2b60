"""The books through the API (L1-L3, M1): `vouchers` and `generalLedgerEntries` with every
filter and keyset pages, `trialBalance` to the cent, `Account.balance`, scoping to the caller's
legal entities, and statement counts that do not grow with the rows. Each request is asked of
both read paths (`both`), which must agree; the answer is then checked against the ledger of
`tests.support.ledger_books.books`."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.ledger import Voucher, VoucherLine, VoucherSource
from schema.relay import encode_id
from tests.support import ledger_books as lb
from tests.support import projects
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["reference"]

VOUCHERS = """query($filter: VoucherFilter, $first: Int, $after: String) {
  vouchers(filter: $filter, first: $first, after: $after) {
    edges { cursor node { number } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
ENTRIES = """query($filter: LedgerEntryFilter, $first: Int, $after: String) {
  generalLedgerEntries(filter: $filter, first: $first, after: $after) {
    edges { cursor node { description } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
TRIAL = """query($entity: String!, $from: Date!, $to: Date!) {
  trialBalance(legalEntity: $entity, fromDate: $from, toDate: $to) { currencyCode
    lines { account { number name } openingBalance debits credits closingBalance }
    totals { openingBalance debits credits closingBalance } } }"""
USPM = ["WASH", "EXP", "BILL", "COST", "REV", "PAY"]


@pytest.fixture
async def books(session: AsyncSession, world: World) -> lb.Books:
    return await lb.books(session, world)


class Ask:
    """The requests of the tests, asked of both paths, whose answers must have no error."""

    def __init__(self, client: GraphQLClient, reference: GraphQLClient, books: lb.Books) -> None:
        self.paths, self.books = (client, reference), books

    async def data(self, query: str, user: str = "accountant", **variables: Any) -> Any:
        body, _ = await both(*self.paths, query, variables, self.books.world.tokens[user])
        assert "errors" not in body, body
        return body["data"]

    async def listed(self, query: str, user: str = "accountant", **variables: Any) -> list[str]:
        """Numbers of vouchers or descriptions of lines, every page of `first` 2 followed."""
        seen, after, pages = [], None, []
        while True:
            data = await self.data(query, user, first=2, after=after, **variables)
            (connection,) = data.values()
            seen += [edge["node"].get("number") or edge["node"]["description"]
                     for edge in connection["edges"]]  # fmt: skip
            pages.append(connection["pageInfo"])
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        assert [page["hasPreviousPage"] for page in pages] == [False] + [True] * (len(pages) - 1)
        return seen

    def gid(self, type_name: str, pk: int) -> str:
        return str(encode_id(type_name, pk))

    def account(self, role: str, entity: str = "USPM") -> str:
        return self.gid("Account", self.books.world.companies[entity].accounts[role].id)

    def project(self, code: str) -> str:
        return self.gid("Project", self.books.projects[code].id)


@pytest.fixture
def ask(client: GraphQLClient, reference: GraphQLClient, books: lb.Books) -> Ask:
    return Ask(client, reference, books)


async def test_m1_vouchers_every_filter_page_by_page(ask: Ask) -> None:
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({}, [*USPM, "DE-1"]),
        ({"legalEntity": "uspm"}, USPM),
        ({"legalEntity": "DEPM"}, ["DE-1"]),
        ({"fromDate": "2024-02-01", "toDate": "2024-02-29"}, ["COST", "REV", "DE-1"]),
        ({"fromDate": "2024-02-15"}, ["REV", "PAY"]),
        ({"toDate": "2024-01-20"}, ["WASH", "EXP", "BILL"]),
        ({"number": "EXP"}, ["EXP"]),
        ({"number": "exp"}, []),
        ({"sourceType": "REVERSAL"}, ["REV"]),
        ({"sourceType": "JOURNAL_LINE"}, ["WASH", "COST", "PAY", "DE-1"]),
        ({"accountId": ask.account("expense_integration")}, ["EXP", "COST"]),
        ({"accountId": ask.account("project_cost", "DEPM")}, ["DE-1"]),
        ({"projectId": ask.project("TM")}, ["EXP", "COST"]),
        # Each on a line of the voucher, not necessarily the same line.
        ({"projectId": ask.project("FP"), "accountId": ask.account("vendor_payable")},
         ["BILL", "REV"]),
    ]  # fmt: skip
    for given, expected in cases:
        assert await ask.listed(VOUCHERS, filter=given) == expected, given


async def test_m1_general_ledger_entries_filter_the_line_in_statement_order(
    ask: Ask, session: AsyncSession
) -> None:
    """By accounting date, voucher, line: LATE is dated first although posted last."""
    entry = lb.Entry("expense_integration", "-5.00")
    await lb.voucher(session, ask.books.world, "LATE", lb.JANUARY,
                     [lb.Entry("input_tax", "5.00"), entry])  # fmt: skip
    await session.commit()
    every = await ask.listed(ENTRIES, filter={"legalEntity": "USPM"})
    assert every[:4] == ["input_tax of LATE", "expense_integration of LATE",
                         "wip_sales_value of WASH", "wip_sales_value of WASH"], every  # fmt: skip
    assert len(every) == 15 and every[-2:] == ["employee_payable of PAY", "round_off of PAY"]
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"accountId": ask.account("expense_integration")},
         ["expense_integration of LATE", "expense_integration of EXP",
          "expense_integration of COST"]),
        ({"projectId": ask.project("TM")},
         ["expense_integration of EXP", "project_cost of COST", "expense_integration of COST"]),
        # Both on the line itself: no line of FP is on the vendor payable.
        ({"projectId": ask.project("FP"), "accountId": ask.account("vendor_payable")}, []),
        ({"fromDate": "2024-02-05", "toDate": "2024-02-10"},
         ["project_cost of COST", "expense_integration of COST", "project_cost of DE-1",
          "vendor_payable of DE-1"]),
        ({"number": "REV"}, ["vendor_payable of REV", "procurement_integration of REV"]),
        ({"sourceType": "EXPENSE_REPORT"},
         ["expense_integration of EXP", "input_tax of EXP", "employee_payable of EXP"]),
        ({"legalEntity": "depm"}, ["project_cost of DE-1", "vendor_payable of DE-1"]),
    ]  # fmt: skip
    for given, expected in cases:
        assert await ask.listed(ENTRIES, filter=given) == expected, given


async def test_m1_callers_see_only_their_legal_entities_books(
    ask: Ask, books: lb.Books, session: AsyncSession
) -> None:
    assert await ask.listed(VOUCHERS, "employee") == USPM
    assert await ask.listed(VOUCHERS, "outsider") == ["DE-1"]
    assert await ask.listed(VOUCHERS, "manager", filter={"legalEntity": "DEPM"}) == []
    foreign = {"accountId": ask.account("project_cost", "DEPM")}
    assert await ask.listed(ENTRIES, "manager", filter=foreign) == []
    theirs = await ask.data(ENTRIES, "outsider", first=1)
    cursor = theirs["generalLedgerEntries"]["pageInfo"]["endCursor"]
    # A cursor is a position (the sort key values of its line), never a way in: after another
    # company's line come the caller's own lines that follow that position, none of theirs.
    page = await ask.data(ENTRIES, "manager", first=100, after=cursor)
    mine = await ask.data(ENTRIES, "manager", first=100)
    listed = [edge["node"] for edge in page["generalLedgerEntries"]["edges"]]
    every = [edge["node"] for edge in mine["generalLedgerEntries"]["edges"]]
    assert listed and listed == every[len(every) - len(listed) :]
    de = books.vouchers["DE-1"].id
    line = await session.scalar(select(VoucherLine.id).where(VoucherLine.voucher_id == de))
    nodes = "query($v: ID!, $l: ID!) { v: node(id: $v) { id } l: node(id: $l) { id } }"
    variables = {"v": ask.gid("Voucher", de), "l": ask.gid("VoucherLine", line or 0)}
    assert await ask.data(nodes, "manager", **variables) == {"v": None, "l": None}
    own = await ask.data(nodes, "outsider", **variables)
    assert own == {"v": {"id": variables["v"]}, "l": {"id": variables["l"]}}
    for user, entity in (("manager", "DEPM"), ("outsider", "USPM"), ("admin", "NOPE")):
        variables = {"entity": entity, "from": "2024-02-01", "to": "2024-02-29"}
        body, path = await both(*ask.paths, TRIAL, variables, ask.books.world.tokens[user])
        assert path is None and body["data"] is None, body
        assert body["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT", "reason": "NOT_FOUND", "field": ["legalEntity"]}  # fmt: skip


def _figures(line: dict[str, Any]) -> tuple[str, ...]:
    return (line["openingBalance"], line["debits"], line["credits"], line["closingBalance"])


async def test_l1_trial_balance_to_the_cent_opening_from_january_movements_of_february(
    ask: Ask, session: AsyncSession
) -> None:
    """WASH nets WIP to zero in January: neither an opening balance nor a movement, no line.
    PAY (March) is after the range. The totals balance and equal the February vouchers."""
    data = await ask.data(TRIAL, entity="uspm", **{"from": "2024-02-01", "to": "2024-02-29"})
    balance = data["trialBalance"]
    assert balance["currencyCode"] == "USD"
    assert [(line["account"]["name"], *_figures(line)) for line in balance["lines"]] == [
        ("expense_integration", "100.00", "0.00", "100.00", "0.00"),
        ("procurement_integration", "250.50", "0.00", "250.50", "0.00"),
        ("project_cost", "0.00", "100.00", "0.00", "100.00"),
        ("input_tax", "8.25", "0.00", "0.00", "8.25"),
        ("employee_payable", "-108.25", "0.00", "0.00", "-108.25"),
        ("vendor_payable", "-250.50", "250.50", "0.00", "0.00"),
    ]
    assert _figures(balance["totals"]) == ("0.00", "350.50", "350.50", "0.00")
    in_february = (
        select(func.sum(VoucherLine.debit), func.sum(VoucherLine.credit))
        .join(Voucher, Voucher.id == VoucherLine.voucher_id)
        .where(Voucher.accounting_date.between(lb.FEBRUARY, lb.END_OF_FEBRUARY))
        .where(Voucher.legal_entity_id == ask.books.world.entity_id("USPM"))
    )
    debits, credits = (await session.execute(in_february)).one()
    assert (str(debits), str(credits)) == ("350.5000", "350.5000")


async def test_l1_trial_balance_after_and_before_every_voucher(ask: Ask) -> None:
    """In April only opening balances remain (the paid payable and the clearing accounts at 0
    are left out); before January there is nothing, and the totals are zero."""
    april = await ask.data(TRIAL, entity="USPM", **{"from": "2024-04-01", "to": "2024-04-30"})
    lines = april["trialBalance"]["lines"]
    assert [(line["account"]["name"], *_figures(line)) for line in lines] == [
        ("project_cost", "100.00", "0.00", "0.00", "100.00"),
        ("input_tax", "8.25", "0.00", "0.00", "8.25"),
        ("round_off", "-108.25", "0.00", "0.00", "-108.25"),
    ]
    assert _figures(april["trialBalance"]["totals"]) == ("0.00",) * 4
    early = await ask.data(TRIAL, entity="DEPM", **{"from": "2023-01-01", "to": "2023-12-31"})
    assert early["trialBalance"] == {"currencyCode": "EUR", "lines": [],
                                     "totals": dict.fromkeys(
                                         ("openingBalance", "debits", "credits",
                                          "closingBalance"), "0.00")}  # fmt: skip


async def test_trial_balance_range_ending_before_it_starts_is_bad_user_input(ask: Ask) -> None:
    variables = {"entity": "USPM", "from": "2024-02-02", "to": "2024-02-01"}
    body, path = await both(*ask.paths, TRIAL, variables, ask.books.world.tokens["accountant"])
    assert path is None and body["data"] is None, body
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT", "reason": "INVALID", "field": ["toDate"]}  # fmt: skip
    one_day = {"entity": "USPM", "from": "2024-02-05", "to": "2024-02-05"}
    data = await ask.data(TRIAL, **one_day)
    assert _figures(data["trialBalance"]["totals"]) == ("0.00", "100.00", "100.00", "0.00")


BALANCES = """query($day: Date!) { accounts(legalEntity: "USPM", first: 20) { nodes {
  name january: balance(asOf: "2024-01-31") balance(asOf: $day) } } }"""


async def test_l1_account_balance_sums_the_lines_dated_up_to_the_day(ask: Ask) -> None:
    data = await ask.data(BALANCES, day="2024-02-15")
    read = {n["name"]: (n["january"], n["balance"]) for n in data["accounts"]["nodes"]}
    assert read == {
        "expense_integration": ("100.00", "0.00"),
        "procurement_integration": ("250.50", "0.00"),
        "project_cost": ("0.00", "100.00"),
        "wip_sales_value": ("0.00", "0.00"),
        "accrued_revenue": ("0.00", "0.00"),
        "input_tax": ("8.25", "8.25"),
        "employee_payable": ("-108.25", "-108.25"),
        "vendor_payable": ("-250.50", "0.00"),
        "round_off": ("0.00", "0.00"),
    }
    before = await ask.data(BALANCES, day="2023-12-31")
    assert {node["balance"] for node in before["accounts"]["nodes"]} == {"0.00"}


DEEP = """{
  vouchers(first: 50) { nodes { number sourceType legalEntity { code } reverses { number }
    lines(first: 10) { id debit account { number balance(asOf: "2024-02-29") } project { code }
      dimensions(first: 10) { dimension value sharePercent } voucher { number } } } }
  generalLedgerEntries(first: 50) { nodes { description account { name } project { code }
    dimensions { value } voucher { number reverses { number } } } }
  trialBalance(legalEntity: "USPM", fromDate: "2024-01-01", toDate: "2024-12-31") {
    lines { account { number balance(asOf: "2024-12-31") } closingBalance } totals { debits } }
}"""


async def test_statement_count_does_not_grow_with_vouchers_or_lines(
    reference: GraphQLClient, session: AsyncSession, world: World, statements: StatementCounter
) -> None:
    """The reference path: one statement per level of the document, for a voucher and its
    reversal as for nine vouchers (the compiled path's single statement is in
    tests/compiler/test_ledger_books.py)."""
    project = await projects.project(session, world, "ONE")
    split = (("Dept", "A", "50"), ("Dept", "B", "50"))
    entries = [lb.Entry("project_cost", "1.00", project, split), lb.Entry("round_off", "-1.00")]
    one = await lb.voucher(session, world, "ONE", lb.JANUARY, entries)
    mirrored = [lb.Entry("project_cost", "-1.00", project), lb.Entry("round_off", "1.00")]
    await lb.voucher(session, world, "ONE-R", lb.JANUARY, mirrored, reverses=one,
                     source=VoucherSource.REVERSAL)  # fmt: skip
    await session.commit()
    counts, answers = [], []
    for more in (False, True):
        if more:
            await lb.books(session, world)
        statements.reset()
        body = await reference.execute(DEEP, token=world.tokens["accountant"])
        assert "errors" not in body, body
        counts.append(statements.count)
        answers.append(body["data"])
    assert counts[0] == counts[1], statements.statements
    small, large = answers
    assert len(small["vouchers"]["nodes"]) == 2 and len(large["vouchers"]["nodes"]) == 9
    assert len(large["generalLedgerEntries"]["nodes"]) == 19
    assert small["vouchers"]["nodes"][0]["lines"][0]["dimensions"] == [
        {"dimension": "Dept", "value": "A", "sharePercent": "50.0000"},
        {"dimension": "Dept", "value": "B", "sharePercent": "50.0000"},
    ]
    assert large["trialBalance"]["totals"] == {"debits": "829.50"}
