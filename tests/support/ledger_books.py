"""Posted vouchers inserted with the models, as a posting stores them (L1: balanced, L2: a debit
or a credit per line), with projects, tax groups and dimension distributions on their lines.

`books` makes a small, known ledger for the read tests of the books: USPM vouchers across two
months (January an opening, February the movements), a payment after them, a reversal, and a
DEPM voucher the USPM-only callers must never see (M1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.ledger import Voucher, VoucherLine, VoucherLineDimension, VoucherSource
from db.models.master_data import Project
from tests.support import projects
from tests.support.world import World

JANUARY, FEBRUARY, MARCH = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)
END_OF_FEBRUARY = dt.date(2024, 2, 29)


@dataclass(frozen=True)
class Entry:
    """A voucher line: the world's account for `role`, a signed amount (+ debit, - credit)."""

    role: str
    amount: str
    project: Project | None = None
    dimensions: tuple[tuple[str, str, str], ...] = ()  # (dimension, value, share percent)
    tax_groups: tuple[str, str] | None = None


async def voucher(
    session: AsyncSession,
    world: World,
    number: str,
    date: dt.date,
    entries: list[Entry],
    *,
    entity: str = "USPM",
    source: VoucherSource = VoucherSource.JOURNAL_LINE,
    reverses: Voucher | None = None,
) -> Voucher:
    company = world.companies[entity]
    row = Voucher(
        legal_entity_id=company.entity.id,
        number=number,
        accounting_date=date,
        source_type=source,
        reverses_voucher_id=reverses.id if reverses else None,
        description=f"Voucher {number}",
    )
    session.add(row)
    await session.flush()
    for entry in entries:
        amount = Decimal(entry.amount)
        groups = entry.tax_groups or (None, None)
        line = VoucherLine(
            legal_entity_id=company.entity.id,
            voucher_id=row.id,
            account_id=company.accounts[entry.role].id,
            debit=max(amount, Decimal(0)),
            credit=max(-amount, Decimal(0)),
            currency_code=company.entity.currency_code,
            amount_currency=amount,
            exchange_rate=Decimal(1),
            description=f"{entry.role} of {number}",
            project_id=entry.project.id if entry.project else None,
            billing_sales_tax_group=groups[0],
            billing_item_sales_tax_group=groups[1],
        )
        session.add(line)
        await session.flush()
        session.add_all(
            VoucherLineDimension(legal_entity_id=company.entity.id, voucher_line_id=line.id,
                                 dimension=dimension, value=value, share_percent=Decimal(share))
            for dimension, value, share in entry.dimensions
        )  # fmt: skip
    await session.flush()
    return row


@dataclass
class Books:
    world: World
    projects: dict[str, Project]
    vouchers: dict[str, Voucher] = field(default_factory=dict)


async def books(session: AsyncSession, world: World) -> Books:
    """The ledger of the tests (amounts in the entity's currency, numbers are the vouchers'):
    WASH nets WIP to zero in January (neither an opening balance nor a movement); EXP posts an
    expense report and BILL a vendor invoice in January; COST moves EXP's integration balance
    to project cost and REV reverses BILL in February; PAY is in March; DE-1 is DEPM's."""
    tm, fp = [await projects.project(session, world, code) for code in ("BK-TM", "BK-FP")]
    made = Books(world, {"TM": tm, "FP": fp})
    split = (("Dept", "A", "60"), ("Dept", "B", "40"))
    ledger: list[tuple[str, dt.date, VoucherSource, list[Entry]]] = [
        ("WASH", JANUARY.replace(day=5), VoucherSource.JOURNAL_LINE,
         [Entry("wip_sales_value", "10.00"), Entry("wip_sales_value", "-10.00")]),
        ("EXP", JANUARY.replace(day=10), VoucherSource.EXPENSE_REPORT,
         [Entry("expense_integration", "100.00", tm, split, ("US", "US-ITEM")),
          Entry("input_tax", "8.25"), Entry("employee_payable", "-108.25")]),
        ("BILL", JANUARY.replace(day=20), VoucherSource.VENDOR_INVOICE,
         [Entry("procurement_integration", "250.50", fp), Entry("vendor_payable", "-250.50")]),
        ("COST", FEBRUARY.replace(day=5), VoucherSource.JOURNAL_LINE,
         [Entry("project_cost", "100.00", tm), Entry("expense_integration", "-100.00", tm)]),
        ("REV", FEBRUARY.replace(day=15), VoucherSource.REVERSAL,
         [Entry("vendor_payable", "250.50"), Entry("procurement_integration", "-250.50", fp)]),
        ("PAY", MARCH, VoucherSource.JOURNAL_LINE,
         [Entry("employee_payable", "108.25"), Entry("round_off", "-108.25")]),
    ]  # fmt: skip
    for number, date, source, entries in ledger:
        reverses = made.vouchers["BILL"] if source is VoucherSource.REVERSAL else None
        made.vouchers[number] = await voucher(
            session, world, number, date, entries, source=source, reverses=reverses
        )
    entries = [Entry("project_cost", "77.77"), Entry("vendor_payable", "-77.77")]
    made.vouchers["DE-1"] = await voucher(
        session, world, "DE-1", FEBRUARY.replace(day=10), entries, entity="DEPM"
    )
    await session.commit()
    return made


async def differential_vouchers(session: AsyncSession, world: World, project: Project) -> None:
    """For the differential test, beside the vouchers its postings make: a USPM voucher of
    last month whose line has a project, tax groups and a dimension distribution, and today
    its reversal."""
    split = (("Department", "Sales", "62.5"), ("Department", "Ops", "37.5"))
    entries = [Entry("project_cost", "12.34", project, split, ("US", "US-ITEM")),
               Entry("round_off", "-12.34")]  # fmt: skip
    today = dt.date.today()
    month_ago = await voucher(session, world, "DIFF-1", today - dt.timedelta(days=31), entries)
    mirrored = [Entry(e.role, str(-Decimal(e.amount)), e.project) for e in entries]
    await voucher(session, world, "DIFF-1R", today, mirrored, source=VoucherSource.REVERSAL,
                  reverses=month_ago)  # fmt: skip
    await session.commit()
