"""Transaction and shared categories (M2), and the category look-ups other domains use.

Expense and project categories (per legal entity) are in `categories_entity.py`; the
"still in use?" checks that guard every delete are in `categories_usage.py`."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import (
    ExpenseCategory,
    ProjectCategory,
    SharedCategory,
    TransactionCategory,
    TransactionClass,
)
from db.models.master_data import Role, UnitGroup
from domain.actors import Actor
from domain.categories_usage import delete_unless_used, transaction_category_users
from domain.errors import DomainError, ErrorCode
from domain.global_master_data import require_global_role
from domain.validation import require_code, require_text


class Keep(enum.Enum):
    """'Leave this value as it is' in a partial change, where None means 'clear it'."""

    KEEP = "keep"


KEEP = Keep.KEEP
# Global: changed only with access to every legal entity (domain/global_master_data.py).
CATEGORIES = "Transaction categories and their shared categories"


@dataclass(frozen=True)
class NewTransactionCategory:
    code: str
    name: str
    unit_group_id: int | None = None


@dataclass(frozen=True)
class SharedCategoryChanges:
    shared_category_id: int
    can_be_used_in_expense: bool | None = None
    expense_type: str | Keep | None = KEEP


async def create_transaction_category(
    session: AsyncSession, actor: Actor, data: NewTransactionCategory
) -> TransactionCategory:
    """The category and its five shared categories, one per class, in one transaction (M2)."""
    await require_global_role(session, actor, CATEGORIES, Role.ADMIN)
    code = require_code(data.code, ["code"])
    name = require_text(data.name, ["name"])
    if data.unit_group_id is not None and await session.get(UnitGroup, data.unit_group_id) is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The unit group does not exist.", ["unitGroupId"])
    taken = await session.scalar(
        select(TransactionCategory.id).where(TransactionCategory.code == code)
    )
    if taken is not None:
        raise DomainError(
            ErrorCode.DUPLICATE, f"Transaction category {code} exists already.", ["code"]
        )
    category = TransactionCategory(code=code, name=name, unit_group_id=data.unit_group_id)
    session.add(category)
    await session.flush()
    session.add_all(
        SharedCategory(
            transaction_category_id=category.id,
            transaction_class=transaction_class.value,
            can_be_used_in_expense=False,
        )
        for transaction_class in TransactionClass
    )
    await session.flush()
    return category


async def get_transaction_category(
    session: AsyncSession, transaction_category_id: int, field: list[str]
) -> TransactionCategory:
    category = await session.get(TransactionCategory, transaction_category_id)
    if category is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The transaction category does not exist.", field)
    return category


async def delete_transaction_category(
    session: AsyncSession, actor: Actor, transaction_category_id: int
) -> int:
    """Refused while anything uses it; its own shared categories go with it (cascade)."""
    await require_global_role(session, actor, CATEGORIES, Role.ADMIN)
    category = await get_transaction_category(session, transaction_category_id, ["id"])
    what = f"Transaction category {category.code}"
    await delete_unless_used(session, what, category, transaction_category_users(category.id))
    return transaction_category_id


async def get_shared_category(
    session: AsyncSession, shared_category_id: int, field: list[str]
) -> SharedCategory:
    shared = await session.get(SharedCategory, shared_category_id)
    if shared is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The shared category does not exist.", field)
    return shared


async def update_shared_category(
    session: AsyncSession, actor: Actor, data: SharedCategoryChanges
) -> SharedCategory:
    """Only the Expense class carries the expense flags (M2); anything else is refused."""
    await require_global_role(session, actor, CATEGORIES, Role.ADMIN)
    shared = await get_shared_category(session, data.shared_category_id, ["id"])
    if shared.transaction_class != TransactionClass.EXPENSE:
        raise DomainError(
            ErrorCode.NOT_EXPENSE_CLASS,
            f"Only a shared category of class expense has expense settings;"
            f" this one is of class {shared.transaction_class}.",
            ["id"],
        )
    if data.can_be_used_in_expense is not None:
        shared.can_be_used_in_expense = data.can_be_used_in_expense
    if data.expense_type is None:
        shared.expense_type = None
    elif data.expense_type is not KEEP:
        assert isinstance(data.expense_type, str)
        shared.expense_type = require_text(data.expense_type, ["expenseType"], max_length=100)
    await session.flush()
    return shared


async def expense_category_for_entity(
    session: AsyncSession,
    legal_entity_id: int,
    expense_category_id: int,
    field: list[str] | None = None,
) -> ExpenseCategory:
    """The expense category if it belongs to that legal entity, else NOT_FOUND (M1, M2):
    an expense category of another legal entity than the project's is refused."""
    category = await session.scalar(
        select(ExpenseCategory).where(
            ExpenseCategory.id == expense_category_id,
            ExpenseCategory.legal_entity_id == legal_entity_id,
        )
    )
    if category is None:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "The expense category does not exist in this legal entity.",
            field or ["expenseCategoryId"],
        )
    return category


async def project_category_for(
    session: AsyncSession, legal_entity_id: int, transaction_category_id: int
) -> ProjectCategory | None:
    """The legal entity's project category for a transaction category, if it has one (J3)."""
    found: ProjectCategory | None = await session.scalar(
        select(ProjectCategory).where(
            ProjectCategory.legal_entity_id == legal_entity_id,
            ProjectCategory.transaction_category_id == transaction_category_id,
        )
    )
    return found
