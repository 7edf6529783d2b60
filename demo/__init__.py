"""Demo data: two companies in two currencies, ready to try every part of the API.

`load_demo` is idempotent: it does nothing when the first demo legal entity exists already.
It only flushes; the caller commits (so tests can load it inside a rolled-back transaction).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import LegalEntity
from demo.catalog import DEFAULT_PROJECT_CATEGORY, add_company_categories, create_catalog
from demo.companies import (
    COMPANIES,
    add_accounts,
    add_line_properties,
    add_periods,
    create_companies,
    set_default_project_category,
)
from demo.dimensions import add_dimensions
from demo.people import ADMIN, DEMO_USERS, DemoToken, create_users, demo_tokens, link_users
from demo.pricing import add_exchange_rates, add_price_lists
from demo.projects import create_projects
from demo.vendor_invoices import add_purchasing
from domain.actors import Actor

__all__ = ["DEMO_USERS", "DemoToken", "demo_tokens", "is_loaded", "load_demo"]

FIRST_ENTITY = next(iter(COMPANIES))


async def is_loaded(session: AsyncSession) -> bool:
    found = await session.scalar(select(LegalEntity.id).where(LegalEntity.code == FIRST_ENTITY))
    return found is not None


async def load_demo(session: AsyncSession, today: dt.date | None = None) -> bool:
    """Load the demo data unless it is there; True when it was loaded now."""
    # Two processes starting at once (`make run` twice) must not both load: the second waits
    # here until the first commits, then sees the data.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('projops-demo'))"))
    if await is_loaded(session):
        return False
    today = today or dt.date.today()
    users = await create_users(session)
    companies = await create_companies(session, users[ADMIN.email])
    await link_users(session, users, {code: c.entity for code, c in companies.items()})
    catalog = await create_catalog(session)
    projects = await create_projects(session, companies, users)
    buyer = Actor(users[ADMIN.email].id, frozenset(ADMIN.roles), frozenset(companies))
    add_exchange_rates(session, today)
    for company in companies.values():
        await add_accounts(session, company)
        add_periods(session, company, today)
        add_line_properties(session, company)
        await add_dimensions(session, company)
        project_categories = await add_company_categories(session, company, catalog)
        await set_default_project_category(
            session, company, project_categories[DEFAULT_PROJECT_CATEGORY].id
        )
        own = [p for p in projects.values() if p.legal_entity_id == company.entity.id]
        await add_price_lists(session, company, catalog, own, today)
        await add_purchasing(session, company, catalog, own, buyer, today)
    await session.flush()
    return True
