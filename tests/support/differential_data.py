"""The differential test's data: users of every role in both legal entities, expense reports
in every status, posted ones with their actuals, integration journals (posted, failed, edited),
vendor invoices of every kind, and the master data the other root fields read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from config import Settings
from db.models.actuals import Actual
from db.models.expenses import ExpenseLine, ExpenseReport
from db.models.journals import Journal, JournalLine
from db.models.ledger import SubledgerTransaction as Subledger
from db.models.master_data import AppUser, BillingType, Project, Task, UserLegalEntity
from db.models.parameters import LineProperty
from db.models.prices import PriceContext, PriceList
from db.models.vendor_invoices import InvoiceStatus, Subcontract, Vendor, VerificationStatus
from domain.actuals import reverse_actual
from domain.categories_units import set_category_units
from domain.journals_import import import_pending_actuals
from domain.parameters import LinePropertyChange, set_line_property
from jobs.approval import approve_expenses
from schema.relay import encode_id
from tests.support import expenses as ex
from tests.support import projects
from tests.support import vendor_invoices_data as vi
from tests.support.categories import project_category
from tests.support.client import GraphQLClient
from tests.support.dimensions import add_dimension
from tests.support.journals import LAST_MONTH, Staging, add_actuals, set_parameters
from tests.support.ledger_books import differential_vouchers
from tests.support.projects import TimeUnits
from tests.support.world import TODAY, USER_ENTITIES, World, signed_in

USERS = {  # name: (roles, legal entities), next to the world's six users
    "employee2": (["employee"], ["USPM"]),
    "de_employee": (["employee"], ["DEPM"]),
    "de_manager": (["project_manager", "employee"], ["DEPM"]),
    "roamer": (["employee"], ["USPM", "DEPM"]),
}
ENTITIES = {**USER_ENTITIES, **{name: codes for name, (_, codes) in USERS.items()}}
# (employee, legal entity, lines "kind:amount[:currency]", steps "what[:who]"): every status
REPORTS = [
    ("employee", "USPM", "tasked:12.34:EUR loose:7.89", ""),
    ("employee", "USPM", "fp:45.67 tm:3.21", "submit"),
    ("employee", "USPM", "units:0 fp:19.99:EUR", "submit approve"),
    ("employee", "USPM", "fp:8.88", "submit reject:manager2"),
    ("employee", "USPM", "tm:14.14", "submit return:manager"),
    ("employee", "USPM", "tasked:120.00:EUR fp:10.01 loose:5.55", "submit approve post"),
    ("employee", "USPM", "tm:250.50", "submit approve:manager post"),
    ("manager", "USPM", "fp:33.33", "submit"),
    ("manager", "USPM", "fp:60.06", "submit approve:manager2 post"),
    ("employee2", "USPM", "loose:1.01", ""),
    ("employee2", "USPM", "tm:77.70", "submit approve:manager"),
    ("roamer", "USPM", "loose:2.02", ""),
    ("roamer", "DEPM", "de_loose:9.99", ""),
    ("de_employee", "DEPM", "de_tasked:15.15", ""),
    ("de_employee", "DEPM", "de:25.25:USD", "submit"),
    ("de_employee", "DEPM", "de_tasked:80.08 de_loose:4.04", "submit approve:de_manager post"),
    ("de_manager", "DEPM", "de_loose:18.18", "submit reject:outsider"),
]  # fmt: skip
Lines = list[dict[str, Any]]  # VendorInvoiceLine columns, one dict per line
STEPS = {"submit": ex.SUBMIT, "approve": ex.APPROVE, "reject": ex.REJECT, "return": ex.RETURN}
POST_JOURNAL = "mutation($id: ID!) { postJournal(input: {id: $id}) { failedLines errors { code }}}"
EDIT_LINE = "mutation($i: EditJournalLineInput!) { editJournalLine(input: $i) { errors { code } } }"


async def add_users(session: AsyncSession, world: World, settings: Settings) -> None:
    for name, (roles, codes) in USERS.items():
        user = world.users[name] = AppUser(email=f"{name}@x.com", name=name.title(), roles=roles)
        session.add(user)
        await session.flush()
        session.add_all(UserLegalEntity(user_id=user.id, legal_entity_id=world.entity_id(code))
                        for code in codes)  # fmt: skip
        await signed_in(session, settings, world, name, user.id)
    await session.commit()


async def add_reports(gql: GraphQLClient, setup: ex.Setup, de_project: int, de_task: int) -> None:
    """The REPORTS, through the API: created, lines added, taken through their steps."""
    gid, project, task = setup.gid, "projectId", "taskId"
    tm = {project: gid("Project", setup.tm_project.id)}
    de = {project: gid("Project", de_project),
          "expenseCategoryId": gid("ExpenseCategory", setup.other_category.id)}  # fmt: skip
    kinds: dict[str, dict[str, Any]] = {
        "tm": tm,
        "units": {**tm, "quantity": "3", "unitPrice": "33.33", "amount": None},
        "tasked": {**tm, task: gid("Task", setup.tm_task.id), "salesTax": "2.35",
                   "nonRecoverableTax": "0.41"},
        "fp": {project: gid("Project", setup.fp_project.id), task: gid("Task", setup.fp_task.id)},
        "loose": {project: None, "merchant": "Cafe", "chargeable": False},
        "de": de,
        "de_tasked": {**de, task: gid("Task", de_task), "salesTax": "1.90"},
        "de_loose": {**de, project: None},
    }  # fmt: skip
    for user, entity, lines, steps in REPORTS:
        new = {"legalEntity": entity, "currencyCode": "USD" if entity == "USPM" else "EUR"}
        created = await gql.mutate(ex.CREATE_REPORT, {"input": new}, setup.world.tokens[user])
        report = created["expenseReport"]["id"]
        for spec in lines.split():
            kind, amount, *currency = spec.split(":")
            line = {"amount": amount, "currencyCode": next(iter(currency), None), **kinds[kind]}
            added = await ex.add_line(gql, setup, report, user=user, **line)
            assert added["errors"] == [], (spec, added)
        for step in steps.split():
            what, _, who = step.partition(":")
            default = {"post": "accountant", "approve": "manager,manager2"}.get(what, user)
            for actor in (who or default).split(","):
                extra = {"reason": f"{what} by {actor}"} if what in ("reject", "return") else {}
                document = STEPS.get(what, ex.POST)
                payload = await ex.transition(gql, setup, document, report, actor, **extra)
                assert payload["errors"] == [], (user, step, payload)


async def add_journals(
    gql: GraphQLClient, session: AsyncSession, connection: AsyncConnection, setup: ex.Setup
) -> None:
    """Actuals of the posted reports (E5) imported into journals (J1, J2), more of last month
    in a period on hold, posted without moving on: an error journal (J5); a distribution (J4)."""
    token, uspm, depm = setup.world.tokens["accountant"], *setup.world.companies.values()
    sessions = async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    await approve_expenses(sessions, now=dt.datetime.now(dt.UTC))
    await import_pending_actuals(session, depm.entity.id)
    us, category = uspm.entity.id, setup.category
    ours = (ExpenseReport.status == "posted") & (ExpenseReport.legal_entity_id == us)
    report = await session.scalar(select(ExpenseReport.id).where(ours).limit(1))
    assert report is not None and category.legal_entity_id == us
    base = Staging(us, setup.tm_project.id, category.transaction_category_id, category.id,
                   report, "USD")  # fmt: skip
    await add_actuals(session, base, [Decimal("31.41"), Decimal("-2.72")], date=LAST_MONTH)
    await import_pending_actuals(session, us)
    await set_parameters(session, us, move_to_next_open_period=False)
    await session.commit()
    for journal in await session.scalars(select(Journal.id).where(Journal.legal_entity_id == us)):
        posted = await gql.mutate(POST_JOURNAL, {"id": encode_id("Journal", journal)}, token)
        assert posted["errors"] == [], posted
    await add_dimensions(session, setup.world)
    line = await session.scalar(select(JournalLine.id).where(JournalLine.legal_entity_id != us))
    shares = [{"dimension": "Dept", "value": value, "sharePercent": share}
              for value, share in (("A", "62.5"), ("B", "37.5"))]  # fmt: skip
    edit = {"id": encode_id("JournalLine", line or 0), "billingSalesTaxGroup": "EU",
            "dimensions": shares}  # fmt: skip
    assert (await gql.mutate(EDIT_LINE, {"i": edit}, token))["errors"] == []
    await add_reversal(gql, session, setup)


async def add_reversal(gql: GraphQLClient, session: AsyncSession, setup: ex.Setup) -> None:
    """A posted USPM cost of today reversed (A1) and the reversal posted: the project
    subledger holds transactions of every status (J5)."""
    token, us, row = setup.world.tokens["accountant"], setup.world.entity_id("USPM"), Subledger
    posted = select(row.actual_id).where(row.legal_entity_id == us, row.accounting_date == TODAY,
                                         row.transaction_type == "cost")  # fmt: skip
    actual = await session.scalar(posted.order_by(row.id).limit(1))
    await reverse_actual(session, setup.world.actor("accountant"), actual or 0)
    await import_pending_actuals(session, us)
    await session.commit()
    drafts = select(Journal.id).where(Journal.legal_entity_id == us, Journal.status == "draft")
    for journal in await session.scalars(drafts):
        posted_ = await gql.mutate(POST_JOURNAL, {"id": encode_id("Journal", journal)}, token)
        assert posted_ == {"failedLines": 0, "errors": []}, posted_


async def add_dimensions(session: AsyncSession, world: World) -> None:
    """Financial dimensions of both legal entities (J4), one inactive, one with an inactive
    value: DEPM's Dept A and B are what the edited journal line is distributed to."""
    await add_dimension(session, world, "DEPM", "Dept", "A", "B")
    _, values = await add_dimension(session, world, "USPM", "Department", "Sales", "Ops")
    region, _ = await add_dimension(session, world, "USPM", "Region")
    values["Ops"].active = region.active = False
    await session.commit()


