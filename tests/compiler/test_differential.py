"""Two read paths, one answer (ARCHITECTURE.md): random queries drawn from the schema, sent by
callers of every role in both legal entities, get the same JSON (data and errors) from the app
with compiled reads as from strawberry alone, the reference. The reference keeps M1 (a caller
never sees another legal entity's rows) and E1/E2 (an employee sees only their own reports), so
equal answers hold the compiled SQL to them; the second test checks them outright."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app import create_app
from config import Settings
from db.models.expenses import ExpenseReport
from db.models.journals import Journal, JournalLine
from db.models.master_data import AppUser, BillingType, Project, Task, UserLegalEntity
from db.models.parameters import LineProperty
from db.models.prices import PriceContext
from domain.journals_import import import_pending_actuals
from domain.parameters import LinePropertyChange, set_line_property
from jobs.approval import approve_expenses
from resolvers.auth import mint_token
from schema import schema
from schema.relay import encode_id
from tests.conftest import _session_on
from tests.support import expenses as ex
from tests.support import projects
from tests.support.categories import project_category
from tests.support.client import GraphQLClient
from tests.support.journals import LAST_MONTH, Staging, add_actuals, add_rate, set_parameters
from tests.support.queries import Pool, Query, pool_from, queries
from tests.support.world import TODAY, USER_ENTITIES, World

deferrals = ex.deferrals  # posting defers the automatic approval job (E5)
EXAMPLES = 300  # queries per run, each sent by three callers
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
STEPS = {"submit": ex.SUBMIT, "approve": ex.APPROVE, "reject": ex.REJECT, "return": ex.RETURN}
POST_JOURNAL = "mutation($id: ID!) { postJournal(id: $id) { failedLines errors { code } } }"
EDIT_LINE = "mutation($i: EditJournalLineInput!) { editJournalLine(input: $i) { errors { code } } }"
Apps = tuple[GraphQLClient, GraphQLClient]  # compiled reads, reference
Answer = dict[str, Any]


@pytest.fixture
async def apps(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[Apps]:
    def app(compiled: bool) -> Any:
        sessions = lambda: _session_on(connection)  # noqa: E731
        return create_app(settings, engine=engine, sessions=sessions, compiled_reads=compiled)

    async with GraphQLClient.for_app(app(True)) as fast, GraphQLClient.for_app(app(False)) as ref:
        yield fast, ref


async def _users(session: AsyncSession, world: World, settings: Settings) -> None:
    for name, (roles, codes) in USERS.items():
        user = world.users[name] = AppUser(email=f"{name}@x.com", name=name.title(), roles=roles)
        session.add(user)
        await session.flush()
        session.add_all(UserLegalEntity(user_id=user.id, legal_entity_id=world.entity_id(code))
                        for code in codes)  # fmt: skip
        world.tokens[name] = mint_token(settings, user_id=user.id, roles=roles,
                                        legal_entities=codes)  # fmt: skip
    await session.commit()


async def _reports(gql: GraphQLClient, setup: ex.Setup, de_project: int, de_task: int) -> None:
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


async def _journals(
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
    line = await session.scalar(select(JournalLine.id).where(JournalLine.legal_entity_id != us))
    shares = [{"dimension": "Dept", "value": value, "sharePercent": share}
              for value, share in (("A", "62.5"), ("B", "37.5"))]  # fmt: skip
    edit = {"id": encode_id("JournalLine", line or 0), "billingSalesTaxGroup": "EU",
            "dimensions": shares}  # fmt: skip
    assert (await gql.mutate(EDIT_LINE, {"i": edit}, token))["errors"] == []


async def _master_data(session: AsyncSession, setup: ex.Setup, de_project: Project) -> None:
    """What no report or journal makes (M2-M4, M7): unit groups and units, a project category
    per legal entity (DEPM's its default), a line property, priced lists with units."""
    world, accountant = setup.world, setup.world.actor("accountant")
    time = await projects.time_units(session, world)
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
    await session.commit()


@pytest.fixture
async def pool(
    apps: Apps, session: AsyncSession, world: World, settings: Settings,
    connection: AsyncConnection, deferrals: None,
) -> Pool:  # fmt: skip
    """The varied data set, built in the test's transaction (rolled back after) through the
    reference app and the support helpers, and the argument values queries draw from it."""
    await _users(session, world, settings)
    setup = await ex.expense_setup(session, world)
    de = await projects.project(session, world, "DE1", entity="DEPM", manager="de_manager", tasks=2)
    de_task = await session.scalar(select(Task.id).where(Task.project_id == de.id))
    await add_rate(session, "USD", "EUR", "0.9228", LAST_MONTH)
    await session.commit()
    await _reports(apps[1], setup, de.id, de_task or 0)
    await _journals(apps[1], session, connection, setup)
    await _master_data(session, setup, de)
    return await pool_from(apps[1], world)


def _normal(body: Answer) -> Answer:
    """The body with errors cut to message, path and extensions, without error ids."""
    errors = [
        {
            "message": re.sub("error id [0-9a-f]+", "error id", error.get("message", "")),
            "path": error.get("path"),
            "extensions": {k: v for k, v in error.get("extensions", {}).items() if k != "errorId"},
        }
        for error in body.get("errors", [])
    ]
    return {**body, "errors": errors} if "errors" in body else body


async def _ask(gql: GraphQLClient, query: Query, token: str) -> tuple[Answer, bool]:
    sent, auth = {"query": query.document, "variables": query.variables}, f"Bearer {token}"
    response = await gql.http.post("/graphql", json=sent, headers={"Authorization": auth})
    body: Answer = {"status": response.status_code, **response.json()}
    return _normal(body), response.headers.get("x-read-path") == "compiled"


async def _same(apps: Apps, query: Query, caller: str, world: World) -> tuple[Answer, bool]:
    """The reference's answer, once the compiled path's is asserted to be the same JSON."""
    fast, compiled = await _ask(apps[0], query, world.tokens[caller])
    reference, _ = await _ask(apps[1], query, world.tokens[caller])
    assert json.dumps(fast) == json.dumps(reference), (
        f"{'same values, other key order' if fast == reference else 'different answers'}\n"
        f"caller: {caller} {world.users[caller].roles} {ENTITIES[caller]}\n"
        f"query: {query.document}\nvariables: {json.dumps(query.variables)}\n"
        f"compiled path: {json.dumps(fast)}\nreference: {json.dumps(reference)}"
    )
    return reference, compiled


async def test_random_queries_get_one_answer_from_both_read_paths_m1_e1_e2(
    apps: Apps, pool: Pool, world: World
) -> None:
    """Every random query, sent by three callers, answers the same JSON on both paths."""
    loop, tally = asyncio.get_running_loop(), Counter[str]()
    callers = st.lists(st.sampled_from(sorted(world.tokens)), min_size=3, max_size=3, unique=True)

    async def compare(query: Query, callers: list[str]) -> None:
        for caller in callers:
            reference, compiled = await _same(apps, query, caller, world)
            tally.update([caller], requests=1, valid="errors" not in reference, compiled=compiled)

    @hypothesis_settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                         suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(queries(schema._schema, pool), callers)
    def check(query: Query, callers: list[str]) -> None:
        asyncio.run_coroutine_threadsafe(compare(query, callers), loop).result()

    await asyncio.to_thread(check)  # hypothesis drives (and shrinks) from a thread
    share = f"{tally['compiled']} of {tally['valid']} valid, {tally['requests']} requests"
    assert tally["compiled"] > 0, f"the compiled path answered none: {share}"
    assert all(tally[caller] for caller in world.tokens), tally


SCOPE = """query($after: String) { expenseReports(first: 3, after: $after) {
  nodes { id legalEntity { code } employee { id } } pageInfo { hasNextPage endCursor } }
  journals(first: 100) { nodes { id legalEntity } } }"""


async def test_m1_e1_e2_callers_see_their_legal_entities_and_employees_their_own_reports(
    apps: Apps, pool: Pool, world: World
) -> None:
    """M1: every report and journal a caller gets, page by page with the cursors from the
    answers, is of a legal entity of theirs; E1/E2: an employee without an approving role gets
    exactly their own reports; node(id:) shows the same rows, tried with every id there is."""
    for caller in sorted(world.tokens):
        codes, user = ENTITIES[caller], world.users[caller]
        reports: list[Answer] = []
        after: str | None = None
        while after != "done":
            answer, _ = await _same(apps, Query(SCOPE, {"after": after}), caller, world)
            page = answer["data"]["expenseReports"]
            reports += page["nodes"]
            after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else "done"
        journals = answer["data"]["journals"]["nodes"]
        only_own = set(user.roles) == {"employee"}
        expected = [r for r in REPORTS if r[1] in codes and (r[0] == caller or not only_own)]
        assert len(reports) == len(expected), (caller, reports)
        assert {report["legalEntity"]["code"] for report in reports} <= set(codes), caller
        assert journals and {journal["legalEntity"] for journal in journals} <= set(codes)
        if only_own:
            assert {report["employee"]["id"] for report in reports} == {encode_id("User", user.id)}
        seen: set[str] = set()
        for start in range(0, len(pool.good["id"]), 25):  # the alias limit is 30
            chunk = enumerate(pool.good["id"][start : start + 25])
            nodes = " ".join(f'n{i}: node(id: "{gid}") {{ __typename id }}' for i, gid in chunk)
            answer, _ = await _same(apps, Query(f"{{ {nodes} }}", {}), caller, world)
            found = [node for node in answer["data"].values() if node]
            seen |= {n["id"] for n in found if n["__typename"] in ("ExpenseReport", "Journal")}
        assert seen == {row["id"] for row in reports + journals}, caller
