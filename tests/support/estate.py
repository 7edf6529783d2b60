"""A row of every kind in both legal entities, for the tests that walk the whole schema
(tests/test_authorization_matrix.py, tests/test_foreign_ids.py).

The data is the differential test's (tests/support/differential_data.py): reports in every
status, journals posted and failed, vendor invoices of every kind, dimensions, price lists.
`samples` picks, per Node type, one row of a legal entity that a mutation can most likely act
on (a Draft report, a Draft journal line, a Draft invoice's line...), consistent with each
other (the sample line is of the sample report, the sample task of the sample project)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from config import Settings
from db.models.master_data import Task
from db.models.vendor_invoices import Vendor
from schema.relay import encode_id
from tests.support import expenses as ex
from tests.support import projects
from tests.support import vendor_invoices_data as vi
from tests.support.client import GraphQLClient
from tests.support.differential_data import (
    add_journals,
    add_master_data,
    add_reports,
    add_users,
)
from tests.support.journals import LAST_MONTH, add_rate
from tests.support.world import World

# Per Node type, the SQL that picks the sample row of the legal entity :entity, best first.
# Rows of global master data (units, categories, rates) ignore :entity.
_DRAFT_REPORT = """SELECT r.id FROM expense_report r JOIN expense_line l ON l.report_id = r.id
  WHERE r.legal_entity_id = :entity AND r.status = 'draft' AND l.task_id IS NOT NULL
  ORDER BY r.id LIMIT 1"""
_FIRST_LINE = f"SELECT min(id) FROM expense_line WHERE report_id = ({_DRAFT_REPORT})"
_OF_FIRST_LINE = "SELECT {column} FROM expense_line WHERE id = (" + _FIRST_LINE + ")"
_PICKS = {
    "ExpenseReport": _DRAFT_REPORT,
    "ExpenseLine": _FIRST_LINE,
    "Project": _OF_FIRST_LINE.format(column="project_id"),
    "Task": _OF_FIRST_LINE.format(column="task_id"),
    "ExpenseCategory": _OF_FIRST_LINE.format(column="expense_category_id"),
    "Actual": """SELECT min(id) FROM actual WHERE legal_entity_id = :entity
        AND adjustment_status = 'adjustable'""",
    "Journal": """SELECT id FROM journal WHERE legal_entity_id = :entity
        ORDER BY status = 'draft' DESC, id LIMIT 1""",
    "JournalLine": """SELECT id FROM journal_line WHERE legal_entity_id = :entity
        ORDER BY status = 'draft' DESC, id LIMIT 1""",
    "Account": "SELECT min(id) FROM account WHERE legal_entity_id = :entity",
    "NumberSequence": "SELECT min(id) FROM number_sequence WHERE legal_entity_id = :entity",
    "LedgerPeriod": """SELECT id FROM ledger_period WHERE legal_entity_id = :entity
        ORDER BY status = 'open' DESC, id LIMIT 1""",
    "ProjectCategory": "SELECT min(id) FROM project_category WHERE legal_entity_id = :entity",
    "PriceList": """SELECT price_list_id FROM price_list_line
        WHERE legal_entity_id = :entity ORDER BY id LIMIT 1""",
    "PriceListLine": "SELECT min(id) FROM price_list_line WHERE legal_entity_id = :entity",
    "Vendor": """SELECT vendor_id FROM vendor_invoice WHERE legal_entity_id = :entity
        ORDER BY status = 'draft' DESC, id LIMIT 1""",
    "VendorInvoice": """SELECT id FROM vendor_invoice WHERE legal_entity_id = :entity
        ORDER BY status = 'draft' DESC, id LIMIT 1""",
    "VendorInvoiceLine": """SELECT l.id FROM vendor_invoice_line l
        JOIN vendor_invoice i ON i.id = l.invoice_id WHERE l.legal_entity_id = :entity
        ORDER BY i.status = 'draft' DESC, l.verification_status = 'not_started' DESC, l.id
        LIMIT 1""",
    "Subcontract": "SELECT min(id) FROM subcontract WHERE legal_entity_id = :entity",
    "SubcontractLine": """SELECT min(id) FROM subcontract_line WHERE subcontract_id = (
        SELECT min(id) FROM subcontract WHERE legal_entity_id = :entity)""",
    "FinancialDimension": """SELECT dimension_id FROM financial_dimension_value
        WHERE legal_entity_id = :entity ORDER BY id LIMIT 1""",
    "FinancialDimensionValue": """SELECT min(id) FROM financial_dimension_value
        WHERE legal_entity_id = :entity""",
    "JobRun": "SELECT min(id) FROM job_run",
    "User": "SELECT manager_user_id FROM project WHERE id = ("
    + _OF_FIRST_LINE.format(column="project_id")
    + ")",
    "ExchangeRate": "SELECT min(id) FROM exchange_rate",
    "TransactionCategory": "SELECT min(id) FROM transaction_category",
    "SharedCategory": """SELECT min(id) FROM shared_category
        WHERE transaction_class = 'expense'""",
    "UnitGroup": "SELECT min(id) FROM unit_group",
    "Unit": "SELECT min(id) FROM unit",
}
# Mutations that act on a row in another state than the usual sample's: a Submitted report
# (of the legal entity's last employee to submit one), an invoice without lines (V1: its
# vendor and subcontract still change).
_SUBMITTED = """SELECT max(id) FROM expense_report WHERE legal_entity_id = :entity
    AND status = 'submitted'"""
_DECISION = {"ExpenseReport": _SUBMITTED}
_VARIANTS = {
    "approveExpenseLines": {
        **_DECISION,
        "ExpenseLine": f"SELECT min(id) FROM expense_line WHERE report_id = ({_SUBMITTED})",
    },
    "approveExpenseReport": _DECISION,
    "rejectExpenseReport": _DECISION,
    "returnExpenseReport": _DECISION,
    "updateVendorInvoice": {
        "VendorInvoice": """SELECT min(i.id) FROM vendor_invoice i WHERE legal_entity_id = :entity
            AND status = 'draft' AND NOT EXISTS (
            SELECT FROM vendor_invoice_line l WHERE l.invoice_id = i.id)"""
    },
}
# Types whose rows belong to no legal entity: another legal entity cannot own one.
GLOBAL_TYPES = frozenset(
    {"ExchangeRate", "TransactionCategory", "SharedCategory", "UnitGroup", "Unit", "JobRun"}
)


@dataclass(frozen=True)
class Samples:
    """Per Node type, the primary key of the sample row of one legal entity; `variants` holds
    the rows some mutations act on instead (see _VARIANTS)."""

    entity: str
    keys: dict[str, int]
    variants: dict[str, dict[str, int]]

    def gid(self, type_name: str) -> str | None:
        pk = self.keys.get(type_name)
        return None if pk is None else str(encode_id(type_name, pk))

    def for_field(self, field: str) -> Samples:
        """The samples a call of the mutation `field` names."""
        return Samples(self.entity, self.keys | self.variants.get(field, {}), {})


async def build_estate(
    gql: GraphQLClient,
    session: AsyncSession,
    connection: AsyncConnection,
    world: World,
    settings: Settings,
) -> None:
    """The differential test's data set, in the test's transaction (rolled back after); needs
    the job runner open (`expenses.deferrals`): posting defers the automatic approval job."""
    await add_users(session, world, settings)
    setup = await ex.expense_setup(session, world)
    de = await projects.project(session, world, "DE1", entity="DEPM", manager="de_manager", tasks=2)
    de_task = await session.scalar(select(Task.id).where(Task.project_id == de.id))
    await add_rate(session, "USD", "EUR", "0.9228", LAST_MONTH)
    await session.commit()
    await add_reports(gql, setup, de.id, de_task or 0)
    await add_journals(gql, session, connection, setup)
    await add_master_data(session, setup, de)
    for code in ("USPM", "DEPM"):
        vendor = await session.scalar(
            select(Vendor).where(Vendor.legal_entity_id == world.entity_id(code)).limit(1)
        )
        assert vendor is not None
        await vi.invoice(session, vendor, f"EMPTY-{code}")
    await session.commit()


async def _picked(session: AsyncSession, entity_id: int, picks: dict[str, str]) -> dict[str, int]:
    keys: dict[str, int] = {}
    for type_name, sql in picks.items():
        pk = await session.scalar(text(sql), {"entity": entity_id})
        if pk is not None:
            keys[type_name] = int(pk)
    return keys


async def samples(session: AsyncSession, world: World, entity: str) -> Samples:
    entity_id = world.entity_id(entity)
    variants = {
        field: await _picked(session, entity_id, picks) for field, picks in _VARIANTS.items()
    }
    return Samples(entity, await _picked(session, entity_id, _PICKS), variants)


@asynccontextmanager
async def undone(connection: AsyncConnection) -> AsyncIterator[None]:
    """What a call writes is rolled back, so the next call meets the same estate."""
    savepoint = await connection.begin_nested()
    try:
        yield
    finally:
        await savepoint.rollback()
