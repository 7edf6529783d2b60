"""V6 matching: the project manager says which costs already recorded on the project a vendor
invoice line pays for. Confirm reverses them (A1), so the project counts the cost once, at
the invoice's amount.

A line's matches are set as a whole (an empty list clears them). Each actual must be a cost
the line could have replaced: adjustable, recorded by an expense (not by a vendor invoice),
on the line's project, task (when the line has one) and transaction category, in the
invoice's currency, and matched to no other line (the unique key on the match's actual makes
a race a DUPLICATE too). The actuals are locked, so a reversal waits for the match.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.actuals import Actual, ActualSource, ActualType
from db.models.vendor_invoices import (
    VendorInvoice,
    VendorInvoiceLine,
    VendorInvoiceLineMatch,
    VerificationStatus,
)
from domain.actors import Actor
from domain.actuals import require_reversible
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.scope import in_callers_entities
from domain.vendor_invoices_workflow import line_for_manager

FIELD = "actualIds"


@dataclass(frozen=True)
class Matching:
    line_id: int
    actual_ids: list[int]


async def _locked_actuals(
    session: AsyncSession, actor: Actor, actual_ids: list[int]
) -> dict[int, Actual]:
    """The visible ones among the ids (M1: another legal entity's are simply absent)."""
    rows = await session.scalars(
        select(Actual)
        .where(Actual.id.in_(actual_ids), in_callers_entities(Actual.legal_entity_id, actor))
        .order_by(Actual.id)  # one lock order for every caller: no deadlock between two
        .with_for_update()
    )
    return {actual.id: actual for actual in rows}


async def _matched_elsewhere(
    session: AsyncSession, line_id: int, actual_ids: list[int]
) -> set[int]:
    rows = await session.scalars(
        select(VendorInvoiceLineMatch.actual_id).where(
            VendorInvoiceLineMatch.actual_id.in_(actual_ids),
            VendorInvoiceLineMatch.invoice_line_id != line_id,
        )
    )
    return set(rows)


def _mismatch(actual: Actual, line: VendorInvoiceLine, invoice: VendorInvoice) -> str | None:
    """Why the actual is not a cost this line could pay for, or None."""
    if actual.actual_type != ActualType.COST:
        return "is not a cost actual"
    if actual.source_type == ActualSource.VENDOR_INVOICE:
        return "was made by a vendor invoice"
    if actual.project_id != line.project_id:
        return "is not on the line's project"
    if line.task_id is not None and actual.task_id != line.task_id:
        return "is not on the line's task"
    if actual.transaction_category_id != line.transaction_category_id:
        return "is not of the line's transaction category"
    if actual.currency_code != invoice.currency_code:
        return f"is in {actual.currency_code}, not in the invoice's {invoice.currency_code}"
    return None


def _refusal(
    actual: Actual | None,
    line: VendorInvoiceLine,
    invoice: VendorInvoice,
    taken: set[int],
    field: list[str],
) -> DomainError | None:
    if actual is None:
        return DomainError(ErrorCode.NOT_FOUND, "The actual does not exist.", field)
    try:
        require_reversible(actual, field)
    except DomainError as error:
        return error
    reason = _mismatch(actual, line, invoice)
    if reason is not None:
        return DomainError(ErrorCode.INVALID, f"Actual {actual.id} {reason}.", field)
    if actual.id in taken:
        return DomainError(
            ErrorCode.DUPLICATE, f"Actual {actual.id} is matched to another line already.", field
        )
    return None


def _require_unverified(line: VendorInvoiceLine) -> None:
    if line.verification_status == VerificationStatus.COMPLETE:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Line {line.line_number} is verified Complete; set it back to In progress to "
            "change its matches.",
            ["lineId"],
        )


def _refusals(
    data: Matching,
    actuals: dict[int, Actual],
    line: VendorInvoiceLine,
    invoice: VendorInvoice,
    taken: set[int],
) -> list[DomainError]:
    """Every refusal, each on the position of its id's first occurrence in the list."""
    errors, seen = [], set()
    for index, actual_id in enumerate(data.actual_ids):
        if actual_id in seen:  # a repeated id is one match
            continue
        seen.add(actual_id)
        error = _refusal(actuals.get(actual_id), line, invoice, taken, [FIELD, str(index)])
        if error is not None:
            errors.append(error)
    return errors


async def _replace_matches(
    session: AsyncSession, line: VendorInvoiceLine, wanted: list[int]
) -> None:
    """Removes the matches no longer wanted and adds the new ones; the kept ones stay as they
    are (with their creation time)."""
    existing = set(
        await session.scalars(
            select(VendorInvoiceLineMatch.actual_id).where(
                VendorInvoiceLineMatch.invoice_line_id == line.id
            )
        )
    )
    await session.execute(
        delete(VendorInvoiceLineMatch).where(
            VendorInvoiceLineMatch.invoice_line_id == line.id,
            VendorInvoiceLineMatch.actual_id.not_in(wanted),
        )
    )
    session.add_all(
        VendorInvoiceLineMatch(
            legal_entity_id=line.legal_entity_id, invoice_line_id=line.id, actual_id=actual_id
        )
        for actual_id in wanted
        if actual_id not in existing
    )
    await session.flush()


async def match_vendor_invoice_line(
    session: AsyncSession, actor: Actor, data: Matching
) -> VendorInvoiceLine:
    """Sets the line's matches to exactly `data.actual_ids`, or refuses with every reason."""
    invoice, line = await line_for_manager(session, actor, data.line_id, "lineId")
    _require_unverified(line)
    wanted = list(dict.fromkeys(data.actual_ids))
    actuals = await _locked_actuals(session, actor, wanted)
    taken = await _matched_elsewhere(session, line.id, wanted)
    errors = _refusals(data, actuals, line, invoice, taken)
    if errors:
        raise DomainErrors(errors)
    await _replace_matches(session, line, wanted)
    return line
