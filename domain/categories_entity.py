"""Expense and project categories: one legal entity's categories (M1, M2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import ExpenseCategory, ProjectCategory, TransactionClass
from db.models.master_data import Account, LegalEntity, Role
from domain.actors import Actor
from domain.categories import KEEP, Keep, get_shared_category, get_transaction_category
from domain.categories_units import set_category_units
from domain.categories_usage import (
    delete_unless_used,
    expense_category_users,
    project_category_users,
)
from domain.errors import DomainError, ErrorCode
from domain.master_data import entity_by_code
from domain.scope import callers_row, in_callers_entities
from domain.validation import require_code, require_text

EntityCategory = ExpenseCategory | ProjectCategory
C = TypeVar("C", ExpenseCategory, ProjectCategory)


@dataclass(frozen=True)
class NewExpenseCategory:
    legal_entity: str
    code: str
    name: str
    shared_category_id: int
    default_account_id: int | None = None
    unit_group_id: int | None = None
    default_unit_id: int | None = None  # must be of the unit group; alone, it names the group


@dataclass(frozen=True)
class ExpenseCategoryChanges:
    """A partial change: None keeps code and name; the default account, unit group and
    default unit may be cleared."""

    expense_category_id: int
    code: str | None = None
    name: str | None = None
    default_account_id: int | Keep | None = KEEP
    unit_group_id: int | Keep | None = KEEP
    default_unit_id: int | Keep | None = KEEP


@dataclass(frozen=True)
class NewProjectCategory:
    legal_entity: str
    code: str
    name: str
    transaction_category_id: int


@dataclass(frozen=True)
class ProjectCategoryChanges:
    project_category_id: int
    code: str | None = None
    name: str | None = None


async def create_expense_category(
    session: AsyncSession, actor: Actor, data: NewExpenseCategory
) -> ExpenseCategory:
    """Only from a shared category of class Expense that can be used in expense (M2)."""
    actor.require_role(Role.ACCOUNTANT)
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    category = ExpenseCategory(
        legal_entity_id=entity.id,
        code=await _free_code(session, ExpenseCategory, entity.id, data.code),
        name=require_text(data.name, ["name"]),
    )
    shared = await get_shared_category(session, data.shared_category_id, ["sharedCategoryId"])
    if shared.transaction_class != TransactionClass.EXPENSE:
        raise DomainError(
            ErrorCode.NOT_EXPENSE_CLASS,
            f"An expense category needs a shared category of class expense,"
            f" not {shared.transaction_class}.",
            ["sharedCategoryId"],
        )
    if not shared.can_be_used_in_expense:
        raise DomainError(
            ErrorCode.NOT_USABLE_IN_EXPENSE,
            "The shared category is not marked 'can be used in expense'.",
            ["sharedCategoryId"],
        )
    category.shared_category_id = shared.id
    category.transaction_category_id = shared.transaction_category_id
    if data.default_account_id is not None:
        await _check_account(session, actor, entity, data.default_account_id)
    category.default_account_id = data.default_account_id
    await set_category_units(session, category, data.unit_group_id, data.default_unit_id)
    session.add(category)
    await session.flush()
    return category


async def update_expense_category(
    session: AsyncSession, actor: Actor, data: ExpenseCategoryChanges
) -> ExpenseCategory:
    actor.require_role(Role.ACCOUNTANT)
    category = await _callers(session, actor, ExpenseCategory, data.expense_category_id)
    await _rename(session, category, data.code, data.name)
    if isinstance(data.default_account_id, int):
        entity = await session.get(LegalEntity, category.legal_entity_id)
        assert entity is not None  # the foreign key guarantees it
        await _check_account(session, actor, entity, data.default_account_id)
    if data.default_account_id is not KEEP:
        category.default_account_id = data.default_account_id
    await set_category_units(session, category, data.unit_group_id, data.default_unit_id)
    await session.flush()
    return category


async def delete_expense_category(session: AsyncSession, actor: Actor, pk: int) -> int:
    actor.require_role(Role.ACCOUNTANT)
    category = await _callers(session, actor, ExpenseCategory, pk)
    what = f"Expense category {category.code}"
    await delete_unless_used(session, what, category, expense_category_users(pk))
    return pk


async def create_project_category(
    session: AsyncSession, actor: Actor, data: NewProjectCategory
) -> ProjectCategory:
    """At most one per legal entity and transaction category: the journal looks it up (J3)."""
    actor.require_role(Role.ACCOUNTANT)
    entity = await entity_by_code(session, actor, data.legal_entity, ["legalEntity"])
    category = ProjectCategory(
        legal_entity_id=entity.id,
        code=await _free_code(session, ProjectCategory, entity.id, data.code),
        name=require_text(data.name, ["name"]),
    )
    field = ["transactionCategoryId"]
    transaction = await get_transaction_category(session, data.transaction_category_id, field)
    existing = await session.scalar(
        select(ProjectCategory.code).where(
            ProjectCategory.legal_entity_id == entity.id,
            ProjectCategory.transaction_category_id == transaction.id,
        )
    )
    if existing is not None:
        message = f"{entity.code} has project category {existing} for {transaction.code} already."
        raise DomainError(ErrorCode.DUPLICATE, message, field)
    category.transaction_category_id = transaction.id
    session.add(category)
    await session.flush()
    return category


async def update_project_category(
    session: AsyncSession, actor: Actor, data: ProjectCategoryChanges
) -> ProjectCategory:
    actor.require_role(Role.ACCOUNTANT)
    category = await _callers(session, actor, ProjectCategory, data.project_category_id)
    await _rename(session, category, data.code, data.name)
    await session.flush()
    return category


async def delete_project_category(session: AsyncSession, actor: Actor, pk: int) -> int:
    actor.require_role(Role.ACCOUNTANT)
    category = await _callers(session, actor, ProjectCategory, pk)
    what = f"Project category {category.code}"
    await delete_unless_used(session, what, category, project_category_users(pk))
    return pk


async def _callers(session: AsyncSession, actor: Actor, model: type[C], pk: int) -> C:
    """A category of one of the caller's legal entities; any other id is NOT_FOUND (M1)."""
    return await callers_row(
        session, actor, model, pk, missing=f"The {model.__name__} does not exist.", field=["id"]
    )


