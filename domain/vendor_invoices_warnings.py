"""What an invoice line tells its reader (V7, M4), one definition for both read paths, and
the V7 rule behind it."""

from __future__ import annotations

from db.models.vendor_invoices import VendorInvoiceLine

# The seed's Task field: such a cost is not linked to unbilled sales actuals.
UNLINKED = (
    "The line has neither a task nor a subcontract line: its cost actual will not be linked "
    "to unbilled sales and may never be invoiced to the customer."
)


def linked_to_sales(line: VendorInvoiceLine) -> bool:
    """V7: the seed links a line's cost to unbilled sales through its task or subcontract line."""
    return line.task_id is not None or line.subcontract_line_id is not None


def line_warnings(line: VendorInvoiceLine) -> list[str]:
    """The pricing warning first (when the unit price could not default), then UNLINKED."""
    warnings = [line.price_warning] if line.price_warning else []
    if not linked_to_sales(line):
        warnings.append(UNLINKED)
    return warnings
