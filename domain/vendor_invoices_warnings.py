"""What an invoice line tells its reader (V7, M4): one definition for both read paths."""

from __future__ import annotations

from db.models.vendor_invoices import VendorInvoiceLine

# The seed's Task field: such a cost is not linked to unbilled sales actuals.
UNLINKED = (
    "The line has neither a task nor a subcontract line: its cost actual will not be linked "
    "to unbilled sales and may never be invoiced to the customer."
)


def line_warnings(line: VendorInvoiceLine) -> list[str]:
    """The pricing warning first (when the unit price could not default), then UNLINKED."""
    warnings = [line.price_warning] if line.price_warning else []
    if line.task_id is None and line.subcontract_line_id is None:
        warnings.append(UNLINKED)
    return warnings
