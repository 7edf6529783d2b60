"""J4: a journal line's distribution names only its legal entity's active financial dimensions
and their active values. Posting checks the same again, set-based, in its own SQL (J5)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.dimensions import FinancialDimension, FinancialDimensionValue
from domain.errors import DomainError, DomainErrors, ErrorCode

Pair = tuple[str, str]  # (dimension code, value), as a journal line keeps them

# J5, SQL over a journal line `jl`: its pairs that are not an active value of an active
# dimension of its legal entity (inactive or removed since the edit), each with why; null when
# every pair is valid. Posting evaluates it for all its lines at once, set-based.
INVALID_DIMENSIONS = """(
    SELECT string_agg(format('%s value %s (%s)', d.dimension, d.value,
               CASE WHEN fd.id IS NULL THEN 'no such dimension'
                    WHEN NOT fd.active THEN 'the dimension is inactive'
                    WHEN fv.id IS NULL THEN 'no such value'
                    ELSE 'the value is inactive' END), ', ' ORDER BY d.id)
    FROM journal_line_dimension d
    LEFT JOIN financial_dimension fd
           ON fd.legal_entity_id = d.legal_entity_id AND fd.code = d.dimension
    LEFT JOIN financial_dimension_value fv ON fv.dimension_id = fd.id AND fv.value = d.value
    WHERE d.journal_line_id = jl.id AND NOT (coalesce(fd.active AND fv.active, false))
)"""


async def check_active_pairs(
    session: AsyncSession, legal_entity_id: int, pairs: Sequence[Pair]
) -> None:
    """Every (dimension, value) is an active value of an active dimension of the legal entity;
    else one INVALID_DIMENSION per failing pair, naming it, at its place in `dimensions`."""
    if not pairs:
        return
    dimensions, values = await _known(session, legal_entity_id, {code for code, _ in pairs})
    errors = []
    for index, (code, value) in enumerate(pairs):
        reason = _reason(dimensions.get(code), values.get((code, value)))
        if reason is not None:
            message = f"Financial dimension {code} value {value}: {reason} (J4)."
            field = ["dimensions", str(index), "value"]
            errors.append(DomainError(ErrorCode.INVALID_DIMENSION, message, field))
    if errors:
        raise DomainErrors(errors)


async def _known(
    session: AsyncSession, legal_entity_id: int, codes: set[str]
) -> tuple[dict[str, bool], dict[Pair, bool]]:
    """Whether each named dimension, and each of its values, is active: one statement."""
    rows = await session.execute(
        select(
            FinancialDimension.code,
            FinancialDimension.active,
            FinancialDimensionValue.value,
            FinancialDimensionValue.active,
        )
        .outerjoin(
            FinancialDimensionValue,
            FinancialDimensionValue.dimension_id == FinancialDimension.id,
        )
        .where(
            FinancialDimension.legal_entity_id == legal_entity_id,
            FinancialDimension.code.in_(sorted(codes)),
        )
    )
    dimensions: dict[str, bool] = {}
    values: dict[Pair, bool] = {}
    for code, dimension_active, value, value_active in rows:
        dimensions[code] = dimension_active
        if value is not None:
            values[(code, value)] = value_active
    return dimensions, values


def _reason(dimension_active: bool | None, value_active: bool | None) -> str | None:
    """Why a pair may not be used, or None when it may."""
    if dimension_active is None:
        return "the legal entity has no such dimension"
    if not dimension_active:
        return "the dimension is inactive"
    if value_active is None:
        return "the dimension has no such value"
    if not value_active:
        return "the value is inactive"
    return None
