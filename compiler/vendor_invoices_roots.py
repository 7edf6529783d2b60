"""`vendors`, `subcontracts`, `vendorInvoices` and `vendorInvoice`: the reference path's filters
(`resolvers.vendor_invoices_queries`) as SQL over bind parameters. Ids in filters are decoded by
the same `decode_id`: a bad one is refused here, and the reference path answers its error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

import compiler.vendor_invoices  # noqa: F401  (registers the types these roots list)
from compiler.connections import Page, connection, plain, upper
from compiler.roots import Lookup, register_root
from compiler.selection import Selection
from db.models import vendor_invoices as models
from domain.actors import Actor
from schema.relay import decode_optional_id

# Argument name -> (column, PostgreSQL type) of the filters that compare a column for equality.
Compared = dict[str, tuple[str, str]]


def _filtered(
    selection: Selection, key: str, page: Any, model: Any, alias: str, compared: Compared
) -> list[str]:
    """The caller's visibility (M1), the legal entity by code, and `column = argument` for
    each given argument of `compared`; an argument that is None adds no condition."""
    statement = selection.statement
    conditions = statement.visible(model, alias)
    if page.legal_entity is not None:
        conditions.append(f"{alias}.legal_entity_id = {statement.entity_id(key)}")
    for name, (column, pg_type) in compared.items():
        if getattr(page, name) is not None:
            conditions.append(f"{alias}.{column} = {statement.argument(key, name, pg_type)}")
    return conditions


@dataclass(frozen=True)
class VendorsPage(Page):
    legal_entity: str | None = None
    code: str | None = None


class Vendors:
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> VendorsPage:
        given = arguments.get("filter") or {}
        return VendorsPage(
            **Page.paging(arguments, "Vendor"),
            legal_entity=upper(given.get("legalEntity")),
            code=given.get("code"),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        t = selection.statement.alias()
        compared = {"code": ("code", "text")}
        conditions = _filtered(selection, key, page, models.Vendor, t, compared)
        return connection(selection, key, nodes, page, "Vendor", conditions, t)


@dataclass(frozen=True)
class SubcontractsPage(Page):
    legal_entity: str | None = None
    vendor_id: int | None = None
    number: str | None = None


class Subcontracts:
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> SubcontractsPage:
        given = arguments.get("filter") or {}
        return SubcontractsPage(
            **Page.paging(arguments, "Subcontract"),
            legal_entity=upper(given.get("legalEntity")),
            vendor_id=decode_optional_id(given.get("vendorId"), "Vendor", "vendorId"),
            number=given.get("number"),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        t = selection.statement.alias()
        compared = {"vendor_id": ("vendor_id", "bigint"), "number": ("number", "text")}
        conditions = _filtered(selection, key, page, models.Subcontract, t, compared)
        return connection(selection, key, nodes, page, "Subcontract", conditions, t)


@dataclass(frozen=True)
class InvoicesPage(Page):
    legal_entity: str | None = None
    vendor_id: int | None = None
    status: str | None = None
    subcontract_id: int | None = None
    project_id: int | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    has_unverified_lines: bool | None = None
    number: str | None = None


INVOICE_COLUMNS: Compared = {
    "vendor_id": ("vendor_id", "bigint"),
    "status": ("status", "text"),
    "subcontract_id": ("subcontract_id", "bigint"),
    "number": ("number", "text"),
}


class VendorInvoices:
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> InvoicesPage:
        given = arguments.get("filter") or {}
        return InvoicesPage(
            **Page.paging(
                arguments, "VendorInvoice", ("ID", plain(arguments["sort"]) == "newest_first")
            ),
            legal_entity=upper(given.get("legalEntity")),
            vendor_id=decode_optional_id(given.get("vendorId"), "Vendor", "vendorId"),
            status=plain(given.get("status")),
            subcontract_id=decode_optional_id(
                given.get("subcontractId"), "Subcontract", "subcontractId"
            ),
            project_id=decode_optional_id(given.get("projectId"), "Project", "projectId"),
            from_date=given.get("fromDate"),
            to_date=given.get("toDate"),
            has_unverified_lines=given.get("hasUnverifiedLines"),
            number=given.get("number"),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = _filtered(selection, key, page, models.VendorInvoice, t, INVOICE_COLUMNS)
        line = statement.alias()

        def has_line(*line_conditions: str) -> str:
            inner = " AND ".join([f"{line}.invoice_id = {t}.id", *line_conditions])
            return f"EXISTS (SELECT 1 FROM vendor_invoice_line {line} WHERE {inner})"

        if page.project_id is not None:
            project = statement.argument(key, "project_id", "bigint")
            conditions.append(has_line(f"{line}.project_id = {project}"))
        # One line inside the range, not one line after its start and another before its end.
        dated = []
        if page.from_date is not None:
            dated.append(f"{line}.date >= {statement.argument(key, 'from_date', 'date')}")
        if page.to_date is not None:
            dated.append(f"{line}.date <= {statement.argument(key, 'to_date', 'date')}")
        if dated:
            conditions.append(has_line(*dated))
        if page.has_unverified_lines is not None:
            complete = models.VerificationStatus.COMPLETE.value
            unverified = has_line(f"{line}.verification_status <> '{complete}'")
            conditions.append(unverified if page.has_unverified_lines else f"NOT {unverified}")
        return connection(selection, key, nodes, page, "VendorInvoice", conditions, t)


register_root("vendors", Vendors())
register_root("subcontracts", Subcontracts())
register_root("vendorInvoices", VendorInvoices())
register_root("vendorInvoice", Lookup("VendorInvoice"))
