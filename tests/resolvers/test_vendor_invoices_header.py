"""A vendor invoice's header and the life of its lines through the API (V1, V5, V6, V9, M1):
every refusal a typed error with nothing written."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.vendor_invoices import InvoiceStatus, VendorInvoice, VendorInvoiceLine
from schema.relay import parse_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.vendor_invoices import (
    CREATE,
    DELETE_LINE,
    UPDATE,
    UPDATE_LINE,
    InvoiceSetup,
    add_line,
    counts,
    create_invoice,
    invoice_input,
    line_input,
    setup,
)

__all__ = ["setup"]


async def test_v9_an_invoice_number_is_unique_per_vendor(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    await create_invoice(client, setup, number="A-100")
    before = await counts(session)
    again = await client.mutate(
        CREATE, {"input": invoice_input(setup, number="A-100")}, setup.token()
    )
    assert error_codes(again) == ["DUPLICATE"] and again["errors"][0]["field"] == ["number"]
    assert await counts(session) == before
    other = setup.gid("Vendor", setup.other_vendor.id)
    elsewhere = invoice_input(setup, number="A-100", vendorId=other, subcontractId=None)
    assert (await client.mutate(CREATE, {"input": elsewhere}, setup.token()))["errors"] == []


async def test_v1_currency_defaults_from_the_subcontract_and_is_fixed_once_lines_exist(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    created = await client.mutate(
        CREATE, {"input": invoice_input(setup, subcontractId=None)}, setup.token()
    )
    invoice = created["vendorInvoice"]
    assert invoice["currencyCode"] == "USD" and invoice["status"] == "DRAFT"
    changed = await client.mutate(
        UPDATE, {"input": {"id": invoice["id"], "currencyCode": "EUR"}}, setup.token()
    )
    assert changed["vendorInvoice"]["currencyCode"] == "EUR"
    await client.mutate(
        UPDATE, {"input": {"id": invoice["id"], "currencyCode": "USD"}}, setup.token()
    )
    added = await add_line(
        client,
        setup,
        invoice["id"],
        subcontractLineId=None,
        projectId=setup.gid("Project", setup.project.id),
        transactionCategoryId=setup.gid("TransactionCategory", setup.category.id),
    )
    assert added["errors"] == []
    refused = await client.mutate(
        UPDATE, {"input": {"id": invoice["id"], "currencyCode": "EUR"}}, setup.token()
    )
    assert error_codes(refused) == ["INVALID_STATE"] and "currency" in str(refused)
    row = await session.get(VendorInvoice, parse_id(invoice["id"])[1], populate_existing=True)
    assert row is not None and row.currency_code == "USD"
    renumbered = await client.mutate(
        UPDATE, {"input": {"id": invoice["id"], "number": "B-7"}}, setup.token()
    )
    assert renumbered["vendorInvoice"]["number"] == "B-7"


async def test_v1_a_subcontracts_invoice_is_in_its_currency(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    before = await counts(session)
    payload = await client.mutate(
        CREATE, {"input": invoice_input(setup, currencyCode="EUR")}, setup.token()
    )
    assert error_codes(payload) == ["INVALID"] and payload["errors"][0]["field"] == ["currencyCode"]
    assert await counts(session) == before


async def test_v6_lines_are_replaced_and_deleted_until_verification_starts(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    invoice_id = await create_invoice(client, setup)
    first = (await add_line(client, setup, invoice_id))["vendorInvoiceLine"]
    second = (await add_line(client, setup, invoice_id, quantity="1"))["vendorInvoiceLine"]
    replaced = await client.mutate(
        UPDATE_LINE,
        {"input": {"id": first["id"], **line_input(setup, quantity="5")}},
        setup.token(),
    )
    assert replaced["vendorInvoiceLine"]["subtotal"] == "500.00"
    assert replaced["vendorInvoiceLine"]["invoice"]["total"] == "600.00"
    deleted = await client.mutate(DELETE_LINE, {"input": {"id": second["id"]}}, setup.token())
    assert deleted["vendorInvoice"]["total"] == "500.00"

    line_pk = parse_id(first["id"])[1]
    await session.execute(
        update(VendorInvoiceLine)
        .where(VendorInvoiceLine.id == line_pk)
        .values(verification_status="in_progress")
    )
    await session.commit()
    refused = await client.mutate(
        UPDATE_LINE, {"input": {"id": first["id"], **line_input(setup)}}, setup.token()
    )
    assert error_codes(refused) == ["INVALID_STATE"]
    assert refused["errors"][0]["message"].startswith("Line 1 is in progress")
    kept = await client.mutate(DELETE_LINE, {"input": {"id": first["id"]}}, setup.token())
    assert error_codes(kept) == ["INVALID_STATE"]
    subtotal = await session.scalar(
        select(VendorInvoiceLine.subtotal).where(VendorInvoiceLine.id == line_pk)
    )
    assert str(subtotal) == "500.0000"


async def test_v1_a_confirmed_invoice_is_not_edited(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    invoice_id = await create_invoice(client, setup)
    line = (await add_line(client, setup, invoice_id))["vendorInvoiceLine"]
    await session.execute(
        update(VendorInvoice)
        .where(VendorInvoice.id == parse_id(invoice_id)[1])
        .values(status=InvoiceStatus.CONFIRMED.value)
    )
    await session.commit()
    before = await counts(session)
    added = await add_line(client, setup, invoice_id)
    assert (
        error_codes(added) == ["INVALID_STATE"] and "is Confirmed" in added["errors"][0]["message"]
    )
    edited = await client.mutate(
        UPDATE_LINE, {"input": {"id": line["id"], **line_input(setup)}}, setup.token()
    )
    header = await client.mutate(
        UPDATE, {"input": {"id": invoice_id, "number": "X"}}, setup.token()
    )
    assert error_codes(edited) == error_codes(header) == ["INVALID_STATE"]
    assert await counts(session) == before


async def test_m1_a_foreign_invoice_answers_like_a_made_up_one(
    client: GraphQLClient, setup: InvoiceSetup
) -> None:
    invoice_id = await create_invoice(client, setup)
    outsider = setup.token("outsider")  # accountant and admin, of DEPM only
    foreign = await client.mutate(
        UPDATE, {"input": {"id": invoice_id, "number": "X"}}, token=outsider
    )
    made_up = await client.mutate(
        UPDATE, {"input": {"id": setup.gid("VendorInvoice", 999999999), "number": "X"}}, outsider
    )
    assert foreign["errors"] == made_up["errors"] and error_codes(foreign) == ["NOT_FOUND"]
    vendor = invoice_input(setup, legalEntity="DEPM", subcontractId=None)
    crossed = await client.mutate(CREATE, {"input": vendor}, setup.token())
    assert error_codes(crossed) == ["NOT_FOUND"] and crossed["errors"][0]["field"] == ["vendorId"]


async def test_recording_invoices_needs_the_accountant_role(
    client: GraphQLClient, setup: InvoiceSetup, session: AsyncSession
) -> None:
    before = await counts(session)
    for user in ("employee", "manager"):
        payload = await client.mutate(
            CREATE, {"input": invoice_input(setup)}, token=setup.token(user)
        )
        assert error_codes(payload) == ["FORBIDDEN"]
    assert await counts(session) == before