async def _free_code(
    session: AsyncSession, model: type[EntityCategory], entity_id: int, code: str, pk: int = 0
) -> str:
    """A valid code that no other category of the legal entity has."""
    code = require_code(code, ["code"])
    taken = await session.scalar(
        select(model.id).where(
            model.legal_entity_id == entity_id, model.code == code, model.id != pk
        )
    )
    if taken is not None:
        raise DomainError(ErrorCode.DUPLICATE, f"Code {code} is taken already.", ["code"])
    return code


async def _rename(
    session: AsyncSession, category: EntityCategory, code: str | None, name: str | None
) -> None:
    if code is not None:
        model = type(category)
        category.code = await _free_code(
            session, model, category.legal_entity_id, code, category.id
        )
    if name is not None:
        category.name = require_text(name, ["name"])


async def _check_account(
    session: AsyncSession, actor: Actor, entity: LegalEntity, account_id: int
) -> None:
    """The default account must be the legal entity's own (M1): one of the caller's other
    companies is OTHER_LEGAL_ENTITY, one the caller cannot see is NOT_FOUND."""
    owner = await session.scalar(
        select(Account.legal_entity_id).where(
            Account.id == account_id, in_callers_entities(Account.legal_entity_id, actor)
        )
    )
    field = ["defaultAccountId"]
    if owner is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The account does not exist.", field)
    if owner != entity.id:
        message = f"The account belongs to another legal entity than {entity.code}."
        raise DomainError(ErrorCode.OTHER_LEGAL_ENTITY, message, field)