async def add_master_data(session: AsyncSession, setup: ex.Setup, de_project: Project) -> None:
    """What no report or journal makes (M2-M4, M7): unit groups and units, a project category
    per legal entity (DEPM's its default), a line property, priced lists with units."""
    world, accountant = setup.world, setup.world.actor("accountant")
    time = await projects.time_units(session, world)
    # M3: USPM's category in weeks by default, its lines priced per unit measured in days.
    await set_category_units(session, setup.category, time.day.unit_group_id, time.week.id)
    in_days = update(ExpenseLine).where(ExpenseLine.quantity == 3).values(unit_id=time.day.id)
    await session.execute(in_days)
    travel = setup.category.transaction_category_id
    for code in ("USPM", "DEPM"):
        made = await project_category(session, world, code, f"PC-{code}", travel)
    await set_parameters(session, world.entity_id("DEPM"), default_project_category_id=made.id)
    change = LinePropertyChange("USPM", BillingType.TIME_AND_MATERIAL, LineProperty.CHARGEABLE)
    await set_line_property(session, accountant, change)
    hours = await projects.category(session, "HOURS")
    cost = await projects.price_list(session, world, "Cost", context=PriceContext.COST)
    euro = await projects.price_list(session, world, "Euro", entity="DEPM", currency="EUR",
                                     valid_to=TODAY, is_default=True)  # fmt: skip
    await projects.line(session, world, cost, hours, unit=time.day, price="80.5")
    await projects.line(session, world, cost, hours, unit=time.week, price="402.5")
    await projects.line(session, world, euro, hours, price="75")
    await projects.assign(session, world, de_project, euro)
    await add_vendor_invoices(session, setup, de_project, time, (cost, euro))
    await differential_vouchers(session, world, setup.tm_project)
    await session.commit()


