"""Financial dimensions as master data through the API (J4, M1): created, renamed and
(de)activated with their values by accountants, read the same on both paths with a statement
count that does not grow with the rows, and the only dimensions a journal line may name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.dimensions import FinancialDimension, FinancialDimensionValue
from db.models.journals import JournalLine, JournalLineDimension
from domain.journals_import import import_pending_actuals
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.counter import StatementCounter
from tests.support.dimensions import add_dimension
from tests.support.journals import add_actuals, staging
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["reference"]

DIMENSIONS = """
query($entity: String!, $first: Int, $after: String) {
  financialDimensions(legalEntity: $entity, first: $first, after: $after) {
    nodes { id code name active legalEntity { code }
      values { id value name active dimension { code } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
CREATE = """
mutation($input: CreateFinancialDimensionInput!) {
  createFinancialDimension(input: $input) {
    financialDimension { id code name active values { value } }
    errors { code field message }
  }
}"""
UPDATE = """
mutation($input: UpdateFinancialDimensionInput!) {
  updateFinancialDimension(input: $input) {
    financialDimension { code name active } errors { code field message }
  }
}"""
ADD_VALUE = """
mutation($input: AddFinancialDimensionValueInput!) {
  addFinancialDimensionValue(input: $input) {
    financialDimensionValue { id value name active dimension { code } }
    errors { code field message }
  }
}"""
UPDATE_VALUE = """
mutation($input: UpdateFinancialDimensionValueInput!) {
  updateFinancialDimensionValue(input: $input) {
    financialDimensionValue { value name active } errors { code field message }
  }
}"""
EDIT = """
mutation($input: EditJournalLineInput!) {
  editJournalLine(input: $input) {
    journalLine { dimensions { dimension value sharePercent } }
    errors { code field message }
  }
}"""


async def _ok(client: GraphQLClient, world: World, document: str, values: dict[str, Any],
              user: str = "accountant") -> dict[str, Any]:  # fmt: skip
    payload = await client.mutate(document, {"input": values}, token=world.tokens[user])
    assert payload["errors"] == [], payload
    return payload


async def test_j4_accountant_records_dimensions_and_values_read_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, world: World
) -> None:
    new = {"legalEntity": "uspm", "code": "Department", "name": "Department"}
    made = await _ok(client, world, CREATE, new)
    department = made["financialDimension"]
    assert department["active"] is True and department["values"] == []
    for value, name in (("Sales", "Sales team"), ("Ops", "")):
        added = await _ok(client, world, ADD_VALUE,
                          {"dimensionId": department["id"], "value": value, "name": name},
                          user="admin")  # fmt: skip
        assert added["financialDimensionValue"]["dimension"] == {"code": "Department"}
    await _ok(client, world, CREATE, {"legalEntity": "DEPM", "code": "Region", "name": "Region"})
    body, path = await both(client, reference, DIMENSIONS, {"entity": "USPM"},
                            world.tokens["accountant"])  # fmt: skip
    assert path == "compiled"
    (node,) = body["data"]["financialDimensions"]["nodes"]
    assert (node["code"], node["legalEntity"]) == ("Department", {"code": "USPM"})
    assert [(v["value"], v["name"], v["active"]) for v in node["values"]] == [
        ("Sales", "Sales team", True),
        ("Ops", "", True),
    ]
    for user in ("employee", "outsider"):  # M1: any role reads its own legal entities' only
        answer, _ = await both(client, reference, DIMENSIONS, {"entity": "USPM"},
                               world.tokens[user])  # fmt: skip
        if user == "outsider":
            assert answer["data"] is None and "not one of yours" in answer["errors"][0]["message"]
        else:
            assert answer["data"]["financialDimensions"]["nodes"][0]["code"] == "Department"


async def test_j4_renaming_and_deactivating_dimensions_and_values(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    dimension, values = await add_dimension(session, world, "USPM", "Department", "Sales")
    await session.commit()
    gid = encode_id("FinancialDimension", dimension.id)
    renamed = await _ok(client, world, UPDATE, {"id": gid, "name": "Dept.", "active": False})
    assert renamed["financialDimension"] == {"code": "Department", "name": "Dept.", "active": False}
    kept = await _ok(client, world, UPDATE, {"id": gid, "active": True})
    assert kept["financialDimension"]["name"] == "Dept."
    value_gid = encode_id("FinancialDimensionValue", values["Sales"].id)
    off = await _ok(client, world, UPDATE_VALUE, {"id": value_gid, "active": False, "name": "S"})
    assert off["financialDimensionValue"] == {"value": "Sales", "name": "S", "active": False}


async def test_j4_dimension_refusals_are_typed_and_write_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    dimension, _ = await add_dimension(session, world, "USPM", "Department", "Sales")
    await session.commit()
    gid = encode_id("FinancialDimension", dimension.id)
    new = {"legalEntity": "USPM", "code": "Region", "name": "Region"}
    cases: list[tuple[str, dict[str, Any], str, str, list[str] | None]] = [
        (CREATE, new, "employee", "FORBIDDEN", None),
        (CREATE, {**new, "legalEntity": "USPM"}, "outsider", "NOT_FOUND", ["legalEntity"]),
        (CREATE, {**new, "code": "Department"}, "accountant", "DUPLICATE", ["code"]),
        (CREATE, {**new, "code": "no spaces"}, "accountant", "INVALID", ["code"]),
        (CREATE, {**new, "name": " "}, "accountant", "REQUIRED", ["name"]),
        (ADD_VALUE, {"dimensionId": gid, "value": "Sales"}, "accountant", "DUPLICATE", ["value"]),
        (ADD_VALUE, {"dimensionId": gid, "value": "x" * 61}, "admin", "OUT_OF_RANGE", ["value"]),
        (ADD_VALUE, {"dimensionId": gid, "value": "Ops"}, "outsider", "NOT_FOUND",
         ["dimensionId"]),
        (ADD_VALUE, {"dimensionId": encode_id("Journal", 1), "value": "Ops"}, "accountant",
         "INVALID", ["dimensionId"]),
        (UPDATE, {"id": gid, "active": False}, "manager", "FORBIDDEN", None),
        (UPDATE, {"id": gid, "name": ""}, "accountant", "REQUIRED", ["name"]),
        (UPDATE_VALUE, {"id": encode_id("FinancialDimensionValue", 10**9)}, "accountant",
         "NOT_FOUND", ["id"]),
    ]  # fmt: skip
    for document, values, user, code, field in cases:
        payload = await client.mutate(document, {"input": values}, token=world.tokens[user])
        assert error_codes(payload) == [code], (values, user, payload)
        assert payload["errors"][0]["field"] == field, payload
    assert await session.scalar(select(func.count()).select_from(FinancialDimension)) == 1
    assert await session.scalar(select(func.count()).select_from(FinancialDimensionValue)) == 1
    await session.refresh(dimension)
    assert (dimension.name, dimension.active) == ("Department name", True)


async def test_j4_dimensions_list_costs_the_same_statements_whatever_its_rows(
    client: GraphQLClient,
    reference: GraphQLClient,
    world: World,
    session: AsyncSession,
    statements: StatementCounter,
) -> None:
    await add_dimension(session, world, "USPM", "D0", "V0")
    await session.commit()
    token = world.tokens["accountant"]
    counts = []
    for gql in (reference, client):
        statements.reset()
        await gql.data(DIMENSIONS, {"entity": "USPM"}, token=token)
        counts.append(statements.count)
    for number in range(1, 6):
        await add_dimension(session, world, "USPM", f"D{number}", "A", "B", "C")
    await session.commit()
    for gql, small in zip((reference, client), counts, strict=True):
        statements.reset()
        data = await gql.data(DIMENSIONS, {"entity": "USPM"}, token=token)
        assert statements.count == small, statements.statements
        nodes = data["financialDimensions"]["nodes"]
        assert [len(node["values"]) for node in nodes] == [1, 3, 3, 3, 3, 3]


async def _draft_line(session: AsyncSession, world: World) -> JournalLine:
    base = await staging(session, world)
    await add_actuals(session, base, [Decimal("10.00")])
    await import_pending_actuals(session, base.legal_entity_id)
    await session.commit()
    line: JournalLine | None = await session.scalar(select(JournalLine))
    assert line is not None
    return line


async def test_j4_a_distribution_names_only_active_dimensions_and_values(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    line = await _draft_line(session, world)
    _, values = await add_dimension(session, world, "USPM", "Department", "Sales", "Ops", "Old")
    region, _ = await add_dimension(session, world, "USPM", "Region", "North")
    await add_dimension(session, world, "DEPM", "CostCenter", "CC1")
    values["Old"].active, region.active = False, False
    await session.commit()

    def share(dimension: str, value: str, percent: str = "100") -> dict[str, str]:
        return {"dimension": dimension, "value": value, "sharePercent": percent}

    refused: list[tuple[dict[str, str], str]] = [
        (share("Department", "Legal"), "no such value"),
        (share("Department", "Old"), "the value is inactive"),
        (share("Region", "North"), "the dimension is inactive"),
        (share("CostCenter", "CC1"), "no such dimension"),  # DEPM's, not the line's (M1)
    ]
    token = world.tokens["accountant"]
    for bad, reason in refused:
        same = bad["dimension"] == "Department"  # the shares of each dimension sum to 100
        shares = [share("Department", "Sales", "50"),
                  share("Department", "Ops", "25" if same else "50"),
                  {**bad, "sharePercent": "25" if same else "100"}]  # fmt: skip
        edit = {"id": encode_id("JournalLine", line.id), "billingSalesTaxGroup": "EU",
                "dimensions": shares}  # fmt: skip
        payload = await client.mutate(EDIT, {"input": edit}, token=token)
        assert error_codes(payload) == ["INVALID_DIMENSION"], payload
        error = payload["errors"][0]
        assert error["field"] == ["dimensions", "2", "value"]
        assert f"{bad['dimension']} value {bad['value']}" in error["message"]
        assert reason in error["message"]
    assert await session.scalar(select(func.count()).select_from(JournalLineDimension)) == 0
    await session.refresh(line)
    assert line.billing_sales_tax_group is None
    good = [share("Department", "Sales", "60"), share("Department", "Ops", "40")]
    edit = {"id": encode_id("JournalLine", line.id), "dimensions": good}
    accepted = await client.mutate(EDIT, {"input": edit}, token=token)
    assert accepted["errors"] == []
    assert accepted["journalLine"]["dimensions"] == [
        {"dimension": "Department", "value": "Sales", "sharePercent": "60.0000"},
        {"dimension": "Department", "value": "Ops", "sharePercent": "40.0000"},
    ]
