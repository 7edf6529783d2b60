"""Categories in the domain layer (M2): shared categories, expense and project categories,
the deletes refused while in use, and the look-ups other domains rely on."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import (
    ExpenseCategory,
    ProjectCategory,
    SharedCategory,
    TransactionCategory,
    TransactionClass,
)
from db.models.parameters import LegalEntityParameters
from db.models.prices import PriceList, PriceListLine
from domain import categories, categories_entity
from domain.categories_usage import delete_unless_used
from domain.errors import DomainError, ErrorCode
from tests.support import categories as make
from tests.support.world import World


async def _count(session: AsyncSession, model: type[object]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_m2_transaction_category_gets_five_shared_categories(
    session: AsyncSession, world: World
) -> None:
    category, shared = await make.transaction_category(
        session, world, "TRAVEL", usable_in_expense=False
    )
    assert set(shared) == {member.value for member in TransactionClass}
    assert all(row.transaction_category_id == category.id for row in shared.values())
    assert not any(row.can_be_used_in_expense for row in shared.values())


async def test_m2_create_transaction_category_refused_writes_nothing(
    session: AsyncSession, world: World
) -> None:
    await make.transaction_category(session, world, "TRAVEL")
    before = (await _count(session, TransactionCategory), await _count(session, SharedCategory))
    cases = [
        ("accountant", categories.NewTransactionCategory("HOTEL", "Hotel"), ErrorCode.FORBIDDEN),
        ("admin", categories.NewTransactionCategory("TRAVEL", "Again"), ErrorCode.DUPLICATE),
        ("admin", categories.NewTransactionCategory(" ", "Blank"), ErrorCode.INVALID),
        ("admin", categories.NewTransactionCategory("HOTEL", " "), ErrorCode.REQUIRED),
        ("admin", categories.NewTransactionCategory("HOTEL", "H", 999_999), ErrorCode.NOT_FOUND),
    ]
    for user, data, code in cases:
        with pytest.raises(DomainError) as caught:
            await categories.create_transaction_category(session, world.actor(user), data)
        assert caught.value.code == code
    after = (await _count(session, TransactionCategory), await _count(session, SharedCategory))
    assert after == before


async def test_m2_expense_settings_only_on_expense_class(
    session: AsyncSession, world: World
) -> None:
    _, shared = await make.transaction_category(session, world, "TRAVEL", usable_in_expense=False)
    for transaction_class, row in shared.items():
        change = categories.SharedCategoryChanges(row.id, True, "Travel")
        if transaction_class == TransactionClass.EXPENSE:
            updated = await categories.update_shared_category(session, world.actor("admin"), change)
            assert (updated.can_be_used_in_expense, updated.expense_type) == (True, "Travel")
            continue
        with pytest.raises(DomainError) as caught:
            await categories.update_shared_category(session, world.actor("admin"), change)
        assert caught.value.code == ErrorCode.NOT_EXPENSE_CLASS
        assert transaction_class in caught.value.message
    # KEEP leaves the expense type, None clears it.
    expense = shared[TransactionClass.EXPENSE]
    keep = categories.SharedCategoryChanges(expense.id, can_be_used_in_expense=False)
    assert (
        await categories.update_shared_category(session, world.actor("admin"), keep)
    ).expense_type == "Travel"
    clear = categories.SharedCategoryChanges(expense.id, expense_type=None)
    assert (
        await categories.update_shared_category(session, world.actor("admin"), clear)
    ).expense_type is None


async def test_m2_expense_category_only_from_usable_expense_shared_category(
    session: AsyncSession, world: World
) -> None:
    category, shared = await make.transaction_category(
        session, world, "TRAVEL", usable_in_expense=False
    )
    refusals = [
        (shared[TransactionClass.HOUR], ErrorCode.NOT_EXPENSE_CLASS),
        (shared[TransactionClass.EXPENSE], ErrorCode.NOT_USABLE_IN_EXPENSE),
    ]
    for row, code in refusals:
        with pytest.raises(DomainError) as caught:
            await make.expense_category(session, world, "USPM", "TRV", row)
        assert (caught.value.code, caught.value.field) == (code, ["sharedCategoryId"])
    assert await _count(session, ExpenseCategory) == 0
    await categories.update_shared_category(
        session,
        world.actor("admin"),
        categories.SharedCategoryChanges(shared[TransactionClass.EXPENSE].id, True),
    )
    created = await make.expense_category(
        session, world, "USPM", "TRV", shared[TransactionClass.EXPENSE]
    )
    assert created.transaction_category_id == category.id
    assert created.legal_entity_id == world.entity_id("USPM")


async def test_m1_m2_default_account_must_be_the_legal_entitys(
    session: AsyncSession, world: World
) -> None:
    _, shared = await make.transaction_category(session, world, "TRAVEL")
    expense = shared[TransactionClass.EXPENSE].id
    us_account = world.companies["USPM"].accounts["project_cost"].id
    de_account = world.companies["DEPM"].accounts["project_cost"].id
    cases = [
        ("admin", "USPM", de_account, ErrorCode.OTHER_LEGAL_ENTITY),
        ("outsider", "DEPM", us_account, ErrorCode.NOT_FOUND),  # USPM is not the outsider's
    ]
    for user, entity, account, code in cases:
        data = categories_entity.NewExpenseCategory(entity, "TRV", "Travel", expense, account)
        with pytest.raises(DomainError) as caught:
            await categories_entity.create_expense_category(session, world.actor(user), data)
        assert (caught.value.code, caught.value.field) == (code, ["defaultAccountId"])
    data = categories_entity.NewExpenseCategory("USPM", "TRV", "Travel", expense, us_account)
    created = await categories_entity.create_expense_category(session, world.actor("admin"), data)
    assert created.default_account_id == us_account


async def test_m2_update_expense_category_renames_and_clears_account(
    session: AsyncSession, world: World
) -> None:
    _, shared = await make.transaction_category(session, world, "TRAVEL")
    expense = shared[TransactionClass.EXPENSE]
    first = await make.expense_category(session, world, "USPM", "TRV", expense)
    await make.expense_category(session, world, "USPM", "TAXI", expense)
    account = world.companies["USPM"].accounts["round_off"].id
    change = categories_entity.ExpenseCategoryChanges(
        first.id, name="Trips", default_account_id=account
    )
    updated = await categories_entity.update_expense_category(
        session, world.actor("accountant"), change
    )
    assert (updated.code, updated.name, updated.default_account_id) == ("TRV", "Trips", account)
    with pytest.raises(DomainError) as caught:
        taken = categories_entity.ExpenseCategoryChanges(first.id, code="TAXI")
        await categories_entity.update_expense_category(session, world.actor("accountant"), taken)
    assert caught.value.code == ErrorCode.DUPLICATE
    clear = categories_entity.ExpenseCategoryChanges(first.id, default_account_id=None)
    cleared = await categories_entity.update_expense_category(
        session, world.actor("accountant"), clear
    )
    assert cleared.default_account_id is None


async def test_m2_lookups_for_other_domains(session: AsyncSession, world: World) -> None:
    category, shared = await make.transaction_category(session, world, "TRAVEL")
    expense = await make.expense_category(
        session, world, "USPM", "TRV", shared[TransactionClass.EXPENSE]
    )
    project = await make.project_category(session, world, "USPM", "PTRV", category.id)
    found = await categories.expense_category_for_entity(
        session, world.entity_id("USPM"), expense.id
    )
    assert found.id == expense.id
    with pytest.raises(DomainError) as caught:
        await categories.expense_category_for_entity(session, world.entity_id("DEPM"), expense.id)
    assert caught.value.code == ErrorCode.NOT_FOUND
    assert (
        await categories.project_category_for(session, world.entity_id("USPM"), category.id)
    ) == project
    assert (
        await categories.project_category_for(session, world.entity_id("DEPM"), category.id) is None
    )


async def test_m2_one_project_category_per_transaction_category(
    session: AsyncSession, world: World
) -> None:
    category, _ = await make.transaction_category(session, world, "TRAVEL")
    await make.project_category(session, world, "USPM", "PTRV", category.id)
    with pytest.raises(DomainError) as caught:
        await make.project_category(session, world, "USPM", "PTRV2", category.id)
    assert (caught.value.code, caught.value.field) == (
        ErrorCode.DUPLICATE,
        ["transactionCategoryId"],
    )
    # Another legal entity has its own.
    other = await make.project_category(session, world, "DEPM", "PTRV", category.id)
    assert other.legal_entity_id == world.entity_id("DEPM")


async def test_m2_transaction_category_delete_refused_while_in_use(
    session: AsyncSession, world: World
) -> None:
    category, _ = await make.transaction_category(session, world, "TRAVEL")
    project = await make.project_category(session, world, "USPM", "PTRV", category.id)
    price_list = PriceList(
        legal_entity_id=world.entity_id("USPM"),
        name="Cost",
        context="cost",
        currency_code="USD",
        valid_from=dt.date(2024, 1, 1),
    )
    session.add(price_list)
    await session.flush()
    line = PriceListLine(
        legal_entity_id=price_list.legal_entity_id,
        price_list_id=price_list.id,
        transaction_category_id=category.id,
        price=1,
    )
    session.add(line)
    await session.flush()
    admin = world.actor("admin")
    with pytest.raises(DomainError) as caught:
        await categories.delete_transaction_category(session, admin, category.id)
    assert caught.value.code == ErrorCode.IN_USE
    assert "1 project categories" in caught.value.message
    assert "1 price list lines" in caught.value.message
    await session.delete(line)
    await categories_entity.delete_project_category(session, world.actor("accountant"), project.id)
    assert await categories.delete_transaction_category(session, admin, category.id) == category.id
    assert await _count(session, SharedCategory) == 0


async def test_m2_expense_category_delete_refused_while_expense_lines_use_it(
    session: AsyncSession, world: World
) -> None:
    _, shared = await make.transaction_category(session, world, "TRAVEL")
    category = await make.expense_category(
        session, world, "USPM", "TRV", shared[TransactionClass.EXPENSE]
    )
    line = await make.expense_line_using(session, world, category)
    accountant = world.actor("accountant")
    with pytest.raises(DomainError) as caught:
        await categories_entity.delete_expense_category(session, accountant, category.id)
    assert (caught.value.code, caught.value.message) == (
        ErrorCode.IN_USE,
        "Expense category TRV is used by 1 expense lines.",
    )
    await session.delete(line)
    await session.flush()
    await categories_entity.delete_expense_category(session, accountant, category.id)
    assert await _count(session, ExpenseCategory) == 0


async def test_m2_project_category_delete_refused_while_default_parameter(
    session: AsyncSession, world: World
) -> None:
    category, _ = await make.transaction_category(session, world, "TRAVEL")
    project = await make.project_category(session, world, "USPM", "PTRV", category.id)
    parameters = update(LegalEntityParameters).where(
        LegalEntityParameters.legal_entity_id == project.legal_entity_id
    )
    await session.execute(parameters.values(default_project_category_id=project.id))
    accountant = world.actor("accountant")
    with pytest.raises(DomainError) as caught:
        await categories_entity.delete_project_category(session, accountant, project.id)
    assert caught.value.code == ErrorCode.IN_USE
    assert "default project category" in caught.value.message
    await session.execute(parameters.values(default_project_category_id=None))
    await categories_entity.delete_project_category(session, accountant, project.id)
    assert await _count(session, ProjectCategory) == 0


async def test_m2_foreign_key_makes_a_delete_race_in_use(
    session: AsyncSession, world: World
) -> None:
    """A user the check did not see (added concurrently): the foreign key refuses the
    delete and that is IN_USE too, not an internal error."""
    category, _ = await make.transaction_category(session, world, "TRAVEL")
    await make.project_category(session, world, "USPM", "PTRV", category.id)
    with pytest.raises(DomainError) as caught:
        async with session.begin_nested():
            await delete_unless_used(session, "Transaction category TRAVEL", category, {})
    assert caught.value.code == ErrorCode.IN_USE
    await session.rollback()
