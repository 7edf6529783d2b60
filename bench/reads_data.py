"""The read benchmark's data set, deterministic and set-based (INSERT ... SELECT generate_series).

On top of common.build_company (legal entity BENCH, its accounts and parameters): users, expense
categories and projects, `reports` expense reports with `lines` lines in all (1 to 6 a report)
in every status, `drafts` Draft reports of one employee whose lines are on a project of one
manager (the mutation mix submits and approves them), and `journals` integration journals of
`journal_lines` lines each, imported by the domain from generated actuals.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass

from common import analyze, build_company, generate_actuals
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from db.models.expenses import ExpenseReport
from domain.journals_import import import_pending_actuals
from resolvers.sessions import sign_in

ENTITY = "BENCH"
ACCOUNTANT = "accountant@bench.example.com"
EMPLOYEE = "submitter@bench.example.com"
MANAGER = "approver@bench.example.com"


@dataclass(frozen=True)
class Sizes:
    reports: int = 5000
    lines: int = 19000
    employees: int = 40
    projects: int = 25
    categories: int = 8
    drafts: int = 1000
    journals: int = 50
    journal_lines: int = 20

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        for field in dataclasses.fields(cls):
            flag = "--" + field.name.replace("_", "-")
            parser.add_argument(flag, type=int, default=field.default, help=f"({field.default})")

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> Sizes:
        return cls(**{field.name: getattr(args, field.name) for field in dataclasses.fields(cls)})


@dataclass(frozen=True)
class Fixture:
    accountant_token: str
    employee_token: str
    manager_token: str
    report_ids: list[int]  # reports of the read scenarios, in id order
    draft_ids: list[int]  # Draft reports for the mutation mix


_USERS = """
INSERT INTO app_user (email, name, roles)
SELECT 'employee' || g || '@bench.example.com', 'Employee ' || g, ARRAY['employee']
FROM generate_series(1, :employees) g
UNION ALL
SELECT 'manager' || g || '@bench.example.com', 'Manager ' || g, ARRAY['project_manager']
FROM generate_series(1, :projects) g
UNION ALL
VALUES (:accountant, 'Accountant', ARRAY['accountant']),
       (:employee, 'Submitter', ARRAY['employee']), (:manager, 'Approver', ARRAY['project_manager'])
"""

_MEMBERS = """
INSERT INTO user_legal_entity (user_id, legal_entity_id)
SELECT id, :le FROM app_user ON CONFLICT DO NOTHING
"""

_CATEGORIES = """
WITH tc AS (
    INSERT INTO transaction_category (code, name)
    SELECT 'BENCH-C' || g, 'Category ' || g FROM generate_series(1, :categories) g
    RETURNING id, code, name
), sc AS (
    INSERT INTO shared_category (transaction_category_id, transaction_class,
                                 can_be_used_in_expense)
    SELECT id, 'expense', true FROM tc RETURNING id, transaction_category_id
)
INSERT INTO expense_category (legal_entity_id, code, name, shared_category_id,
                              transaction_category_id)
SELECT CAST(:le AS bigint), substr(tc.code, 7), tc.name, sc.id, tc.id
FROM tc JOIN sc ON sc.transaction_category_id = tc.id
"""

# Projects BP001.. of managers 1..n round robin, and MUT of the approver.
_PROJECTS = """
INSERT INTO project (legal_entity_id, code, name, manager_user_id, billing_type, currency_code)
SELECT CAST(:le AS bigint), 'BP' || lpad(g::text, 3, '0'), 'Project ' || g,
       (SELECT id FROM app_user WHERE email = 'manager' || g || '@bench.example.com'),
       CASE WHEN g % 3 = 0 THEN 'fixed_price' ELSE 'time_and_material' END, 'USD'
FROM generate_series(1, :projects) g
UNION ALL
SELECT CAST(:le AS bigint), 'MUT', 'Mutations', (SELECT id FROM app_user WHERE email = :manager),
       'time_and_material', 'USD'
"""

# Status by g % 10: 0-3 posted, 4-5 approved, 6 submitted, 7 rejected, 8-9 draft.
_REPORTS = """
INSERT INTO expense_report (legal_entity_id, number, employee_user_id, currency_code,
    description, status, rejection_reason, submitted_at, posted_at, accounting_date, created_at)
SELECT CAST(:le AS bigint), 'EXP-B' || lpad(g::text, 7, '0'),
       (SELECT array_agg(id ORDER BY id) FROM app_user WHERE email LIKE 'employee%')
           [1 + g % :employees],
       'USD', 'Trip ' || g, s.status, CASE WHEN s.status = 'rejected' THEN 'Receipts missing' END,
       CASE WHEN s.status <> 'draft' THEN t.at + interval '1 day' END,
       CASE WHEN s.status = 'posted' THEN t.at + interval '3 days' END,
       CASE WHEN s.status = 'posted' THEN (t.at + interval '3 days')::date END, t.at
FROM generate_series(1, :reports) g
CROSS JOIN LATERAL (SELECT (ARRAY['posted','posted','posted','posted','approved','approved',
    'submitted','rejected','draft','draft'])[1 + g % 10] AS status) s
CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 08:00:00+00'
    + (g * interval '97 minutes 13.25 seconds') AS at) t
UNION ALL
SELECT CAST(:le AS bigint), 'EXP-M' || lpad(g::text, 7, '0'),
       (SELECT id FROM app_user WHERE email = :employee), 'USD', 'Draft ' || g, 'draft',
       NULL, NULL, NULL, NULL, now()
FROM generate_series(1, :drafts) g
"""

# Exactly :lines lines over the read reports (3 or 4 each, then moved in pairs to 1..6); the
# drafts get 1 to 3 lines on the project MUT.
_LINES = """
WITH reports AS (
    SELECT r.id, r.status, row_number() OVER (ORDER BY r.id) AS g, count(*) OVER () AS n
    FROM expense_report r WHERE r.number LIKE 'EXP-B%'
), counts AS (
    SELECT id, status, g, (:lines * g / n - :lines * (g - 1) / n)
        + CASE WHEN g % 2 = 1 AND g < n THEN j WHEN g % 2 = 0 THEN -j ELSE 0 END AS c
    FROM reports CROSS JOIN LATERAL
        (SELECT GREATEST(0, LEAST(((g + 1) / 2 * 7919) % 3, :lines / n - 1)) AS j) jitter
), projects AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM project WHERE code LIKE 'BP%'
), categories AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM expense_category WHERE code LIKE 'C%'
), drafts AS (
    SELECT r.id, 'draft' AS status, 0 AS g, 1 + r.id % 3 AS c
    FROM expense_report r WHERE r.number LIKE 'EXP-M%'
)
INSERT INTO expense_line (legal_entity_id, report_id, line_number, date, expense_category_id,
    project_id, quantity, unit_price, amount, currency_code, sales_tax, non_recoverable_tax,
    merchant, description, chargeable, approval_status)
SELECT CAST(:le AS bigint), x.id, k, date '2025-01-01' + ((x.id * 7 + k) % 360)::int,
       categories.ids[1 + (x.id + k) % cardinality(categories.ids)],
       CASE WHEN x.g = 0 THEN (SELECT id FROM project WHERE code = 'MUT')
            WHEN (x.id + k) % 11 = 0 THEN NULL
            ELSE projects.ids[1 + (x.id * 3 + k) % cardinality(projects.ids)] END,
       1 + k % 2, CASE WHEN k % 2 = 0 THEN 12.5 END, ((x.id * 31 + k * 17) % 997 + 1) * 1.25,
       'USD', round(((x.id * 31 + k * 17) % 997 + 1) * 0.1, 2), 0,
       'Merchant ' || (x.id + k) % 50, 'Line ' || k, (x.id + k) % 4 <> 0,
       CASE WHEN x.status IN ('approved', 'posted') THEN 'approved' ELSE 'pending' END
FROM (SELECT id, status, g, c FROM counts UNION ALL SELECT * FROM drafts) x
CROSS JOIN projects CROSS JOIN categories
CROSS JOIN LATERAL generate_series(1, x.c) k
"""


async def _user_token(session: AsyncSession, settings: Settings, email: str) -> str:
    """The access token of a new session of the user (committed by the caller)."""
    user_id = (
        await session.execute(text("SELECT id FROM app_user WHERE email = :e"), {"e": email})
    ).scalar_one()
    return (await sign_in(session, settings, user_id)).access_token


async def build(session: AsyncSession, settings: Settings, sizes: Sizes) -> Fixture:
    """The whole data set, committed and analyzed; tokens for the accountant and the mix."""
    company = await build_company(session, lines_per_journal=sizes.journal_lines)
    params = {
        "le": company.legal_entity_id,
        "accountant": ACCOUNTANT,
        "employee": EMPLOYEE,
        "manager": MANAGER,
        **dataclasses.asdict(sizes),
    }
    for statement in (_USERS, _MEMBERS, _CATEGORIES, _PROJECTS, _REPORTS, _LINES):
        await session.execute(text(statement), params)
    await session.commit()
    # The actuals' expense lines go on a report of their own, after every other report.
    holder = ExpenseReport(
        legal_entity_id=company.legal_entity_id,
        number="EXP-ACTUALS",
        employee_user_id=await session.scalar(text("SELECT min(id) FROM app_user")),
        currency_code="USD",
        status="posted",
    )
    session.add(holder)
    await session.flush()
    actuals = sizes.journals * sizes.journal_lines
    await generate_actuals(session, dataclasses.replace(company, report_id=holder.id), actuals)
    await import_pending_actuals(session, company.legal_entity_id)
    await session.commit()
    await analyze(session)
    ids = "SELECT id FROM expense_report WHERE number LIKE :p ORDER BY id"
    fixture = Fixture(
        accountant_token=await _user_token(session, settings, ACCOUNTANT),
        employee_token=await _user_token(session, settings, EMPLOYEE),
        manager_token=await _user_token(session, settings, MANAGER),
        report_ids=list((await session.scalars(text(ids), {"p": "EXP-B%"})).all()),
        draft_ids=list((await session.scalars(text(ids), {"p": "EXP-M%"})).all()),
    )
    await session.commit()  # the tokens' sessions
    return fixture
