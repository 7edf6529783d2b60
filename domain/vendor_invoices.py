"""Vendor invoices (V1, V9): the invoice header, its states and the checks every change of an
invoice or its lines shares. Lines are in vendor_invoices_lines.py; verification, matching,
confirm and cancel in the workflow modules.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Role
from db.models.vendor_invoices import InvoiceStatus, VendorInvoice
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.scope import in_callers_entities

# The states in which the invoice and its Not started lines may still be edited (V1, V6).
EDITABLE = (InvoiceStatus.DRAFT, InvoiceStatus.IN_REVIEW)


def state_label(status: str) -> str:
    return InvoiceStatus(status).value.replace("_", " ").capitalize()


def require_state(invoice: VendorInvoice, *allowed: InvoiceStatus, field: str = "id") -> None:
    """V1: an illegal transition or edit names the state the invoice is in."""
    if invoice.status not in allowed:
        wanted = " or ".join(state_label(state) for state in allowed)
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Vendor invoice {invoice.number} is {state_label(invoice.status)}; "
            f"this needs {wanted}.",
            [field],
        )


def require_procurement(actor: Actor) -> None:
    """Recording, submitting, confirming and canceling invoices is the accountant's work."""
    actor.require_role(Role.ACCOUNTANT)


async def locked_invoice(
    session: AsyncSession, actor: Actor, invoice_id: int, field: str = "id"
) -> VendorInvoice:
    """The caller's invoice, locked until commit so that changes to it and its lines run one at
    a time; another legal entity's invoice is indistinguishable from none (M1)."""
    invoice = await session.scalar(
        select(VendorInvoice)
        .where(
            VendorInvoice.id == invoice_id,
            in_callers_entities(VendorInvoice.legal_entity_id, actor),
        )
        .with_for_update()
    )
    if invoice is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The vendor invoice does not exist.", [field])
    return invoice
