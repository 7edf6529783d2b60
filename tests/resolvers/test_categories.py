"""Categories through the API (M2): creation with shared categories, the expense rules,
deletes refused while in use, typed errors that write nothing, scoping and loaders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import ExpenseCategory, SharedCategory, TransactionCategory
from schema.relay import encode_id
from tests.support import categories as make
from tests.support.client import GraphQLClient, error_codes
from tests.support.counter import StatementCounter
from tests.support.world import World

CREATE_TC = """
mutation($input: CreateTransactionCategoryInput!) {
  createTransactionCategory(input: $input) {
    transactionCategory { id code sharedCategories { id transactionClass canBeUsedInExpense } }
    errors { code field message }
  }
}"""
UPDATE_SHARED = """
mutation($input: UpdateSharedCategoryInput!) {
  updateSharedCategory(input: $input) {
    sharedCategory { canBeUsedInExpense expenseType transactionCategory { code } }
    errors { code field message }
  }
}"""
CREATE_EC = """
mutation($input: CreateExpenseCategoryInput!) {
  createExpenseCategory(input: $input) {
    expenseCategory { id code defaultAccount { id } legalEntity { code }
                      sharedCategory { transactionClass } transactionCategory { code } }
    errors { code field message }
  }
}"""
UPDATE_EC = """
mutation($input: UpdateExpenseCategoryInput!) {
  updateExpenseCategory(input: $input) {
    expenseCategory { code name defaultAccount { id } }
    errors { code field message }
  }
}"""
DELETE = """
mutation($input: DeleteCategoryInput!) {
  %s(input: $input) { deletedId errors { code field message } }
}"""
CREATE_PC = """
mutation($input: CreateProjectCategoryInput!) {
  createProjectCategory(input: $input) {
    projectCategory { id code name legalEntity { code } transactionCategory { code } }
    errors { code field message }
  }
}"""
UPDATE_PC = """
mutation($input: UpdateProjectCategoryInput!) {
  updateProjectCategory(input: $input) {
    projectCategory { code name }
    errors { code field message }
  }
}"""
EXPENSE_CATEGORIES = """
query($legalEntity: String, $usable: Boolean, $first: Int!, $after: String) {
  expenseCategories(legalEntity: $legalEntity, usableInExpense: $usable, first: $first,
                    after: $after) {
    edges { node { code legalEntity { code } sharedCategory { canBeUsedInExpense }
                   transactionCategory { code } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _transaction_category(client: GraphQLClient, world: World, code: str) -> dict[str, Any]:
    """A new transaction category; its shared category ids keyed by class."""
    payload = await client.mutate(
        CREATE_TC, {"input": {"code": code, "name": code.title()}}, token=world.tokens["admin"]
    )
    assert payload["errors"] == []
    category: dict[str, Any] = payload["transactionCategory"]
    category["shared"] = {
        row["transactionClass"]: row["id"] for row in category["sharedCategories"]
    }
    return category


async def _usable(client: GraphQLClient, world: World, shared_id: str) -> dict[str, Any]:
    return await client.mutate(
        UPDATE_SHARED,
        {"input": {"id": shared_id, "canBeUsedInExpense": True, "expenseType": "Travel"}},
        token=world.tokens["admin"],
    )


async def _counts(session: AsyncSession) -> tuple[int | None, ...]:
    models = (TransactionCategory, SharedCategory, ExpenseCategory)
    return tuple([await session.scalar(select(func.count()).select_from(m)) for m in models])


async def test_m2_create_transaction_category_with_five_shared_categories(
    client: GraphQLClient, world: World
) -> None:
    category = await _transaction_category(client, world, "TRAVEL")
    assert category["code"] == "TRAVEL"
    assert list(category["shared"]) == ["HOUR", "EXPENSE", "FEE", "ITEM", "ON_ACCOUNT"]
    assert not any(row["canBeUsedInExpense"] for row in category["sharedCategories"])
    data = await client.data(
        '{ transactionCategories(code: "TRAVEL") { nodes { sharedCategories { id } } } }',
        token=world.tokens["employee"],
    )
    (node,) = data["transactionCategories"]["nodes"]
    assert [row["id"] for row in node["sharedCategories"]] == list(category["shared"].values())


async def test_m2_failed_transaction_category_create_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    await _transaction_category(client, world, "TRAVEL")
    before = await _counts(session)
    cases = [
        ({"code": "TRAVEL", "name": "Again"}, "admin", "DUPLICATE", ["code"]),
        ({"code": "", "name": "Empty"}, "admin", "INVALID", ["code"]),
        ({"code": "HOTEL", "name": "H", "unitGroupId": "%%%"}, "admin", "INVALID", ["unitGroupId"]),
        (
            {"code": "HOTEL", "name": "H", "unitGroupId": encode_id("UnitGroup", 99_999)},
            "admin",
            "NOT_FOUND",
            ["unitGroupId"],
        ),
        ({"code": "HOTEL", "name": "Hotel"}, "accountant", "FORBIDDEN", None),
    ]
    for data, user, code, field in cases:
        payload = await client.mutate(CREATE_TC, {"input": data}, token=world.tokens[user])
        assert payload["transactionCategory"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert await _counts(session) == before


async def test_m2_update_shared_category_refused_on_other_class(
    client: GraphQLClient, world: World
) -> None:
    category = await _transaction_category(client, world, "TRAVEL")
    payload = await _usable(client, world, category["shared"]["FEE"])
    assert payload["sharedCategory"] is None
    assert error_codes(payload) == ["NOT_EXPENSE_CLASS"]
    payload = await _usable(client, world, category["shared"]["EXPENSE"])
    assert payload == {
        "sharedCategory": {
            "canBeUsedInExpense": True,
            "expenseType": "Travel",
            "transactionCategory": {"code": "TRAVEL"},
        },
        "errors": [],
    }


async def test_m2_expense_category_only_from_usable_expense_shared_category(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    category = await _transaction_category(client, world, "TRAVEL")
    accountant = world.tokens["accountant"]

    def create(shared: str) -> dict[str, Any]:
        return {
            "input": {
                "legalEntity": "USPM",
                "code": "TRV",
                "name": "Travel",
                "sharedCategoryId": category["shared"][shared],
            }
        }

    for shared, code in (("HOUR", "NOT_EXPENSE_CLASS"), ("EXPENSE", "NOT_USABLE_IN_EXPENSE")):
        payload = await client.mutate(CREATE_EC, create(shared), token=accountant)
        assert payload["expenseCategory"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            (code, ["sharedCategoryId"])
        ]
    assert (await _counts(session))[2] == 0
    await _usable(client, world, category["shared"]["EXPENSE"])
    payload = await client.mutate(CREATE_EC, create("EXPENSE"), token=accountant)
    assert payload["errors"] == []
    created = payload["expenseCategory"]
    assert created["legalEntity"] == {"code": "USPM"}
    assert created["sharedCategory"] == {"transactionClass": "EXPENSE"}
    assert created["transactionCategory"] == {"code": "TRAVEL"}


async def test_m1_m2_expense_category_account_of_another_legal_entity_refused(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    category = await _transaction_category(client, world, "TRAVEL")
    await _usable(client, world, category["shared"]["EXPENSE"])
    de_account = encode_id("Account", world.companies["DEPM"].accounts["round_off"].id)
    us_account = encode_id("Account", world.companies["USPM"].accounts["round_off"].id)
    data = {
        "legalEntity": "USPM",
        "code": "TRV",
        "name": "Travel",
        "sharedCategoryId": category["shared"]["EXPENSE"],
        "defaultAccountId": de_account,
    }
    payload = await client.mutate(CREATE_EC, {"input": data}, token=world.tokens["admin"])
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("OTHER_LEGAL_ENTITY", ["defaultAccountId"])
    ]
    assert (await _counts(session))[2] == 0
    payload = await client.mutate(
        CREATE_EC, {"input": {**data, "defaultAccountId": us_account}}, token=world.tokens["admin"]
    )
    assert payload["expenseCategory"]["defaultAccount"] == {"id": us_account}
    # Updating to the other company's account is refused too; clearing it is allowed.
    ec_id = payload["expenseCategory"]["id"]
    payload = await client.mutate(
        UPDATE_EC,
        {"input": {"id": ec_id, "defaultAccountId": de_account}},
        token=world.tokens["accountant"],
    )
    assert error_codes(payload) == ["OTHER_LEGAL_ENTITY"]
    payload = await client.mutate(
        UPDATE_EC,
        {"input": {"id": ec_id, "name": "Trips", "defaultAccountId": None}},
        token=world.tokens["accountant"],
    )
    assert payload["expenseCategory"] == {"code": "TRV", "name": "Trips", "defaultAccount": None}


async def test_m2_delete_refused_while_in_use_and_allowed_afterwards(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    category = await _transaction_category(client, world, "TRAVEL")
    await _usable(client, world, category["shared"]["EXPENSE"])
    accountant, admin = world.tokens["accountant"], world.tokens["admin"]
    created = await client.mutate(
        CREATE_EC,
        {
            "input": {
                "legalEntity": "USPM",
                "code": "TRV",
                "name": "Travel",
                "sharedCategoryId": category["shared"]["EXPENSE"],
            }
        },
        token=accountant,
    )
    ec_id = created["expenseCategory"]["id"]
    row = await session.scalar(select(ExpenseCategory).where(ExpenseCategory.code == "TRV"))
    assert row is not None
    line = await make.expense_line_using(session, world, row)

    delete_tc = {"input": {"id": category["id"]}}
    payload = await client.mutate(DELETE % "deleteTransactionCategory", delete_tc, token=admin)
    assert payload["deletedId"] is None
    assert error_codes(payload) == ["IN_USE"]
    assert "1 expense categories" in payload["errors"][0]["message"]
    payload = await client.mutate(
        DELETE % "deleteExpenseCategory", {"input": {"id": ec_id}}, token=accountant
    )
    assert error_codes(payload) == ["IN_USE"]
    assert "expense lines" in payload["errors"][0]["message"]

    await session.delete(line)
    await session.commit()
    payload = await client.mutate(
        DELETE % "deleteExpenseCategory", {"input": {"id": ec_id}}, token=accountant
    )
    assert payload == {"deletedId": ec_id, "errors": []}
    payload = await client.mutate(DELETE % "deleteTransactionCategory", delete_tc, token=admin)
    assert payload == {"deletedId": category["id"], "errors": []}
    assert await _counts(session) == (0, 0, 0)


async def test_m2_bad_input_is_a_typed_error_and_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    category = await _transaction_category(client, world, "TRAVEL")
    await _usable(client, world, category["shared"]["EXPENSE"])
    expense = category["shared"]["EXPENSE"]
    good = {"legalEntity": "USPM", "code": "TRV", "name": "Travel", "sharedCategoryId": expense}
    created = await client.mutate(CREATE_EC, {"input": good}, token=world.tokens["accountant"])
    ec_id = created["expenseCategory"]["id"]
    before = await _counts(session)
    cases = [
        (CREATE_EC, {**good, "code": ""}, "accountant", "INVALID", ["code"]),
        (CREATE_EC, {**good, "code": "TAXI", "name": " "}, "accountant", "REQUIRED", ["name"]),
        (CREATE_EC, good, "accountant", "DUPLICATE", ["code"]),
        (
            CREATE_EC,
            {**good, "code": "X", "sharedCategoryId": encode_id("SharedCategory", 99_999)},
            "accountant",
            "NOT_FOUND",
            ["sharedCategoryId"],
        ),
        (
            CREATE_EC,
            {**good, "code": "X", "sharedCategoryId": "not-an-id"},
            "accountant",
            "INVALID",
            ["sharedCategoryId"],
        ),
        (
            CREATE_EC,
            {**good, "code": "X", "sharedCategoryId": category["id"]},
            "accountant",
            "INVALID",
            ["sharedCategoryId"],
        ),
        (
            CREATE_EC,
            {**good, "code": "X", "legalEntity": "USPM"},
            "outsider",
            "NOT_FOUND",
            ["legalEntity"],
        ),
        (CREATE_EC, {**good, "code": "X"}, "employee", "FORBIDDEN", None),
        (UPDATE_EC, {"id": ec_id, "name": "Mine"}, "outsider", "NOT_FOUND", ["id"]),
        (UPDATE_EC, {"id": ec_id, "name": "Mine"}, "manager", "FORBIDDEN", None),
        (UPDATE_EC, {"id": ec_id, "code": "a b"}, "accountant", "INVALID", ["code"]),
        (UPDATE_EC, {"id": "%%%", "name": "Mine"}, "accountant", "INVALID", ["id"]),
        (DELETE % "deleteExpenseCategory", {"id": ec_id}, "outsider", "NOT_FOUND", ["id"]),
        (
            DELETE % "deleteTransactionCategory",
            {"id": category["id"]},
            "accountant",
            "FORBIDDEN",
            None,
        ),
        (DELETE % "deleteTransactionCategory", {"id": ec_id}, "admin", "INVALID", ["id"]),
        (
            UPDATE_SHARED,
            {"id": encode_id("SharedCategory", 99_999), "canBeUsedInExpense": True},
            "admin",
            "NOT_FOUND",
            ["id"],
        ),
        (UPDATE_SHARED, {"id": expense, "expenseType": " "}, "admin", "REQUIRED", ["expenseType"]),
        (
            UPDATE_SHARED,
            {"id": expense, "canBeUsedInExpense": False},
            "accountant",
            "FORBIDDEN",
            None,
        ),
    ]
    for document, data, user, code, field in cases:
        payload = await client.mutate(document, {"input": data}, token=world.tokens[user])
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], data
        assert all(value is None for key, value in payload.items() if key != "errors")
    assert await _counts(session) == before
    row = await session.scalar(select(ExpenseCategory).where(ExpenseCategory.code == "TRV"))
    assert row is not None and row.name == "Travel"
    shared = await session.scalar(
        select(SharedCategory.can_be_used_in_expense).where(
            SharedCategory.transaction_category_id == row.transaction_category_id,
            SharedCategory.transaction_class == "expense",
        )
    )
    assert shared is True


async def test_m2_project_categories_per_legal_entity(client: GraphQLClient, world: World) -> None:
    category = await _transaction_category(client, world, "TRAVEL")
    accountant = world.tokens["accountant"]
    data = {
        "legalEntity": "USPM",
        "code": "PTRV",
        "name": "Travel",
        "transactionCategoryId": category["id"],
    }
    payload = await client.mutate(CREATE_PC, {"input": data}, token=accountant)
    assert payload["errors"] == []
    pc = payload["projectCategory"]
    assert (pc["legalEntity"], pc["transactionCategory"]) == ({"code": "USPM"}, {"code": "TRAVEL"})
    again = await client.mutate(CREATE_PC, {"input": {**data, "code": "P2"}}, token=accountant)
    assert [(e["code"], e["field"]) for e in again["errors"]] == [
        ("DUPLICATE", ["transactionCategoryId"])
    ]
    unknown = {**data, "code": "P3", "transactionCategoryId": encode_id("TransactionCategory", 9)}
    payload = await client.mutate(CREATE_PC, {"input": unknown}, token=accountant)
    assert error_codes(payload) == ["NOT_FOUND"]
    payload = await client.mutate(
        CREATE_PC, {"input": {**data, "legalEntity": "DEPM"}}, token=accountant
    )
    assert payload["errors"] == []
    renamed = await client.mutate(
        UPDATE_PC, {"input": {"id": pc["id"], "name": "Trips"}}, token=accountant
    )
    assert renamed == {"projectCategory": {"code": "PTRV", "name": "Trips"}, "errors": []}
    listed = await client.data(
        "{ projectCategories { nodes { code legalEntity { code } } } }",
        token=world.tokens["manager"],
    )
    assert listed["projectCategories"]["nodes"] == [
        {"code": "PTRV", "legalEntity": {"code": "USPM"}}
    ]
    payload = await client.mutate(
        DELETE % "deleteProjectCategory", {"input": {"id": pc["id"]}}, token=accountant
    )
    assert payload == {"deletedId": pc["id"], "errors": []}


async def test_m1_m2_expense_categories_scoped_filtered_and_paged(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    _, usable = await make.transaction_category(session, world, "TRAVEL")
    _, unusable = await make.transaction_category(session, world, "MEALS")
    for code in ("A1", "A2", "A3"):
        await make.expense_category(session, world, "USPM", code, usable["expense"])
    await make.expense_category(session, world, "DEPM", "D1", usable["expense"])
    # Usable once, then switched off: existing categories stay, the filter shows it.
    await make.expense_category(session, world, "USPM", "M1", unusable["expense"])
    unusable["expense"].can_be_used_in_expense = False
    await session.commit()

    async def codes(token: str, **variables: Any) -> list[str]:
        data = await client.data(
            EXPENSE_CATEGORIES, {"first": 50, **variables}, token=world.tokens[token]
        )
        return [edge["node"]["code"] for edge in data["expenseCategories"]["edges"]]

    assert await codes("manager") == ["A1", "A2", "A3", "M1"]
    assert await codes("admin") == ["A1", "A2", "A3", "D1", "M1"]
    assert await codes("admin", legalEntity="depm") == ["D1"]
    assert await codes("outsider", legalEntity="USPM") == []
    assert await codes("manager", usable=False) == ["M1"]
    assert await codes("manager", usable=True) == ["A1", "A2", "A3"]
    first = await client.data(EXPENSE_CATEGORIES, {"first": 2}, token=world.tokens["manager"])
    page = first["expenseCategories"]["pageInfo"]
    assert page["hasNextPage"] is True
    assert await codes("manager", after=page["endCursor"]) == ["A3", "M1"]
    body = await client.execute(EXPENSE_CATEGORIES, {"first": 101}, token=world.tokens["admin"])
    (error,) = body["errors"]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "OUT_OF_RANGE",
        "field": ["first"],
    }


async def test_m2_expense_categories_statement_count_is_constant(
    client: GraphQLClient, world: World, session: AsyncSession, statements: StatementCounter
) -> None:
    shared = []
    for number in range(10):
        _, rows = await make.transaction_category(session, world, f"TC{number}")
        shared.append(rows["expense"])
    await make.expense_category(session, world, "USPM", "E0", shared[0])
    await session.commit()

    async def count() -> int:
        statements.reset()
        await client.data(EXPENSE_CATEGORIES, {"first": 50}, token=world.tokens["admin"])
        return statements.count

    one = await count()
    assert one > 0
    for number in range(1, 10):
        await make.expense_category(session, world, "USPM", f"E{number}", shared[number])
    await session.commit()
    data = await client.data(EXPENSE_CATEGORIES, {"first": 50}, token=world.tokens["admin"])
    assert len(data["expenseCategories"]["edges"]) == 10
    assert await count() == one


async def test_m1_m2_node_returns_categories_of_your_legal_entities_only(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    _, shared = await make.transaction_category(session, world, "TRAVEL")
    category = await make.expense_category(session, world, "USPM", "TRV", shared["expense"])
    await session.commit()
    query = "query($id: ID!) { node(id: $id) { id ... on ExpenseCategory { code } } }"
    gid = encode_id("ExpenseCategory", category.id)
    data = await client.data(query, {"id": gid}, token=world.tokens["manager"])
    assert data["node"] == {"id": gid, "code": "TRV"}
    data = await client.data(query, {"id": gid}, token=world.tokens["outsider"])
    assert data["node"] is None
    shared_gid = encode_id("SharedCategory", shared["expense"].id)
    data = await client.data(
        "query($id: ID!) { node(id: $id) { ... on SharedCategory { transactionClass } } }",
        {"id": shared_gid},
        token=world.tokens["employee"],
    )
    assert data["node"] == {"transactionClass": "EXPENSE"}
