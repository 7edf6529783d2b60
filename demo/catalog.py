"""Demo catalog: the unit groups, transaction categories with their five shared categories,
and each legal entity's expense and project categories."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import (
    ExpenseCategory,
    ProjectCategory,
    SharedCategory,
    TransactionCategory,
    TransactionClass,
)
from db.models.master_data import Unit, UnitGroup
from demo.companies import DemoCompany

# group code -> (name, {unit code -> (name, factor to the group's base unit, listed first)}), M3.
# Work time counts 8-hour days; calendar time (rentals) counts every day of the week.
UNIT_GROUPS = {
    "TIME": (
        "Time",
        {"HOUR": ("Hour", Decimal(1)), "DAY": ("Day", Decimal(8)), "WEEK": ("Week", Decimal(40))},
    ),
    "CALENDAR": (
        "Calendar time",
        {"CAL-DAY": ("Calendar day", Decimal(1)), "CAL-WEEK": ("Calendar week", Decimal(7))},
    ),
}


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    expense_type: str | None  # set: its Expense-class shared category is usable in expenses
    unit_group: str | None = None  # a code of UNIT_GROUPS


CATEGORIES = (
    CategorySpec("CONSULTING", "Consulting", None, "TIME"),
    CategorySpec("TRAVEL", "Travel", "Travel"),
    CategorySpec("HOTEL", "Hotel", "Hotel"),
    CategorySpec("MEALS", "Meals", "Meals"),
    CategorySpec("SUBCONTRACT", "Subcontracted work", "Subcontract", "TIME"),
    CategorySpec("RENTAL", "Equipment rental", "Rental", "CALENDAR"),
)
DEFAULT_PROJECT_CATEGORY = "CONSULTING"


@dataclass
class Catalog:
    units: dict[str, Unit]
    categories: dict[str, TransactionCategory]
    expense_shared: dict[str, SharedCategory]  # category code -> its Expense-class shared row


async def create_units(session: AsyncSession) -> dict[str, Unit]:
    """Every unit of UNIT_GROUPS by code; the first unit of a group is its base unit."""
    units: dict[str, Unit] = {}
    for group_code, (group_name, members) in UNIT_GROUPS.items():
        group = UnitGroup(code=group_code, name=group_name)
        session.add(group)
        await session.flush()
        rows = {
            code: Unit(unit_group_id=group.id, code=code, name=name, factor=factor)
            for code, (name, factor) in members.items()
        }
        session.add_all(rows.values())
        await session.flush()
        group.base_unit_id = next(iter(rows.values())).id
        units |= rows
    await session.flush()
    return units


async def _shared_categories(
    session: AsyncSession, category: TransactionCategory
) -> dict[str, SharedCategory]:
    """The five shared categories, inserting only those missing (a trigger may add them)."""
    rows = await session.scalars(
        select(SharedCategory).where(SharedCategory.transaction_category_id == category.id)
    )
    shared = {row.transaction_class: row for row in rows}
    for transaction_class in TransactionClass:
        if transaction_class.value not in shared:
            row = SharedCategory(
                transaction_category_id=category.id,
                transaction_class=transaction_class.value,
                can_be_used_in_expense=False,
            )
            session.add(row)
            shared[transaction_class.value] = row
    await session.flush()
    return shared


async def create_catalog(session: AsyncSession) -> Catalog:
    units = await create_units(session)
    groups = {
        code: units[next(iter(members))].unit_group_id for code, (_, members) in UNIT_GROUPS.items()
    }
    catalog = Catalog(units, {}, {})
    for spec in CATEGORIES:
        group_id = groups[spec.unit_group] if spec.unit_group else None
        category = TransactionCategory(code=spec.code, name=spec.name, unit_group_id=group_id)
        session.add(category)
        await session.flush()
        expense = (await _shared_categories(session, category))[TransactionClass.EXPENSE.value]
        expense.can_be_used_in_expense = spec.expense_type is not None
        expense.expense_type = spec.expense_type
        catalog.categories[spec.code] = category
        catalog.expense_shared[spec.code] = expense
    await session.flush()
    return catalog


async def add_company_categories(
    session: AsyncSession, company: DemoCompany, catalog: Catalog
) -> dict[str, ProjectCategory]:
    """Expense categories for the expense-usable categories, a project category for each."""
    entity_id = company.entity.id
    for spec in CATEGORIES:
        if spec.expense_type is None:
            continue
        session.add(
            ExpenseCategory(
                legal_entity_id=entity_id,
                code=spec.code,
                name=spec.name,
                shared_category_id=catalog.expense_shared[spec.code].id,
                transaction_category_id=catalog.categories[spec.code].id,
                default_account_id=company.accounts[spec.code].id,
            )
        )
    project_categories = {
        spec.code: ProjectCategory(
            legal_entity_id=entity_id,
            code=spec.code,
            name=spec.name,
            transaction_category_id=catalog.categories[spec.code].id,
        )
        for spec in CATEGORIES
    }
    session.add_all(project_categories.values())
    await session.flush()
    return project_categories
