"""V1-V9, M1: vendor invoices with every field of their lines (warnings, price conversion,
matched actuals and their sum, actuals and their source line, vouchers), their vendors and
subcontracts read the same on both paths for every role; the compiled path answers the deep read
in one statement without falling back, the reference path in a number of statements that does
not grow with the number of invoices or lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.vendor_invoices import InvoiceStatus, Vendor, VerificationStatus
from domain.vendor_invoices_warnings import UNLINKED
from schema.relay import encode_id
from tests.support import projects
from tests.support import vendor_invoices_data as data
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.expenses import Setup, expense_setup
from tests.support.read_paths import both, reference
from tests.support.world import World
from tests.test_app import metric

__all__ = ["reference"]

ORDERED = """fragment Ordered on SubcontractLine { id __typename lineNumber description quantity
  unitPrice project { code } task { code } transactionCategory { code } unit { code }
  subcontract { number } }"""
LINE = """fragment Line on VendorInvoiceLine { id __typename lineNumber name description date
  quantity unitPrice subtotal salesTax total verificationStatus priceWarning warnings
  priceConverted matchedAmount invoice { number } subcontractLine { ...Ordered }
  project { code } task { code } transactionCategory { code } unitGroup { code baseUnit { code } }
  unit { code } priceList { name } priceUnit { code }
  matchedActuals(first: 5) { id amount sourceType vendorInvoiceLine { lineNumber }
    expenseLine { id } }
  actuals(first: 5) { id actualType amount quantity reverses { id }
    vendorInvoiceLine { id invoice { number status } } } }"""
DEEP = f"""
query Deep($first: Int!, $sort: VendorInvoiceSort!) {{
  vendorInvoices(first: $first, sort: $sort) {{
    edges {{ cursor node {{ id __typename number invoiceDate currencyCode description status
      subtotal salesTax total accountingDate confirmedAt canceledAt createdAt legalEntity {{ code }}
      vendor {{ id code name currencyCode legalEntity {{ code }} }}
      subcontract {{ id number currencyCode vendor {{ code }} legalEntity {{ code }}
        lines(first: 5) {{ ...Ordered }} }}
      lines(first: 5) {{ ...Line }}
      vouchers(first: 5) {{ number sourceType accountingDate lines(first: 5) {{ debit credit }} }}
    }} }}
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
  }}
  vendors {{ nodes {{ id code }} }}
  subcontracts {{ edges {{ cursor node {{ number lines {{ id }} }} }} }}
}}
{ORDERED}
{LINE}"""
NESTED = """query Nested { vendorInvoices { nodes { number lines(first: 5) { id
  project { code } task { code } transactionCategory { code } subcontractLine { lineNumber }
  unit { code } priceList { name } matchedActuals(first: 5) { id amount }
  actuals(first: 5) { id amount } } } } }"""
PRICE_WARNING = "No purchase price list is valid on the line's date (M4)."


@dataclass
class Books:
    world: World
    setup: Setup
    vendor: Vendor
    lines: dict[str, int]  # order line ids by number
    time: projects.TimeUnits


@pytest.fixture
async def books(session: AsyncSession, world: World) -> Books:
    """A vendor of each legal entity; ACME's subcontract orders a line with and without task."""
    setup = await expense_setup(session, world)
    acme = await data.vendor(session, world, "ACME")
    await data.vendor(session, world, "DEV", entity="DEPM", currency="EUR")
    time = await projects.time_units(session, world)
    _, ordered = await data.subcontract(session, acme, "SC-1", [
        {"project_id": setup.tm_project.id, "task_id": setup.tm_task.id, "unit_id": time.day.id,
         "transaction_category_id": setup.category.transaction_category_id,
         "quantity": Decimal(3), "unit_price": Decimal("80.5")},
        {"project_id": setup.fp_project.id},
    ])  # fmt: skip
    await session.commit()
    return Books(world, setup, acme, {"1": ordered[0].id, "2": ordered[1].id}, time)


async def _invoices(
    session: AsyncSession, books: Books, count: int, lines: int, matches: int = 2
) -> None:
    """`count` invoices of `lines` lines each, every reference of a line set, `matches` earlier
    cost actuals matched to each line and its own cost actual; the first one is confirmed (its
    voucher) then canceled (the reversals)."""
    setup, time = books.setup, books.time
    prior = await data.invoice(session, books.vendor, f"PRIOR-{count}")
    linked: dict[str, Any] = {"project_id": setup.tm_project.id, "task_id": setup.tm_task.id,
              "transaction_category_id": setup.category.transaction_category_id}  # fmt: skip
    for number in range(count):
        status = InvoiceStatus.CANCELED if number == 0 else InvoiceStatus.IN_REVIEW
        invoice = await data.invoice(session, books.vendor, f"I-{count}-{number}", status=status)
        made = []
        for _ in range(lines):
            line = await data.line(
                session, invoice, **linked, subtotal="241.50", sales_tax="19.32",
                subcontract_line_id=books.lines["1"], quantity=Decimal(3),
                unit_price=Decimal("80.5"), unit_group_id=time.day.unit_group_id,
                unit_id=time.day.id, price_list_id=setup.price_list.id,
                price_unit_id=time.week.id, verification=VerificationStatus.COMPLETE,
                name=f"Line of {number}",
            )  # fmt: skip
            for _ in range(matches):
                earlier = await data.line(session, prior, **linked, subtotal="120.75")
                await data.match(session, line, (await data.cost_actual(session, earlier)).id)
            made.append(line)
        await data.documents(session, books.world, invoice, made)
    await session.commit()