async def add_vendor_invoices(
    session: AsyncSession,
    setup: ex.Setup,
    de: Project,
    time: TimeUnits,
    lists: tuple[PriceList, PriceList],
) -> None:
    """Vendors of both legal entities, subcontracts, invoices in every status (V1) with lines
    ordered on a subcontract, with a task, unlinked with a price warning (V7, M4), priced in a
    converted unit (M3); expense actuals matched to a line; the actuals and vouchers of the
    confirmed and canceled ones (V7, V8)."""
    world, travel, status = setup.world, setup.category.transaction_category_id, InvoiceStatus
    de_task = await session.scalar(select(Task.id).where(Task.project_id == de.id))
    acme, bolt = [await vi.vendor(session, world, code) for code in ("ACME", "BOLT")]
    dev = await vi.vendor(session, world, "DEV", entity="DEPM", currency="EUR")
    tm: dict[str, Any] = {
        "project_id": setup.tm_project.id,
        "task_id": setup.tm_task.id,
        "transaction_category_id": travel,
    }
    fp: dict[str, Any] = {"project_id": setup.fp_project.id, "transaction_category_id": travel}
    de_: dict[str, Any] = {"project_id": de.id, "transaction_category_id": travel}
    priced: dict[str, Any] = {
        "quantity": Decimal(3),
        "unit_price": Decimal("80.5"),
        "unit_id": time.day.id,
    }
    us_order, ordered = await vi.subcontract(session, acme, "SC-US-1", [{**tm, **priced}, fp])
    de_order, de_ordered = await vi.subcontract(
        session, dev, "SC-DE-1", [{**de_, "task_id": de_task}]
    )
    done, day = VerificationStatus.COMPLETE, dt.timedelta(days=1)
    invoices: list[tuple[Vendor, str, InvoiceStatus, Subcontract | None, Lines]] = [
        (acme, "A-1", status.DRAFT, us_order, [
            {**tm, **priced, "subcontract_line_id": ordered[0].id, "subtotal": "241.50",
             "unit_group_id": time.day.unit_group_id, "price_list_id": lists[0].id,
             "price_unit_id": time.week.id, "date": TODAY - 31 * day, "verification": done},
            {**fp, "price_warning": "No purchase price on the date.", "date": TODAY + day},
            {**fp, "subcontract_line_id": ordered[1].id, "price_warning": "",
             "verification": VerificationStatus.IN_PROGRESS}]),
        (acme, "A-2", status.IN_REVIEW, None, [{**tm, "verification": done}]),
        (bolt, "B-1", status.CANCELED, None, [{**tm, "verification": done}]),
        (bolt, "B-2", status.CONFIRMED, None, [{**tm, "verification": done},
                                               {**fp, "verification": done, "sales_tax": "8"}]),
        (bolt, "B-3", status.ON_HOLD, None, []),
        (dev, "D-1", status.DRAFT, de_order, [
            {**de_, "task_id": de_task, "subcontract_line_id": de_ordered[0].id,
             "price_list_id": lists[1].id, "date": TODAY - day}]),
        (dev, "D-2", status.CONFIRMED, None, [{**de_, "verification": done}]),
    ]  # fmt: skip
    expense_actuals = select(Actual.id).where(
        Actual.legal_entity_id == acme.legal_entity_id, Actual.project_expense_id.is_not(None)
    )
    for vendor, number, state, contract, lines in invoices:
        invoice = await vi.invoice(session, vendor, number, status=state, contract=contract)
        made = [await vi.line(session, invoice, **line) for line in lines]
        await vi.documents(session, world, invoice, made)
        if number == "A-2":
            for actual in await session.scalars(expense_actuals.order_by(Actual.id).limit(2)):
                await vi.match(session, made[0], actual)
