"""V1 and V6 before confirm: submit for review, hold and release (the accountant's), and the
verification of lines by the manager of the line's project.

Matching lines to recorded costs is in vendor_invoices_matching.py, confirm and cancel in
vendor_invoices_confirm.py and vendor_invoices_cancel.py. Every change locks the invoice
first (`locked_invoice`), so transitions and line changes of one invoice run one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.audit import AuditRecord
from db.models.master_data import Project
from db.models.vendor_invoices import (
    InvoiceStatus,
    VendorInvoice,
    VendorInvoiceLine,
    VerificationStatus,
)
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.scope import in_callers_entities
from domain.validation import require_text
from domain.vendor_invoices import EDITABLE, locked_invoice, require_procurement, require_state

REASON_LENGTH = 1000


@dataclass(frozen=True)
class Hold:
    invoice_id: int
    reason: str | None = None


@dataclass(frozen=True)
class Verification:
    line_id: int
    status: VerificationStatus


async def line_count(session: AsyncSession, invoice_id: int) -> int:
    count = select(func.count()).where(VendorInvoiceLine.invoice_id == invoice_id)
    return int(await session.scalar(count) or 0)


def _audit(invoice: VendorInvoice, actor: Actor, action: str, **values: object) -> AuditRecord:
    return AuditRecord(
        legal_entity_id=invoice.legal_entity_id,
        actor_user_id=actor.user_id,
        action=f"vendor_invoice.{action}",
        entity_type="vendor_invoice",
        entity_id=invoice.id,
        **values,
    )


async def submit_vendor_invoice(
    session: AsyncSession, actor: Actor, invoice_id: int
) -> VendorInvoice:
    """V1: Draft -> In review, for the project managers to verify the lines."""
    require_procurement(actor)
    invoice = await locked_invoice(session, actor, invoice_id)
    require_state(invoice, InvoiceStatus.DRAFT)
    if await line_count(session, invoice.id) == 0:
        raise DomainError(
            ErrorCode.REQUIRED,
            f"Vendor invoice {invoice.number} has no lines; add one before submitting it.",
            ["id"],
        )
    invoice.status = InvoiceStatus.IN_REVIEW.value
    await session.flush()
    return invoice


async def hold_vendor_invoice(session: AsyncSession, actor: Actor, data: Hold) -> VendorInvoice:
    """V1: Draft or In review -> On hold; the state it left is kept for the release, and the
    reason (the invoice has no column for it) goes to the audit log with the hold."""
    require_procurement(actor)
    reason = None if data.reason is None else require_text(data.reason, ["reason"], REASON_LENGTH)
    invoice = await locked_invoice(session, actor, data.invoice_id)
    require_state(invoice, *EDITABLE)
    invoice.status_before_hold = invoice.status
    invoice.status = InvoiceStatus.ON_HOLD.value
    held_from = invoice.status_before_hold
    session.add(_audit(invoice, actor, "hold", reason=reason, details={"from": held_from}))
    await session.flush()
    return invoice


async def release_vendor_invoice(
    session: AsyncSession, actor: Actor, invoice_id: int
) -> VendorInvoice:
    """V1: On hold -> the state the hold interrupted."""
    require_procurement(actor)
    invoice = await locked_invoice(session, actor, invoice_id)
    require_state(invoice, InvoiceStatus.ON_HOLD)
    # Every hold records the state it interrupts; Draft is the safe place should one not.
    invoice.status = invoice.status_before_hold or InvoiceStatus.DRAFT.value
    invoice.status_before_hold = None
    session.add(_audit(invoice, actor, "release", details={"to": invoice.status}))
    await session.flush()
    return invoice


def _require_manager(actor: Actor, manager_user_id: int) -> None:
    if not actor.is_admin and manager_user_id != actor.user_id:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Only the manager of the line's project (or an admin) verifies and matches it.",
        )


async def line_for_manager(
    session: AsyncSession, actor: Actor, line_id: int, field: str = "id"
) -> tuple[VendorInvoice, VendorInvoiceLine]:
    """V6: the line and its invoice, both locked, when the caller manages the line's project
    (or is an admin) and the invoice is Draft or In review. Another legal entity's line is
    indistinguishable from none (M1)."""
    invoice_id = await session.scalar(
        select(VendorInvoiceLine.invoice_id).where(
            VendorInvoiceLine.id == line_id,
            in_callers_entities(VendorInvoiceLine.legal_entity_id, actor),
        )
    )
    missing = DomainError(ErrorCode.NOT_FOUND, "The vendor invoice line does not exist.", [field])
    if invoice_id is None:
        raise missing
    invoice = await locked_invoice(session, actor, invoice_id, field)
    # Read after the invoice lock: the line's project cannot change underneath the check.
    row = (
        await session.execute(
            select(VendorInvoiceLine, Project.manager_user_id)
            .join(Project, Project.id == VendorInvoiceLine.project_id)
            .where(VendorInvoiceLine.id == line_id)
            .with_for_update(of=VendorInvoiceLine)
        )
    ).one_or_none()
    if row is None:  # deleted while this call waited for the lock
        raise missing
    line, manager_user_id = row
    _require_manager(actor, manager_user_id)
    require_state(invoice, *EDITABLE, field=field)
    return invoice, line


async def set_line_verification(
    session: AsyncSession, actor: Actor, data: Verification
) -> VendorInvoiceLine:
    """V6: Not started, In progress or Complete; confirm needs every line Complete."""
    _, line = await line_for_manager(session, actor, data.line_id)
    line.verification_status = data.status.value
    await session.flush()
    return line