async def test_v1_v9_every_field_reads_the_same_on_both_paths_for_every_role(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, books: Books
) -> None:
    await _invoices(session, books, 2, 2)
    for user, token in books.world.tokens.items():
        for sort in ("OLDEST_FIRST", "NEWEST_FIRST"):
            variables = {"first": 2, "sort": sort}
            body, path = await both(client, reference, DEEP, variables, token)
            assert path == "compiled", (user, body)
    body, _ = await both(client, reference, DEEP, {"first": 3, "sort": "NEWEST_FIRST"},
                         books.world.tokens["accountant"])  # fmt: skip
    canceled = body["data"]["vendorInvoices"]["edges"][1]["node"]
    assert canceled["status"] == "CANCELED" and len(canceled["vouchers"]) == 2, canceled
    line = canceled["lines"][0]
    assert line["matchedAmount"] == "241.50" and len(line["matchedActuals"]) == 2, line
    assert [actual["amount"] for actual in line["actuals"]] == ["241.50", "-241.50"], line
    assert line["actuals"][0]["vendorInvoiceLine"]["id"] == line["id"], line
    assert line["priceConverted"] is True and line["warnings"] == [], line
    assert line["subcontractLine"]["subcontract"]["number"] == "SC-1", line


async def test_v7_m4_line_warnings_and_price_conversion_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, books: Books
) -> None:
    """The price warning first (when set and not empty), then UNLINKED for a line with
    neither task nor subcontract line; converted when the price's unit is not the line's."""
    setup, time = books.setup, books.time
    base: dict[str, Any] = {"project_id": setup.fp_project.id,
            "transaction_category_id": setup.category.transaction_category_id}  # fmt: skip
    day, week = time.day.id, time.week.id
    invoice = await data.invoice(session, books.vendor, "W-1")
    cases: list[tuple[dict[str, Any], list[str], bool]] = [
        ({}, [UNLINKED], False),
        ({"task_id": setup.fp_task.id, "unit_id": day, "price_unit_id": day}, [], False),
        ({"price_warning": PRICE_WARNING, "price_unit_id": week}, [PRICE_WARNING, UNLINKED], True),
        ({"price_warning": "", "subcontract_line_id": books.lines["2"]}, [], False),
        ({"price_warning": PRICE_WARNING, "task_id": setup.fp_task.id, "unit_id": day,
          "price_unit_id": week}, [PRICE_WARNING], True),
    ]  # fmt: skip
    for columns, _, _ in cases:
        await data.line(session, invoice, **base, **columns)
    await session.commit()
    query = """query($id: ID!) { vendorInvoice(id: $id) { lines { warnings priceConverted } }
      node(id: $id) { ... on VendorInvoice { lines { priceWarning warnings } } } }"""
    variables = {"id": encode_id("VendorInvoice", invoice.id)}
    body, path = await both(client, reference, query, variables, books.world.tokens["manager"])
    assert path == "compiled", body
    read = [(line["warnings"], line["priceConverted"]) for line in
            body["data"]["vendorInvoice"]["lines"]]  # fmt: skip
    assert read == [(warnings, converted) for _, warnings, converted in cases], body


async def _statements(
    gql: GraphQLClient, statements: StatementCounter, token: str
) -> tuple[int, dict[str, Any]]:
    statements.reset()
    body = await gql.execute(NESTED, token=token)
    assert "errors" not in body, body
    return statements.count, body["data"]


async def test_nested_read_costs_the_same_statements_whatever_the_invoices_and_lines(
    client: GraphQLClient,
    reference: GraphQLClient,
    session: AsyncSession,
    books: Books,
    statements: StatementCounter,
) -> None:
    """Reference path: one statement per level (DataLoaders), so 1 invoice x 1 line with one
    matched actual and 5 x 3 with three each cost the same; compiled path: one statement, with
    no fallback."""
    token = books.world.tokens["accountant"]
    await _invoices(session, books, 1, 1, matches=1)
    small, _ = await _statements(reference, statements, token)
    await _invoices(session, books, 5, 3, matches=3)
    large, answer = await _statements(reference, statements, token)
    assert large == small, statements.statements
    invoices = answer["vendorInvoices"]["nodes"]
    assert len(invoices) == 8 and len(invoices[-1]["lines"]) == 3, invoices
    assert len(invoices[-1]["lines"][0]["matchedActuals"]) == 3, invoices
    before = {reason: await metric(client, "projops_read_fallbacks_total", reason=reason)
              for reason in ("unplanned", "refused", "failed")}  # fmt: skip
    compiled, compiled_answer = await _statements(client, statements, token)
    assert compiled == 1 and compiled_answer == answer, statements.statements
    for reason, count in before.items():
        assert await metric(client, "projops_read_fallbacks_total", reason=reason) == count
