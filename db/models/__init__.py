"""All models, imported so that `Base.metadata` knows every table."""

from db.models import (
    actuals,
    audit,
    categories,
    dimensions,
    expenses,
    idempotency,
    jobs,
    journals,
    ledger,
    master_data,
    parameters,
    prices,
    sessions,
    vendor_invoices,
)

__all__ = [
    "actuals",
    "audit",
    "categories",
    "dimensions",
    "expenses",
    "idempotency",
    "jobs",
    "journals",
    "ledger",
    "master_data",
    "parameters",
    "prices",
    "sessions",
    "vendor_invoices",
]
