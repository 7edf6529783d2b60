"""The checks an invoice line passes before it is written (V2-V5), collected together so one
reply lists every failure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Currency
from db.models.vendor_invoices import SubcontractLine, VendorInvoice
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.validation import Collector, require_text
from domain.vendor_invoices_amounts import (
    LineAmounts,
    PriceDefault,
    PriceQuery,
    default_unit_price,
    line_amounts,
)
from domain.vendor_invoices_references import (
    Units,
    category_of,
    defaulted,
    project_of,
    subcontract_line_of,
    task_of,
    units_of,
)

if TYPE_CHECKING:
    from domain.vendor_invoices_lines import InvoiceLineData

NAME_LENGTH, DESCRIPTION_LENGTH = 200, 1000


@dataclass(frozen=True)
class CheckedLine:
    """The values to store, every reference verified to be in the invoice's legal entity."""

    references: dict[str, Any]
    units: Units
    price: PriceDefault
    amounts: LineAmounts

    def columns(self) -> dict[str, Any]:
        unit = self.units.unit
        return self.references | {
            "unit_group_id": self.units.group_id,
            "unit_id": unit.id if unit is not None else None,
            "price_list_id": self.price.price_list_id,
            "price_unit_id": self.price.price_unit_id,
            "price_warning": self.price.warning,
            "quantity": self.amounts.quantity,
            "unit_price": self.amounts.unit_price,
            "subtotal": self.amounts.subtotal,
            "sales_tax": self.amounts.sales_tax,
            "total": self.amounts.total,
        }


def _text(value: str, field: str, limit: int) -> str:
    return require_text(value, [field], limit) if value.strip() else ""


def _ordered(ordered: SubcontractLine | None, column: str) -> int | None:
    return getattr(ordered, column) if ordered is not None else None


def _required(value: int | None, what: str, field: str) -> int:
    if value is None:
        raise DomainError(ErrorCode.REQUIRED, f"A line needs a {what} (V3).", [field])
    return value


async def _references(
    session: AsyncSession, invoice: VendorInvoice, data: InvoiceLineData, found: Collector
) -> tuple[dict[str, Any], Units | None]:
    ordered = None
    if data.subcontract_line_id is not None:
        ordered = await found.run_async(
            subcontract_line_of(session, invoice, data.subcontract_line_id)
        )
    project_id = found.run(
        lambda: _required(
            defaulted(data.project_id, _ordered(ordered, "project_id"), "project", "projectId"),
            "project",
            "projectId",
        )
    )
    task_id = found.run(
        lambda: defaulted(data.task_id, _ordered(ordered, "task_id"), "task", "taskId")
    )
    category_id = found.run(
        lambda: _required(
            defaulted(
                data.transaction_category_id,
                _ordered(ordered, "transaction_category_id"),
                "transaction category",
                "transactionCategoryId",
            ),
            "transaction category",
            "transactionCategoryId",
        )
    )
    project = (
        await found.run_async(project_of(session, invoice.legal_entity_id, project_id))
        if project_id
        else None
    )
    if project is not None and task_id is not None:
        task_id = await found.run_async(task_of(session, project, task_id))
    category = (
        await found.run_async(category_of(session, invoice.legal_entity_id, category_id))
        if category_id
        else None
    )
    units = await found.run_async(units_of(session, category, data.unit_id)) if category else None
    references = {
        "subcontract_line_id": ordered.id if ordered is not None else None,
        "project_id": project.id if project is not None else None,
        "task_id": task_id,
        "transaction_category_id": category.id if category is not None else None,
        "date": data.date,
        "name": found.run(lambda: _text(data.name, "name", NAME_LENGTH)),
        "description": found.run(
            lambda: _text(data.description, "description", DESCRIPTION_LENGTH)
        ),
    }
    return references, units


async def _price(
    session: AsyncSession,
    invoice: VendorInvoice,
    data: InvoiceLineData,
    refs: dict[str, Any],
    units: Units,
) -> PriceDefault:
    """V4: the entered unit price, else the purchase price list's (a subtotal may still be
    entered when the quantity is blank, V5)."""
    if data.unit_price is not None:
        return PriceDefault(data.unit_price)
    query = PriceQuery(
        project_id=refs["project_id"],
        transaction_category_id=refs["transaction_category_id"],
        unit_id=units.unit.id if units.unit is not None else None,
        date=data.date,
        currency_code=invoice.currency_code,
    )
    return await default_unit_price(session, query)


async def check_line(
    session: AsyncSession, invoice: VendorInvoice, data: InvoiceLineData, currency: Currency
) -> CheckedLine:
    found = Collector()
    references, units = await _references(session, invoice, data, found)
    if found.errors or units is None:
        raise DomainErrors(found.errors)
    price = await found.run_async(_price(session, invoice, data, references, units))
    amounts = None
    if price is not None:
        amounts = found.run(
            lambda: line_amounts(
                data.quantity, price.unit_price, data.subtotal, data.sales_tax, currency
            )
        )
    if found.errors or price is None or amounts is None:
        raise DomainErrors(found.errors)
    return CheckedLine(references, units, price, amounts)
