"""Demo legal entities with their chart of accounts, parameters, periods and line properties."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.ledger import LedgerPeriod, PeriodStatus
from db.models.master_data import Account, AppUser, BillingType, LegalEntity
from db.models.parameters import (
    ACCOUNT_ROLES,
    LegalEntityParameters,
    LineProperty,
    LinePropertyMapping,
)
from domain import master_data
from domain.actors import Actor

# code -> (name, accounting currency)
COMPANIES = {"USPM": ("Project Management US", "USD"), "DEPM": ("Projektmanagement DE", "EUR")}

# Parameter role -> (account number, name): one account per role of M7.
ROLE_ACCOUNTS = {
    "expense_integration": ("290100", "Expense integration"),
    "procurement_integration": ("290200", "Procurement integration"),
    "project_cost": ("600100", "Project cost"),
    "wip_sales_value": ("130100", "WIP - sales value"),
    "accrued_revenue": ("400100", "Accrued revenue - sales value"),
    "input_tax": ("145000", "Input sales tax"),
    "employee_payable": ("210100", "Employee payable"),
    "vendor_payable": ("200100", "Vendor payable"),
    "round_off": ("799900", "Rounding differences"),
}
assert set(ROLE_ACCOUNTS) == set(ACCOUNT_ROLES), "every parameter account role needs an account"

# Default accounts of the expense categories (debited by lines without a project, E4).
EXPENSE_ACCOUNTS = {
    "TRAVEL": ("610100", "Travel"),
    "HOTEL": ("610200", "Accommodation"),
    "MEALS": ("610300", "Meals and entertainment"),
    "SUBCONTRACT": ("610400", "Subcontracted services"),
    "RENTAL": ("610500", "Equipment rental"),
}

LINE_PROPERTIES = {
    BillingType.TIME_AND_MATERIAL: LineProperty.CHARGEABLE,
    BillingType.FIXED_PRICE: LineProperty.NON_CHARGEABLE,
}


@dataclass
class DemoCompany:
    entity: LegalEntity
    accounts: dict[str, Account] = field(default_factory=dict)  # role or expense code -> row


def month_start(day: dt.date, months: int = 0) -> dt.date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


async def create_companies(session: AsyncSession, admin: AppUser) -> dict[str, DemoCompany]:
    """Through the domain, so each company gets its parameters and number sequences."""
    actor = Actor(admin.id, frozenset({"admin"}), frozenset())
    companies = {}
    for code, (name, currency) in COMPANIES.items():
        entity = await master_data.create_legal_entity(
            session, actor, master_data.NewLegalEntity(code=code, name=name, currency_code=currency)
        )
        companies[code] = DemoCompany(entity)
    return companies


async def add_accounts(session: AsyncSession, company: DemoCompany) -> None:
    """The chart of accounts, then every account role of the parameters pointed at it."""
    entity_id = company.entity.id
    for key, (number, name) in (ROLE_ACCOUNTS | EXPENSE_ACCOUNTS).items():
        account = Account(legal_entity_id=entity_id, number=number, name=name)
        session.add(account)
        company.accounts[key] = account
    await session.flush()
    await session.execute(
        update(LegalEntityParameters)
        .where(LegalEntityParameters.legal_entity_id == entity_id)
        .values({f"{role}_account_id": company.accounts[role].id for role in ACCOUNT_ROLES})
    )


def add_periods(session: AsyncSession, company: DemoCompany, today: dt.date) -> None:
    """Last month on hold (so the move-to-next-open-period rule shows), this and 2 more open."""
    for offset in (-1, 0, 1, 2):
        start = month_start(today, offset)
        status = PeriodStatus.ON_HOLD if offset < 0 else PeriodStatus.OPEN
        session.add(
            LedgerPeriod(
                legal_entity_id=company.entity.id,
                start_date=start,
                end_date=month_start(start, 1) - dt.timedelta(days=1),
                status=status,
            )
        )


def add_line_properties(session: AsyncSession, company: DemoCompany) -> None:
    for billing_type, line_property in LINE_PROPERTIES.items():
        session.add(
            LinePropertyMapping(
                legal_entity_id=company.entity.id,
                billing_type=billing_type.value,
                line_property=line_property.value,
            )
        )


async def set_default_project_category(
    session: AsyncSession, company: DemoCompany, project_category_id: int
) -> None:
    await session.execute(
        update(LegalEntityParameters)
        .where(LegalEntityParameters.legal_entity_id == company.entity.id)
        .values(default_project_category_id=project_category_id)
    )
