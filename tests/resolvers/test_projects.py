"""Projects and tasks through the API: M1 scoping and refusals, roles, typed errors that
write nothing, deletion guarded by use, and a constant number of statements per query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Project, Task
from db.models.prices import ProjectPriceList
from tests.support import projects as make
from tests.support.client import GraphQLClient, error_codes
from tests.support.counter import StatementCounter
from tests.support.projects import gid
from tests.support.world import World

PROJECT_FIELDS = "id code name billingType currencyCode manager { email } legalEntity { code }"
CREATE_PROJECT = f"""
mutation($input: CreateProjectInput!) {{
  createProject(input: $input) {{ project {{ {PROJECT_FIELDS} }} errors {{ code field message }} }}
}}"""
CREATE_TASK = """
mutation($input: CreateTaskInput!) {
  createTask(input: $input) { task { id code project { code } } errors { code field message } }
}"""
ASSIGN = """
mutation($input: ProjectPriceListInput!) {
  assignProjectPriceList(input: $input) {
    project { priceLists { name } } errors { code field message }
  }
}"""
DELETE_TASK = """
mutation($id: ID!) { deleteTask(input: {id: $id}) { deletedId errors { code field message } } }"""


def new_project(world: World, **changes: Any) -> dict[str, Any]:
    values = {
        "legalEntity": "USPM",
        "code": "P-100",
        "name": "Rollout",
        "managerId": gid("User", world.users["manager"]),
        "billingType": "TIME_AND_MATERIAL",
    }
    return {"input": values | changes}


async def count(session: AsyncSession, model: type[Project | Task | ProjectPriceList]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_m1_accountant_creates_project_in_entity_currency(
    client: GraphQLClient, world: World
) -> None:
    payload = await client.mutate(CREATE_PROJECT, new_project(world), world.tokens["accountant"])
    assert payload["errors"] == []
    project = payload["project"]
    assert project["currencyCode"] == "USD"
    assert project["manager"] == {"email": "manager@example.com"}
    assert project["legalEntity"] == {"code": "USPM"}
    task = await client.mutate(
        CREATE_TASK,
        {"input": {"projectId": project["id"], "code": "T1", "name": "Design"}},
        world.tokens["accountant"],
    )
    assert task["task"]["project"] == {"code": "P-100"} and task["errors"] == []


async def test_m1_bad_project_input_is_typed_and_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    await make.project(session, world, "TAKEN")
    await session.commit()
    before = await count(session, Project)
    unknown_user = "VXNlcjo5OTk5OTk="  # User:999999
    cases = [
        ("manager", {}, "FORBIDDEN", None),
        ("employee", {}, "FORBIDDEN", None),
        (
            "admin",
            {"managerId": gid("User", world.users["outsider"])},
            "OTHER_LEGAL_ENTITY",
            ["managerId"],
        ),
        ("accountant", {"legalEntity": "DEPM"}, "OTHER_LEGAL_ENTITY", ["managerId"]),
        ("outsider", {}, "NOT_FOUND", ["legalEntity"]),
        ("admin", {"managerId": unknown_user}, "NOT_FOUND", ["managerId"]),
        ("admin", {"managerId": "garbage"}, "INVALID", ["managerId"]),
        ("admin", {"managerId": gid("Project", world.users["manager"])}, "INVALID", ["managerId"]),
        ("admin", {"code": "TAKEN"}, "DUPLICATE", ["code"]),
        ("admin", {"code": "bad code!"}, "INVALID", ["code"]),
        ("admin", {"name": "  "}, "REQUIRED", ["name"]),
        ("admin", {"currencyCode": "XXX"}, "NOT_FOUND", ["currencyCode"]),
    ]
    for user, changes, code, field in cases:
        payload = await client.mutate(
            CREATE_PROJECT, new_project(world, **changes), world.tokens[user]
        )
        assert payload["project"] is None, (user, changes)
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], changes
    assert await count(session, Project) == before


async def test_m1_task_for_another_entitys_project_is_refused(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    project = await make.project(session, world, "US-1")
    await session.commit()
    variables = {"input": {"projectId": gid("Project", project), "code": "T1", "name": "X"}}
    payload = await client.mutate(CREATE_TASK, variables, world.tokens["outsider"])
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", ["projectId"])]
    payload = await client.mutate(CREATE_TASK, variables, world.tokens["manager"])
    assert error_codes(payload) == ["FORBIDDEN"]
    assert await count(session, Task) == 0


async def test_m1_price_list_of_another_entity_is_refused(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    project = await make.project(session, world, "US-1")
    german = await make.price_list(session, world, "DE sales", entity="DEPM", currency="EUR")
    local = await make.price_list(session, world, "US sales")
    await session.commit()

    async def assign(user: str, plist: Any) -> dict[str, Any]:
        variables = {
            "input": {"projectId": gid("Project", project), "priceListId": gid("PriceList", plist)}
        }
        return await client.mutate(ASSIGN, variables, world.tokens[user])

    payload = await assign("admin", german)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("OTHER_LEGAL_ENTITY", ["priceListId"])
    ]
    payload = await assign("outsider", german)  # the project is invisible to DEPM's admin
    assert error_codes(payload) == ["NOT_FOUND"]
    assert await count(session, ProjectPriceList) == 0
    payload = await assign("accountant", local)
    assert payload == {"project": {"priceLists": [{"name": "US sales"}]}, "errors": []}
    assert error_codes(await assign("accountant", local)) == ["DUPLICATE"]


async def test_m1_queries_show_only_the_callers_entities(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    us = await make.project(session, world, "US-1", tasks=2)
    de = await make.project(session, world, "DE-1", entity="DEPM", manager="outsider")
    await session.commit()
    query = "query($id: ID!) { project(id: $id) { code tasks { code } } }"
    data = await client.data(query, {"id": gid("Project", de)}, world.tokens["manager"])
    assert data["project"] is None
    data = await client.data(query, {"id": gid("Project", us)}, world.tokens["manager"])
    assert data["project"] == {"code": "US-1", "tasks": [{"code": "T1"}, {"code": "T2"}]}
    listing = "{ projects { nodes { code } } }"
    assert (await client.data(listing, token=world.tokens["manager"]))["projects"]["nodes"] == [
        {"code": "US-1"}
    ]
    data = await client.data(listing, token=world.tokens["admin"])
    assert [node["code"] for node in data["projects"]["nodes"]] == ["US-1", "DE-1"]
    node = "query($id: ID!) { node(id: $id) { ... on Project { code } } }"
    data = await client.data(node, {"id": gid("Project", de)}, world.tokens["manager"])
    assert data["node"] is None


async def test_projects_filters_and_keyset_pages(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    for code, manager in (("A", "manager"), ("B", "manager2"), ("C", "manager")):
        await make.project(session, world, code, manager=manager)
    await make.project(session, world, "D", entity="DEPM", manager="outsider")
    await session.commit()
    query = """query($m: ID, $e: String, $after: String) {
      projects(managerId: $m, legalEntity: $e, billingType: TIME_AND_MATERIAL, first: 1,
               after: $after) {
        nodes { code } pageInfo { hasNextPage endCursor }
      }
    }"""
    variables: dict[str, Any] = {"m": gid("User", world.users["manager"]), "e": "USPM"}
    seen = []
    while True:
        page = (await client.data(query, variables, world.tokens["admin"]))["projects"]
        seen += [node["code"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        variables["after"] = page["pageInfo"]["endCursor"]
    assert seen == ["A", "C"]


async def test_users_lists_the_callers_entities(client: GraphQLClient, world: World) -> None:
    query = "query($role: Role) { users(role: $role) { nodes { email roles } } }"
    data = await client.data(query, {"role": "PROJECT_MANAGER"}, world.tokens["manager"])
    assert [n["email"] for n in data["users"]["nodes"]] == [
        "manager@example.com",
        "manager2@example.com",
    ]
    data = await client.data(query, {}, world.tokens["outsider"])
    emails = {node["email"] for node in data["users"]["nodes"]}
    assert emails == {"admin@example.com", "accountant@example.com", "outsider@example.com"}


async def test_update_project_and_task(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    project = await make.project(session, world, "P1", tasks=1)
    task = (await session.scalars(select(Task).where(Task.project_id == project.id))).one()
    await session.commit()
    update = """mutation($input: UpdateProjectInput!) {
      updateProject(input: $input) {
        project { name billingType manager { email } } errors { code }
      }
    }"""
    changes = {
        "id": gid("Project", project),
        "name": "Renamed",
        "billingType": "FIXED_PRICE",
        "managerId": gid("User", world.users["manager2"]),
    }
    payload = await client.mutate(update, {"input": changes}, world.tokens["accountant"])
    assert payload == {
        "project": {
            "name": "Renamed",
            "billingType": "FIXED_PRICE",
            "manager": {"email": "manager2@example.com"},
        },
        "errors": [],
    }
    update_task = """mutation($input: UpdateTaskInput!) {
      updateTask(input: $input) { task { code name } errors { code } }
    }"""
    payload = await client.mutate(
        update_task, {"input": {"id": gid("Task", task), "name": "Build"}}, world.tokens["admin"]
    )
    assert payload == {"task": {"code": "T1", "name": "Build"}, "errors": []}


async def test_nested_fields_cost_the_same_statements_for_1_or_5_projects(
    client: GraphQLClient, world: World, session: AsyncSession, statements: StatementCounter
) -> None:
    """Tasks, manager, legal entity and price lists come from DataLoaders, not per row."""
    query = """{ projects(first: 100) { nodes {
      code manager { name } legalEntity { code } tasks(first: 10) { code }
      priceLists(first: 10) { name lines(first: 10) { price unit { code } } }
    } } }"""
    plist = await make.price_list(session, world, "Sales")
    travel = await make.category(session, "TRAVEL")
    await make.line(session, world, plist, travel, price="10")

    async def measure(codes: list[str]) -> int:
        for code in codes:
            await make.assign(
                session, world, await make.project(session, world, code, tasks=3), plist
            )
        await session.commit()
        statements.reset()
        data = await client.data(query, token=world.tokens["admin"])
        assert all(len(node["tasks"]) == 3 for node in data["projects"]["nodes"])
        assert all(node["priceLists"][0]["lines"] for node in data["projects"]["nodes"])
        return statements.count

    one = await measure(["P1"])
    await session.execute(delete(Project))
    five = await measure([f"Q{n}" for n in range(5)])
    assert one == five


async def test_delete_unused_task(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    project = await make.project(session, world, "P1", tasks=1)
    task = (await session.scalars(select(Task).where(Task.project_id == project.id))).one()
    await session.commit()
    variables = {"id": gid("Task", task)}
    payload = await client.mutate(DELETE_TASK, variables, world.tokens["employee"])
    assert error_codes(payload) == ["FORBIDDEN"]
    payload = await client.mutate(DELETE_TASK, variables, world.tokens["accountant"])
    assert payload == {"deletedId": gid("Task", task), "errors": []}
    assert await count(session, Task) == 0
