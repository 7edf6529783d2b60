"""The closed sets of a `StatusChange` (K3): which type of object changed, and to which status.

Both enums spell their values as the wire always did: the type's GraphQL name (as `__typename`
answers) and the value of the object's own status enum, so a client compares them directly."""

from __future__ import annotations

import enum

from schema.projects_totals import described_enum


class ChangedType(enum.Enum):
    Journal = "journal"
    JournalLine = "journal_line"
    JobRun = "job_run"
    VendorInvoice = "vendor_invoice"
    ExpenseReport = "expense_report"


StatusChangeType = described_enum(
    ChangedType,
    "StatusChangeType",
    "The type of the object whose status changed, spelled as its `__typename`.",
    {
        "Journal": "An integration journal (J2); its status is a JournalStatus.",
        "JournalLine": "A line of an integration journal (J3); its status is a JournalLineStatus.",
        "JobRun": "A background job's run (K1); its status is a JobStatus.",
        "VendorInvoice": "A vendor invoice (V1); its status is a VendorInvoiceStatus.",
        "ExpenseReport": "An expense report (E1); its status is an ExpenseReportStatus.",
    },
)


class ChangedStatus(enum.Enum):
    DRAFT = "DRAFT"
    PROCESSING = "PROCESSING"
    POSTED = "POSTED"
    ERROR = "ERROR"
    UNRECOVERABLE = "UNRECOVERABLE"
    INVALID_ACTUALS = "INVALID_ACTUALS"
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    IN_REVIEW = "IN_REVIEW"
    CONFIRMED = "CONFIRMED"
    ON_HOLD = "ON_HOLD"
    CANCELED = "CANCELED"


StatusChangeStatus = described_enum(
    ChangedStatus,
    "StatusChangeStatus",
    "Every status a StatusChange can carry: the values of JournalStatus, JournalLineStatus, "
    "JobStatus, VendorInvoiceStatus and ExpenseReportStatus, each spelled as there.",
    {
        "DRAFT": "Journal, JournalLine, VendorInvoice or ExpenseReport: still being edited.",
        "PROCESSING": "Journal or JournalLine: being posted right now (J5).",
        "POSTED": "Journal, JournalLine or ExpenseReport: in the ledger (J5, E4).",
        "ERROR": "Journal or JournalLine: posting failed; retried only after Update to draft (J6).",
        "UNRECOVERABLE": "JournalLine: posting failed in a way no retry can fix (J6).",
        "INVALID_ACTUALS": "JournalLine: its actual is gone or inconsistent (J6).",
        "QUEUED": "JobRun: waiting for a worker.",
        "RUNNING": "JobRun: a worker is on it; its progress follows.",
        "SUCCEEDED": "JobRun: done.",
        "FAILED": "JobRun: stopped with an error (see its log).",
        "SUBMITTED": "ExpenseReport: waiting for approval (E2).",
        "APPROVED": "ExpenseReport: every line approved, ready to post (E2).",
        "REJECTED": "ExpenseReport: refused, with a reason (E2).",
        "IN_REVIEW": "VendorInvoice: its lines are being verified (V1, V6).",
        "CONFIRMED": "VendorInvoice: confirmed and in the ledger (V1, V7).",
        "ON_HOLD": "VendorInvoice: stopped until it is released (V1).",
        "CANCELED": "VendorInvoice: canceled; its actuals and its voucher are reversed (V8).",
    },
)
