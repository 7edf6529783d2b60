"""E3: the checks an expense line must pass before it is written, collected together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import ExpenseCategory
from db.models.expenses import ExpenseReport
from db.models.master_data import Currency, Project, Task
from domain.categories import expense_category_for_entity
from domain.categories_units import line_unit
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.master_data import get_currency
from domain.money import round_money
from domain.validation import MAX_AMOUNT, Collector, check_date, check_decimal

QUANTITY_PLACES = 4  # expense_line.quantity is NUMERIC(19,4)
PRICE_PLACES = 6  # expense_line.unit_price is NUMERIC(19,6)
TEXT_LIMIT = 1000


@dataclass(frozen=True)
class ExpenseLineData:
    """One line as entered; `amount` is the net amount (before sales tax). Give either
    `amount` or `unit_price` (then amount = quantity x unit price, rounded half-up)."""

    date: dt.date
    expense_category_id: int
    quantity: Decimal = Decimal(1)
    amount: Decimal | None = None
    unit_price: Decimal | None = None
    unit_id: int | None = None  # None: the category's default unit (categories_units.py)
    project_id: int | None = None
    task_id: int | None = None
    currency_code: str | None = None  # None: the report's currency
    sales_tax: Decimal = Decimal(0)
    non_recoverable_tax: Decimal = Decimal(0)
    merchant: str = ""
    description: str = ""
    chargeable: bool = True


@dataclass(frozen=True)
class CheckedLine:
    """The values to store, every reference verified to be in the report's legal entity."""

    date: dt.date
    category: ExpenseCategory
    project: Project | None
    task_id: int | None
    quantity: Decimal  # in the unit
    unit_id: int | None
    unit_price: Decimal | None
    amount: Decimal
    currency_code: str
    sales_tax: Decimal
    non_recoverable_tax: Decimal
    merchant: str
    description: str
    chargeable: bool


async def _project_of(session: AsyncSession, entity_id: int, project_id: int) -> Project:
    """A project of the report's legal entity; any other legal entity's is NOT_FOUND (M1)."""
    project = await session.scalar(
        select(Project).where(Project.id == project_id, Project.legal_entity_id == entity_id)
    )
    if project is None:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "The project does not exist in the report's legal entity.",
            ["projectId"],
        )
    return project


async def _task_of(session: AsyncSession, project: Project | None, task_id: int) -> int:
    """A task of the line's project. It is looked up in the project's legal entity only, so
    another legal entity's task answers exactly like a made-up id (M1)."""
    if project is None:
        raise DomainError(ErrorCode.REQUIRED, "A task needs the line's project.", ["projectId"])
    owner = await session.scalar(
        select(Task.project_id).where(
            Task.id == task_id, Task.legal_entity_id == project.legal_entity_id
        )
    )
    if owner is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The task does not exist.", ["taskId"])
    if owner != project.id:
        raise DomainError(
            ErrorCode.INVALID, f"The task is not a task of project {project.code}.", ["taskId"]
        )
    return task_id


def _amounts(data: ExpenseLineData, currency: Currency) -> tuple[Decimal, Decimal | None]:
    """(net amount, unit price): amount is computed from the unit price when one is given."""
    quantity = check_decimal(
        data.quantity, ["quantity"], places=QUANTITY_PLACES, exclusive_minimum=True
    )
    if data.unit_price is not None:
        if data.amount is not None:
            raise DomainError(
                ErrorCode.INVALID,
                "Give the amount or the unit price, not both: amount = quantity x unit price.",
                ["amount"],
            )
        price = check_decimal(data.unit_price, ["unitPrice"], places=PRICE_PLACES)
        amount = round_money(quantity * price, currency.decimals)
        if amount > MAX_AMOUNT:
            raise DomainError(
                ErrorCode.OUT_OF_RANGE,
                f"quantity x unitPrice = {amount} exceeds the largest amount, {MAX_AMOUNT}.",
                ["unitPrice"],
            )
        if amount == 0:  # L2: a line of 0 could never be posted, so it is refused here
            raise DomainError(
                ErrorCode.OUT_OF_RANGE, "quantity x unitPrice must not round to 0.", ["unitPrice"]
            )
        return amount, price
    if data.amount is None:
        raise DomainError(ErrorCode.REQUIRED, "Give the amount or the unit price.", ["amount"])
    places = currency.decimals  # L2: an amount of 0 could never be posted (exclusive minimum)
    return check_decimal(data.amount, ["amount"], places=places, exclusive_minimum=True), None


def _taxes(data: ExpenseLineData, amount: Decimal, currency: Currency) -> tuple[Decimal, Decimal]:
    tax = check_decimal(data.sales_tax, ["salesTax"], places=currency.decimals)
    if tax > amount:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, "The sales tax exceeds the net amount.", ["salesTax"]
        )
    if amount + tax > MAX_AMOUNT:  # the total is what posting credits the employee (E4)
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            f"The total, net amount + sales tax, exceeds the largest amount, {MAX_AMOUNT}.",
            ["salesTax"],
        )
    kept = check_decimal(
        data.non_recoverable_tax, ["nonRecoverableTax"], places=currency.decimals, maximum=tax
    )
    return tax, kept


def _text(value: str, field: str) -> str:
    stripped = value.strip()
    if len(stripped) > TEXT_LIMIT:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"{field} is longer than {TEXT_LIMIT} characters.", [field]
        )
    return stripped


async def check_line(
    session: AsyncSession, report: ExpenseReport, data: ExpenseLineData
) -> CheckedLine:
    """Every field checked against the report's legal entity; all failures together."""
    found = Collector()
    entity = report.legal_entity_id
    date = found.run(lambda: check_date(data.date, ["date"]))
    category = await found.run_async(
        expense_category_for_entity(session, entity, data.expense_category_id)
    )
    unit_id = None
    if category is not None:
        unit_id = await found.run_async(line_unit(session, category, data.unit_id))
    project = None
    if data.project_id is not None:
        project = await found.run_async(_project_of(session, entity, data.project_id))
    task_id = None
    if data.task_id is not None and (project is not None or data.project_id is None):
        task_id = await found.run_async(_task_of(session, project, data.task_id))
    currency = await found.run_async(
        get_currency(session, data.currency_code or report.currency_code, ["currencyCode"])
    )
    merchant = found.run(lambda: _text(data.merchant, "merchant"))
    description = found.run(lambda: _text(data.description, "description"))
    if currency is None:
        raise DomainErrors(found.errors)
    money = found.run(lambda: _amounts(data, currency))
    taxes = found.run(lambda: _taxes(data, money[0], currency)) if money else None
    if found.errors:
        raise DomainErrors(found.errors)
    assert date and category and money and taxes and merchant is not None
    assert description is not None
    return CheckedLine(
        date=date,
        category=category,
        project=project,
        task_id=task_id,
        quantity=data.quantity,
        unit_id=unit_id,
        unit_price=money[1],
        amount=money[0],
        currency_code=currency.code,
        sales_tax=taxes[0],
        non_recoverable_tax=taxes[1],
        merchant=merchant,
        description=description,
        chargeable=data.chargeable,
    )
