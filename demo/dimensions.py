"""Demo financial dimensions (J4): each legal entity distributes journal lines by department and
region, so the README's `editJournalLine` example names values that exist and are active."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.dimensions import FinancialDimension, FinancialDimensionValue
from demo.companies import DemoCompany

# code -> (name, {value -> name})
DIMENSIONS = {
    "Department": ("Department", {"Sales": "Sales", "Ops": "Operations", "Delivery": "Delivery"}),
    "Region": ("Region", {"North": "North", "South": "South"}),
}


async def add_dimensions(session: AsyncSession, company: DemoCompany) -> None:
    entity_id = company.entity.id
    for code, (name, values) in DIMENSIONS.items():
        dimension = FinancialDimension(legal_entity_id=entity_id, code=code, name=name, active=True)
        session.add(dimension)
        await session.flush()
        session.add_all(
            FinancialDimensionValue(
                legal_entity_id=entity_id,
                dimension_id=dimension.id,
                value=value,
                name=value_name,
                active=True,
            )
            for value, value_name in values.items()
        )
