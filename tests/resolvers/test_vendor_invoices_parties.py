"""Recording vendors and subcontracts through the API: a subcontract line follows the rules
of an invoice line (V3), every failure reported with the line's path, nothing written."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.vendor_invoices import Subcontract, SubcontractLine
from tests.support.client import GraphQLClient, error_codes
from tests.support.vendor_invoices import InvoiceSetup, setup

__all__ = ["setup"]

CREATE_VENDOR = """mutation($input: CreateVendorInput!) { createVendor(input: $input) {
  vendor { code name currencyCode legalEntity { code } } errors { code field message } } }"""
CREATE_SUBCONTRACT = """mutation($input: CreateSubcontractInput!) {
  createSubcontract(input: $input) { subcontract { number currencyCode vendor { code }
    lines { lineNumber quantity unitPrice unit { code } project { code } task { code }
            transactionCategory { code } } }
  errors { code field message } } }"""


async def test_a_vendor_is_unique_by_code_in_its_legal_entity(
    client: GraphQLClient, setup: InvoiceSetup
) -> None:
    new = {"legalEntity": "USPM", "code": "INITECH", "name": "Initech", "currencyCode": "EUR"}
    created = await client.mutate(CREATE_VENDOR, {"input": new}, setup.token())
    assert created["vendor"] == {
        "code": "INITECH",
        "name": "Initech",
        "currencyCode": "EUR",
        "legalEntity": {"code": "USPM"},
    }
    again = await client.mutate(CREATE_VENDOR, {"input": new}, setup.token())
    assert error_codes(again) == ["DUPLICATE"]
    employee = await client.mutate(CREATE_VENDOR, {"input": new}, setup.token("employee"))
    assert error_codes(employee) == ["FORBIDDEN"]


def _line(setup: InvoiceSetup, **values: str | None) -> dict[str, str | None]:
    line: dict[str, str | None] = {
        "projectId": setup.gid("Project", setup.project.id),
        "transactionCategoryId": setup.gid("TransactionCategory", setup.category.id),
        "quantity": "4",
        "unitId": setup.gid("Unit", setup.units.week.id),
        "unitPrice": "735",
    }
    line.update(values)
    return line


async def test_v3_a_subcontract_and_its_ordered_lines(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    new = {
        "legalEntity": "USPM",
        "vendorId": setup.gid("Vendor", setup.vendor.id),
        "number": "SC-9",
        "lines": [_line(setup), _line(setup, taskId=setup.gid("Task", setup.task.id), unitId=None)],
    }
    created = await client.mutate(CREATE_SUBCONTRACT, {"input": new}, setup.token())
    assert created["errors"] == []
    subcontract = created["subcontract"]
    assert (subcontract["number"], subcontract["currencyCode"]) == ("SC-9", "USD")
    first, second = subcontract["lines"]
    assert (first["lineNumber"], first["unit"], first["task"]) == (1, {"code": "WEEK"}, None)
    assert (second["unit"], second["task"]) == ({"code": "DAY"}, {"code": "T1"})  # the base

    before = await session.scalar(select(func.count()).select_from(SubcontractLine))
    wrong = {
        **new,
        "number": "SC-10",
        "lines": [
            _line(setup),
            _line(
                setup,
                projectId=setup.gid("Project", setup.foreign_project.id),
                unitId=setup.gid("Unit", setup.units.each.id),
            ),
            _line(
                setup,
                transactionCategoryId=setup.gid(
                    "TransactionCategory", setup.no_expense_category.id
                ),
            ),
        ],
    }
    refused = await client.mutate(CREATE_SUBCONTRACT, {"input": wrong}, setup.token())
    assert {(e["code"], ".".join(e["field"])) for e in refused["errors"]} == {
        ("NOT_FOUND", "lines.1.projectId"),
        ("INCOMPATIBLE_UNITS", "lines.1.unitId"),
        ("NOT_USABLE_IN_EXPENSE", "lines.2.transactionCategoryId"),
    }
    assert await session.scalar(select(func.count()).select_from(SubcontractLine)) == before
    numbers = await session.scalars(select(Subcontract.number).order_by(Subcontract.number))
    assert "SC-10" not in list(numbers)
