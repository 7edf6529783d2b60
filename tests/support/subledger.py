"""A project subledger made the way users make it: an expense report over two months posted
(E4), its actuals made by the automatic approval job (E5), imported (J1) and posted through
the API (J5), one cost reversed (A1) and its reversal posted too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from db.models.actuals import Actual
from db.models.expenses import ExpenseReport
from db.models.journals import Journal
from db.models.ledger import LedgerPeriod
from db.models.master_data import Project
from domain.actuals import reverse_actual
from domain.journals_import import import_pending_actuals
from jobs.approval import approve_expenses
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.end_to_end import POST_JOURNAL
from tests.support.expenses import POST, Setup, approved_report, expense_setup, transition
from tests.support.journals import LAST_MONTH, Staging, add_actuals
from tests.support.world import TODAY, World

LAST_MONTH_DAY = LAST_MONTH + dt.timedelta(days=14)


@dataclass
class Flow:
    setup: Setup
    client: GraphQLClient
    session: AsyncSession
    connection: AsyncConnection

    @property
    def token(self) -> str:
        return self.setup.world.tokens["accountant"]

    async def report(self, lines: list[dict[str, str]]) -> None:
        """An approved report of the lines, posted; its actuals made (E5)."""
        report_id = await approved_report(self.client, self.setup, lines, currency="USD")
        posted = await transition(self.client, self.setup, POST, report_id, "accountant")
        assert posted["errors"] == [], posted
        sessions = async_sessionmaker(
            bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        await approve_expenses(sessions, now=dt.datetime.now(dt.UTC))

    async def import_pending(self, code: str = "USPM") -> list[int]:
        """J1 for the legal entity; its Draft journals, in id order."""
        entity = self.setup.world.entity_id(code)
        await import_pending_actuals(self.session, entity)
        await self.session.commit()
        drafts = select(Journal.id).where(Journal.legal_entity_id == entity,
                                          Journal.status == "draft")  # fmt: skip
        return list(await self.session.scalars(drafts.order_by(Journal.id)))

    async def post(self, journals: list[int]) -> None:
        for journal in journals:
            variables = {"id": encode_id("Journal", journal)}
            payload = await self.client.mutate(POST_JOURNAL, variables, token=self.token)
            assert (payload["errors"], payload["failedLines"]) == ([], 0), payload

    async def reverse(self, actual_id: int) -> None:
        """The accountant's reversal (A1), as `reverseActual` makes it."""
        await reverse_actual(self.session, self.setup.world.actor("accountant"), actual_id)
        await self.session.commit()

    async def actual_ids(self, project_id: int) -> list[int]:
        rows = select(Actual.id).where(Actual.project_id == project_id).order_by(Actual.id)
        return list(await self.session.scalars(rows))


async def flow(
    client: GraphQLClient, session: AsyncSession, connection: AsyncConnection, world: World
) -> Flow:
    """The expense setup with USPM's last month opened for posting (M5)."""
    setup = await expense_setup(session, world)
    await session.execute(
        update(LedgerPeriod)
        .where(LedgerPeriod.legal_entity_id == world.entity_id("USPM"))
        .values(status="open")
    )
    await session.commit()
    return Flow(setup, client, session, connection)


async def two_months(made: Flow) -> Flow:
    """TM1: 100.55 EUR last month and 40.00 USD (2 units) this month, each with its unbilled
    sales at a 25 % markup; FP1: 15.00 USD this month, posted, then reversed and the reversal
    posted."""
    fp = made.setup.gid("Project", made.setup.fp_project.id)
    await made.report([
        {"date": LAST_MONTH_DAY.isoformat(), "amount": "100.55", "currencyCode": "EUR"},
        {"date": TODAY.isoformat(), "amount": "40.00", "quantity": "2"},
        {"date": TODAY.isoformat(), "amount": "15.00", "projectId": fp},
    ])  # fmt: skip
    await made.post(await made.import_pending())
    (fp_cost,) = await made.actual_ids(made.setup.fp_project.id)
    await made.reverse(fp_cost)
    await made.post(await made.import_pending())
    return made


async def in_depm(made: Flow, amount: str = "9.99") -> int:
    """A DEPM project P1 with one cost actual of `amount` EUR, posted; the project's id."""
    world, category = made.setup.world, made.setup.other_category
    entity = world.entity_id("DEPM")
    project = Project(
        legal_entity_id=entity,
        code="P1",
        name="Project 1",
        currency_code="EUR",
        manager_user_id=world.users["admin"].id,
        billing_type="fixed_price",
    )
    report = ExpenseReport(legal_entity_id=entity, number="EXP-DEPM", currency_code="EUR",
                           employee_user_id=world.users["admin"].id, status="posted")  # fmt: skip
    made.session.add_all([project, report])
    await made.session.flush()
    base = Staging(entity, project.id, category.transaction_category_id, category.id, report.id,
                   "EUR")  # fmt: skip
    await add_actuals(made.session, base, [Decimal(amount)])
    await made.post(await made.import_pending("DEPM"))
    return project.id
