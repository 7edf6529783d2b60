"""The command line and the demo data, run as a user runs them: `python cli.py ...` on a
database of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app import create_app
from config import PROJECT_ROOT, Settings
from db.migrate import sync_engine_url
from db.session import make_engine
from db.urls import libpq_url
from demo import DEMO_USERS, DemoToken, demo_tokens
from resolvers.auth import verify_token
from schema import schema
from tests.support.client import GraphQLClient
from tests.support.scratch_db import scratch_database

ME = "{ me { id roles legalEntities { code } } legalEntities { nodes { code } } }"


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_url(settings: Settings) -> Iterator[str]:
    """A scratch database with the demo data loaded once by `cli.py demo`."""
    with scratch_database(libpq_url(settings)) as url:
        loaded = run_cli(url, "demo")
        assert loaded.returncode == 0, loaded.stderr
        assert "Demo data loaded." in loaded.stdout
        yield url


@pytest.fixture(scope="module")
def demo_db(demo_url: str) -> Iterator[Engine]:
    engine = create_engine(sync_engine_url(demo_url))
    yield engine
    engine.dispose()


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        tables = conn.scalars(
            text(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ).all()
        return {t: conn.scalar(text(f'SELECT count(*) FROM "{t}"')) or 0 for t in tables}


def test_loading_the_demo_twice_changes_nothing(demo_url: str, demo_db: Engine) -> None:
    before = row_counts(demo_db)
    again = run_cli(demo_url, "demo")
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in again.stdout
    assert row_counts(demo_db) == before
    assert before["legal_entity"] == 2
    assert before["app_user"] == len(DEMO_USERS)


def test_demo_data_follows_the_rules(demo_db: Engine) -> None:
    checks = {
        # M2: five shared categories per transaction category, one per class.
        "SELECT count(*) FROM transaction_category t WHERE (SELECT count(DISTINCT"
        " transaction_class) FROM shared_category s WHERE s.transaction_category_id = t.id)"
        " <> 5": 0,
        # M2: expense categories come from expense-class shared categories usable in expense.
        "SELECT count(*) FROM expense_category e JOIN shared_category s"
        " ON s.id = e.shared_category_id"
        " WHERE s.transaction_class <> 'expense' OR NOT s.can_be_used_in_expense": 0,
        # M7: all nine accounts and the default project category are set.
        "SELECT count(*) FROM legal_entity_parameters WHERE num_nulls(expense_integration_"
        "account_id, procurement_integration_account_id, project_cost_account_id,"
        " wip_sales_value_account_id, accrued_revenue_account_id, input_tax_account_id,"
        " employee_payable_account_id, vendor_payable_account_id, round_off_account_id,"
        " default_project_category_id) = 0": 2,
        # M5: last month on hold, this month and the next two open, per legal entity.
        "SELECT count(*) FROM ledger_period WHERE status = 'open'"
        " AND start_date >= date_trunc('month', current_date)": 6,
        "SELECT count(*) FROM ledger_period WHERE status = 'on_hold'": 2,
        "SELECT count(*) FROM line_property_mapping WHERE (billing_type, line_property) IN"
        " (('time_and_material', 'chargeable'), ('fixed_price', 'non_chargeable'))": 4,
        # M4: the three contexts, and sales lines priced per unit, at cost and with a markup.
        "SELECT count(DISTINCT context) FROM price_list": 3,
        "SELECT count(DISTINCT pricing_method) FROM price_list_line": 3,
        # M6: a rate both ways for today.
        "SELECT count(DISTINCT from_currency) FROM exchange_rate"
        " WHERE valid_from <= current_date - 330": 2,
        "SELECT count(DISTINCT billing_type) FROM project": 2,
        "SELECT count(*) FROM unit WHERE (code, factor) IN (('DAY', 8), ('WEEK', 40))": 2,
    }
    with demo_db.connect() as conn:
        found = {sql: conn.scalar(text(sql)) for sql in checks}
    assert found == checks


@pytest.fixture
async def demo_engine(settings: Settings, demo_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(settings, demo_url)
    yield engine
    await engine.dispose()


async def test_every_demo_token_works(settings: Settings, demo_engine: AsyncEngine) -> None:
    async with AsyncSession(demo_engine) as session:
        tokens: list[DemoToken] = await demo_tokens(session, settings)
        await session.commit()  # their sessions
    assert sorted(t.email for t in tokens) == sorted(u.email for u in DEMO_USERS)
    async with GraphQLClient.for_app(create_app(settings, engine=demo_engine)) as client:
        for item in tokens:
            data = await client.data(ME, token=item.token)
            assert [role.lower() for role in data["me"]["roles"]] == item.roles
            assert [e["code"] for e in data["me"]["legalEntities"]] == item.legal_entities
            codes = sorted(node["code"] for node in data["legalEntities"]["nodes"])
            assert codes == item.legal_entities


def test_token_signs_in_with_an_access_and_a_refresh_token(
    settings: Settings, demo_url: str, demo_db: Engine
) -> None:
    minted = run_cli(demo_url, "token", "manager2@demo.example.com")
    assert minted.returncode == 0, minted.stderr
    lines = dict(line.split("=", 1) for line in minted.stdout.splitlines())
    assert sorted(lines) == ["ACCESS_TOKEN", "REFRESH_TOKEN"]
    claims = verify_token(settings, lines["ACCESS_TOKEN"])
    with demo_db.connect() as conn:
        user_id = conn.scalar(
            text("SELECT id FROM app_user WHERE email = 'manager2@demo.example.com'")
        )
        session_user = conn.scalar(
            text("SELECT user_id FROM user_session WHERE id = :id AND revoked_at IS NULL"),
            {"id": claims.session_id},
        )
    assert claims.user_id == session_user == user_id
    assert claims.roles == {"employee", "project_manager"}
    assert claims.legal_entities == {"USPM"}
    assert "the session ends at" in minted.stderr


def test_token_for_an_unknown_user_fails_clearly(demo_url: str) -> None:
    result = run_cli(demo_url, "token", "nobody@example.com")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "No user with email 'nobody@example.com'" in result.stderr


def test_print_schema_prints_only_the_schema(demo_url: str) -> None:
    result = run_cli(demo_url, "print-schema")
    assert result.returncode == 0, result.stderr
    assert result.stdout == schema.as_str() + "\n"


DEMO_INVOICE = """{ vendorInvoices(filter: {legalEntity: "USPM"}) { nodes {
  number status subtotal salesTax total vendor { code } subcontract { number }
  lines { date unit { code } unitPrice subtotal priceConverted priceUnit { code }
          priceList { name } task { code } warnings } } } }"""


async def test_the_demo_draft_vendor_invoice_shows_both_price_periods_converted(
    settings: Settings, demo_engine: AsyncEngine
) -> None:
    """V4, M3: this month's list prices per week, last month's per day; each line is priced
    by the list valid on its own date and converted to its unit."""
    async with AsyncSession(demo_engine) as session:
        tokens = {t.email: t.token for t in await demo_tokens(session, settings)}
        await session.commit()  # their sessions
    async with GraphQLClient.for_app(create_app(settings, engine=demo_engine)) as client:
        data = await client.data(DEMO_INVOICE, token=tokens["accountant@demo.example.com"])
    (invoice,) = data["vendorInvoices"]["nodes"]
    assert (invoice["number"], invoice["status"]) == ("USPM-RENT-0001", "DRAFT")
    assert (invoice["vendor"], invoice["subcontract"]) == (
        {"code": "USPM-V001"},
        {"number": "USPM-SC-001"},
    )
    assert (invoice["subtotal"], invoice["salesTax"], invoice["total"]) == (
        "2710.00",
        "271.00",
        "2981.00",
    )
    crane, office = invoice["lines"]
    assert (crane["unit"], crane["priceUnit"], crane["unitPrice"], crane["subtotal"]) == (
        {"code": "CAL-DAY"},
        {"code": "CAL-WEEK"},
        "110.00",
        "1100.00",
    )
    assert (office["unit"], office["priceUnit"], office["unitPrice"], office["subtotal"]) == (
        {"code": "CAL-WEEK"},
        {"code": "CAL-DAY"},
        "805.00",
        "1610.00",
    )
    assert crane["priceConverted"] and office["priceConverted"]
    assert crane["priceList"]["name"] != office["priceList"]["name"]
    # V7: the office line has no task but a subcontract line: it is still billable.
    assert crane["task"] == {"code": "2"} and office["task"] is None
    assert crane["warnings"] == office["warnings"] == []
