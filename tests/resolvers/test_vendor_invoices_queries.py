"""`vendors`, `subcontracts`, `vendorInvoices`, `vendorInvoice` and `node`: every filter, keyset
pages both ways, scoping (M1), the line warnings (V7, M4), and a statement count that does not
depend on the number of invoices or lines. Each list is asked of both read paths (`both`), which
must agree; the answer is then checked against what the data says."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.vendor_invoices import InvoiceStatus, VerificationStatus
from schema.relay import encode_id
from tests.support import projects
from tests.support import vendor_invoices_data as data
from tests.support.client import GraphQLClient
from tests.support.expenses import Setup, expense_setup
from tests.support.read_paths import both, reference
from tests.support.world import TODAY, World

__all__ = ["reference"]

INVOICES = """
query($filter: VendorInvoiceFilter, $sort: VendorInvoiceSort, $first: Int, $after: String) {
  vendorInvoices(filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { cursor node { number status } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"""
COMPLETE = VerificationStatus.COMPLETE


@dataclass
class Books:
    """ACME and BOLT invoice USPM, DEV invoices DEPM; ACME's subcontract SC-1 orders two lines."""

    world: World
    setup: Setup
    ids: dict[str, str]  # global ids by name: vendors, the subcontract, projects

    async def numbers(
        self, client: GraphQLClient, reference: GraphQLClient, user: str = "admin", **given: Any
    ) -> list[str]:
        """The invoice numbers both paths list for `user` with the filter `given`."""
        variables = {"filter": given}
        body, _ = await both(client, reference, INVOICES, variables, self.world.tokens[user])
        assert "errors" not in body, body
        return [edge["node"]["number"] for edge in body["data"]["vendorInvoices"]["edges"]]


@pytest.fixture
async def books(session: AsyncSession, world: World) -> Books:
    setup = await expense_setup(session, world)
    category = setup.category.transaction_category_id
    tm, fp = setup.tm_project, setup.fp_project
    de = await projects.project(session, world, "DE1", entity="DEPM", manager="outsider")
    acme, bolt = [await data.vendor(session, world, code) for code in ("ACME", "BOLT")]
    dev = await data.vendor(session, world, "DEV", entity="DEPM", currency="EUR")
    ordered = {"project_id": tm.id, "task_id": setup.tm_task.id}
    contract, (first_ordered, _) = await data.subcontract(
        session, acme, "SC-1", [ordered, {"project_id": fp.id}]
    )
    on_tm: dict[str, Any] = {"project_id": tm.id, "transaction_category_id": category}
    a1 = await data.invoice(session, acme, "A-1", contract=contract)
    await data.line(session, a1, **on_tm, date=TODAY - dt.timedelta(days=10),
                    subcontract_line_id=first_ordered.id, task_id=setup.tm_task.id,
                    verification=COMPLETE)  # fmt: skip
    await data.line(session, a1, project_id=fp.id, transaction_category_id=category,
                    date=TODAY + dt.timedelta(days=10))  # fmt: skip
    a2 = await data.invoice(session, acme, "A-2", status=InvoiceStatus.IN_REVIEW)
    await data.line(session, a2, **on_tm, verification=COMPLETE)
    b1 = await data.invoice(session, bolt, "B-1", status=InvoiceStatus.CONFIRMED)
    await data.line(session, b1, **on_tm, task_id=setup.tm_task.id, verification=COMPLETE)
    await data.invoice(session, bolt, "B-2")  # no line: nothing unverified
    d1 = await data.invoice(session, dev, "D-1")
    await data.line(session, d1, project_id=de.id, transaction_category_id=category)
    await session.commit()
    gids = {"ACME": ("Vendor", acme.id), "BOLT": ("Vendor", bolt.id), "DEV": ("Vendor", dev.id),
            "SC-1": ("Subcontract", contract.id), "TM": ("Project", tm.id),
            "FP": ("Project", fp.id), "A-1": ("VendorInvoice", a1.id),
            "D-1": ("VendorInvoice", d1.id)}  # fmt: skip
    return Books(world, setup, {name: encode_id(*pair) for name, pair in gids.items()})


async def test_each_vendor_invoice_filter(
    client: GraphQLClient, reference: GraphQLClient, books: Books
) -> None:
    async def numbers(**given: Any) -> list[str]:
        return await books.numbers(client, reference, **given)

    ids = books.ids
    assert await numbers() == ["A-1", "A-2", "B-1", "B-2", "D-1"]
    assert await numbers(legalEntity="depm") == ["D-1"]
    assert await numbers(vendorId=ids["ACME"]) == ["A-1", "A-2"]
    assert await numbers(status="CONFIRMED") == ["B-1"]
    assert await numbers(subcontractId=ids["SC-1"]) == ["A-1"]
    assert await numbers(projectId=ids["FP"]) == ["A-1"]
    assert await numbers(number="B-1") == ["B-1"]
    assert await numbers(number="b-1") == []
    assert await numbers(vendorId=ids["BOLT"], status="DRAFT") == ["B-2"]


async def test_v6_has_unverified_lines_both_ways(
    client: GraphQLClient, reference: GraphQLClient, books: Books
) -> None:
    """true: a line not Complete; false: every line Complete, or no line at all."""
    assert await books.numbers(client, reference, hasUnverifiedLines=True) == ["A-1", "D-1"]
    unverified = await books.numbers(client, reference, hasUnverifiedLines=False)
    assert unverified == ["A-2", "B-1", "B-2"]


async def test_date_range_needs_one_line_inside_it(
    client: GraphQLClient, reference: GraphQLClient, books: Books
) -> None:
    """A-1 has a line ten days before and one ten days after: none inside five days."""
    days = {n: str(TODAY + dt.timedelta(days=n)) for n in (-10, -5, 5, 10)}
    week = await books.numbers(client, reference, fromDate=days[-5], toDate=days[5])
    assert week == ["A-2", "B-1", "D-1"]
    wide = await books.numbers(client, reference, fromDate=days[-10], toDate=days[5])
    assert wide == ["A-1", "A-2", "B-1", "D-1"]
    assert await books.numbers(client, reference, fromDate=days[10]) == ["A-1"]
    assert await books.numbers(client, reference, toDate=days[-5]) == ["A-1"]


async def test_keyset_pages_oldest_and_newest_first(
    client: GraphQLClient, reference: GraphQLClient, books: Books
) -> None:
    token = books.world.tokens["accountant"]
    for sort, expected in (("OLDEST_FIRST", "A-1 A-2 B-1 B-2 D-1"),
                           ("NEWEST_FIRST", "D-1 B-2 B-1 A-2 A-1")):  # fmt: skip
        seen, after, pages = [], None, []
        while True:
            variables = {"sort": sort, "first": 2, "after": after}
            body, path = await both(client, reference, INVOICES, variables, token)
            assert path == "compiled", body
            page = body["data"]["vendorInvoices"]
            seen += [edge["node"]["number"] for edge in page["edges"]]
            pages.append(page["pageInfo"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == expected.split(), sort
        assert [info["hasPreviousPage"] for info in pages] == [False, True, True], pages


async def test_bad_ids_in_filters_are_typed_errors(
    client: GraphQLClient, reference: GraphQLClient, books: Books
) -> None:
    token = books.world.tokens["admin"]
    cases = [("vendorId", "garbage"), ("vendorId", books.ids["TM"]),
             ("subcontractId", books.ids["ACME"]), ("projectId", books.ids["SC-1"])]  # fmt: skip
    for field, value in cases:
        body, path = await both(client, reference, INVOICES, {"filter": {field: value}}, token)
        assert path is None and body["data"] is None, body
        extensions = body["errors"][0]["extensions"]
        assert extensions == {"code": "BAD_USER_INPUT", "reason": "INVALID", "field": [field]}
    query = "query($v: ID) { subcontracts(filter: {vendorId: $v}) { nodes { number } } }"
    body, _ = await both(client, reference, query, {"v": books.ids["SC-1"]}, token)
    assert body["errors"][0]["extensions"]["reason"] == "INVALID", body


PARTIES = """
query($vendors: VendorFilter, $subcontracts: SubcontractFilter) {
  vendors(filter: $vendors) { nodes { code currencyCode legalEntity { code } } }
  subcontracts(filter: $subcontracts) { nodes { number vendor { code } lines { lineNumber } } }
}"""


async def test_vendor_and_subcontract_filters(
    client: GraphQLClient, reference: GraphQLClient, books: Books
) -> None:
    async def codes(vendors: dict[str, Any], subcontracts: dict[str, Any]) -> list[list[str]]:
        variables = {"vendors": vendors, "subcontracts": subcontracts}
        body, path = await both(client, reference, PARTIES, variables, books.world.tokens["admin"])
        assert path == "compiled", body
        found = body["data"]
        return [[row["code"] for row in found["vendors"]["nodes"]],
                [row["number"] for row in found["subcontracts"]["nodes"]]]  # fmt: skip

    assert await codes({}, {}) == [["ACME", "BOLT", "DEV"], ["SC-1"]]
    assert await codes({"legalEntity": "Depm"}, {"legalEntity": "DEPM"}) == [["DEV"], []]
    assert await codes({"code": "BOLT"}, {"number": "SC-1"}) == [["BOLT"], ["SC-1"]]
    assert await codes({"code": "bolt"}, {"number": "SC-2"}) == [[], []]
    by_vendor = await codes({}, {"vendorId": books.ids["BOLT"]})
    assert by_vendor[1] == []
    assert (await codes({}, {"vendorId": books.ids["ACME"]}))[1] == ["SC-1"]


NODES = """
query($vendor: ID!, $subcontract: ID!, $invoice: ID!) {
  vendor: node(id: $vendor) { id ... on Vendor { code } }
  subcontract: node(id: $subcontract) { id ... on Subcontract { number } }
  invoice: node(id: $invoice) { id ... on VendorInvoice { number lines { id } } }
  vendorInvoice(id: $invoice) { number }
  vendorInvoices { nodes { number } }
  vendors { nodes { code } }
}"""


async def test_m1_another_legal_entitys_vendors_and_invoices_are_invisible(
    client: GraphQLClient, reference: GraphQLClient, books: Books
) -> None:
    """USPM's manager sees none of DEPM's rows, DEPM's outsider none of USPM's: not in the
    lists, not by `node` (nor lines by id), not by `vendorInvoice`."""
    ours = {"vendor": books.ids["ACME"], "subcontract": books.ids["SC-1"],
            "invoice": books.ids["A-1"]}  # fmt: skip
    theirs = {**ours, "vendor": books.ids["DEV"], "invoice": books.ids["D-1"]}
    manager, outsider = books.world.tokens["manager"], books.world.tokens["outsider"]
    seen, path = await both(client, reference, NODES, theirs, manager)
    assert path == "compiled", seen
    assert seen["data"]["vendor"] is None and seen["data"]["subcontract"] is not None, seen
    assert seen["data"]["invoice"] is None and seen["data"]["vendorInvoice"] is None
    assert [row["number"] for row in seen["data"]["vendorInvoices"]["nodes"]] == [
        "A-1", "A-2", "B-1", "B-2"]  # fmt: skip
    mine, _ = await both(client, reference, NODES, theirs, outsider)
    assert mine["data"]["vendor"] == {"id": theirs["vendor"], "code": "DEV"}
    assert mine["data"]["vendorInvoice"] == {"number": "D-1"}
    assert mine["data"]["subcontract"] is None  # SC-1 is USPM's
    assert [row["code"] for row in mine["data"]["vendors"]["nodes"]] == ["DEV"]
    assert [row["number"] for row in mine["data"]["vendorInvoices"]["nodes"]] == ["D-1"]
    own, _ = await both(client, reference, NODES, ours, manager)
    line = own["data"]["invoice"]["lines"][0]["id"]
    query = "query($id: ID!) { node(id: $id) { id } }"
    for token, expected in ((manager, {"id": line}), (outsider, None)):
        body, _ = await both(client, reference, query, {"id": line}, token)
        assert body["data"]["node"] == expected, body
