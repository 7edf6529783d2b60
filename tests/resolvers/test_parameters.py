"""Parameters, accounts, line properties and sequences through the API (M1, M7)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Account
from db.models.parameters import ACCOUNT_ROLES, LegalEntityParameters, LinePropertyMapping
from domain.parameters import input_field
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.counter import StatementCounter
from tests.support.world import World

ACCOUNT_FIELDS = " ".join(f"{input_field(role)}Account {{ number }}" for role in ACCOUNT_ROLES)
PARAMETERS = f"""
query($le: String!) {{
  parameters(legalEntity: $le) {{
    journalPeriodUnit linesPerJournal batchThreshold moveToNextOpenPeriod
    defaultProjectCategory {{ code }}
    voucherSequence {{ code prefix }} journalSequence {{ code prefix }}
    lineProperties {{ billingType lineProperty }}
    {ACCOUNT_FIELDS}
  }}
}}"""
UPDATE = """
mutation($input: UpdateParametersInput!) {
  updateParameters(input: $input) {
    parameters { linesPerJournal batchThreshold journalPeriodUnit moveToNextOpenPeriod
                 roundOffAccount { number } inputTaxAccount { number } }
    errors { code field message }
  }
}"""
CREATE_ACCOUNT = """
mutation($input: CreateAccountInput!) {
  createAccount(input: $input) {
    account { id number name legalEntity { code } }
    errors { code field }
  }
}"""
UPDATE_ACCOUNT = """
mutation($input: UpdateAccountInput!) {
  updateAccount(input: $input) { account { number name } errors { code field } }
}"""
ACCOUNTS = """
query($le: String!, $after: String) {
  accounts(legalEntity: $le, first: 5, after: $after) {
    edges { node { number } } pageInfo { hasNextPage endCursor }
  }
}"""
SET_LINE_PROPERTY = """
mutation($input: LinePropertyInput!) {
  setLineProperty(input: $input) { linePropertyMap { billingType lineProperty } errors { code } }
}"""
SEQUENCES = """
query($le: String) { numberSequences(legalEntity: $le) { code prefix legalEntity { code } } }"""


def account_id(world: World, company: str, role: str) -> str:
    return encode_id("Account", world.companies[company].accounts[role].id)


async def parameters_row(session: AsyncSession, world: World, company: str) -> dict[str, Any]:
    row = await session.get(LegalEntityParameters, world.entity_id(company), populate_existing=True)
    assert row is not None
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


async def test_m7_defaults_lines_per_journal_200_batch_threshold_100(
    client: GraphQLClient, world: World
) -> None:
    created = await client.mutate(
        'mutation { createLegalEntity(input: {code: "FR01", name: "France", '
        'currencyCode: "EUR"}) { errors { code } } }',
        token=world.tokens["admin"],
    )
    assert created["errors"] == []
    # A new access token: the admin's new legal entity is read at once, not after
    # AUTH_CACHE_SECONDS.
    refresh = "mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { accessToken } }"
    refreshed = await client.mutate(refresh, {"t": world.refresh_tokens["admin"]})
    token = refreshed["accessToken"]
    data = await client.data(PARAMETERS, {"le": "FR01"}, token=token)
    parameters = data["parameters"]
    assert parameters["linesPerJournal"] == 200
    assert parameters["batchThreshold"] == 100
    assert parameters["journalPeriodUnit"] == "MONTHS"
    assert parameters["moveToNextOpenPeriod"] is True
    assert parameters["voucherSequence"] == {"code": "voucher", "prefix": "V-"}
    assert parameters["journalSequence"] == {"code": "journal", "prefix": "J-"}
    assert parameters["roundOffAccount"] is None


async def test_m7_parameters_load_every_account_in_constant_statements(
    client: GraphQLClient, world: World, statements: StatementCounter
) -> None:
    statements.reset()
    data = await client.data(PARAMETERS, {"le": "USPM"}, token=world.tokens["employee"])
    parameters = data["parameters"]
    for number, role in enumerate(ACCOUNT_ROLES, start=1):
        assert parameters[f"{input_field(role)}Account"] == {"number": f"{number}0000"}
    # parameters, accounts (one batch for nine fields), sequences, line properties
    assert statements.count <= 4, statements.statements


async def test_m7_update_parameters_is_partial(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    payload = await client.mutate(
        UPDATE,
        {
            "input": {
                "legalEntity": "USPM",
                "linesPerJournal": 50,
                "journalPeriodUnit": "DAYS",
                "roundOffAccountId": account_id(world, "USPM", "input_tax"),
            }
        },
        token=world.tokens["accountant"],
    )
    assert payload["errors"] == []
    assert payload["parameters"] == {
        "linesPerJournal": 50,
        "batchThreshold": 100,
        "journalPeriodUnit": "DAYS",
        "moveToNextOpenPeriod": True,
        "roundOffAccount": {"number": "60000"},
        "inputTaxAccount": {"number": "60000"},
    }
    cleared = await client.mutate(
        UPDATE,
        {"input": {"legalEntity": "USPM", "roundOffAccountId": None, "batchThreshold": 0}},
        token=world.tokens["admin"],
    )
    assert cleared["errors"] == []
    assert cleared["parameters"]["roundOffAccount"] is None
    assert cleared["parameters"]["linesPerJournal"] == 50
    assert (await parameters_row(session, world, "USPM"))["batch_threshold"] == 0


async def test_m1_other_legal_entity_account_refused(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    before = await parameters_row(session, world, "USPM")
    payload = await client.mutate(
        UPDATE,
        {
            "input": {
                "legalEntity": "USPM",
                "linesPerJournal": 10,
                "expenseIntegrationAccountId": account_id(world, "DEPM", "expense_integration"),
            }
        },
        token=world.tokens["accountant"],
    )
    assert payload["parameters"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("OTHER_LEGAL_ENTITY", ["expenseIntegrationAccountId"])
    ]
    # A company the caller cannot see: its account is simply not found.
    hidden = await client.mutate(
        UPDATE,
        {
            "input": {
                "legalEntity": "DEPM",
                "inputTaxAccountId": account_id(world, "USPM", "input_tax"),
            }
        },
        token=world.tokens["outsider"],
    )
    assert [(e["code"], e["field"]) for e in hidden["errors"]] == [
        ("NOT_FOUND", ["inputTaxAccountId"])
    ]
    assert await parameters_row(session, world, "USPM") == before


async def test_m7_update_parameters_bad_input_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    before = await parameters_row(session, world, "USPM")
    period_id = encode_id("LedgerPeriod", 1)
    cases: list[tuple[dict[str, Any], str, list[tuple[str, list[str] | None]]]] = [
        ({"linesPerJournal": 0}, "accountant", [("OUT_OF_RANGE", ["linesPerJournal"])]),
        ({"linesPerJournal": 100001}, "accountant", [("OUT_OF_RANGE", ["linesPerJournal"])]),
        ({"batchThreshold": -1}, "accountant", [("OUT_OF_RANGE", ["batchThreshold"])]),
        ({"roundOffAccountId": "not-an-id"}, "accountant", [("INVALID", ["roundOffAccountId"])]),
        ({"roundOffAccountId": period_id}, "accountant", [("INVALID", ["roundOffAccountId"])]),
        (
            {"voucherSequenceId": encode_id("NumberSequence", 10**9)},
            "accountant",
            [("NOT_FOUND", ["voucherSequenceId"])],
        ),
        (
            {"defaultProjectCategoryId": encode_id("ProjectCategory", 10**9)},
            "accountant",
            [("NOT_FOUND", ["defaultProjectCategoryId"])],
        ),
        (
            {"batchThreshold": 1_000_001, "projectCostAccountId": encode_id("Account", 10**9)},
            "accountant",
            [("OUT_OF_RANGE", ["batchThreshold"]), ("NOT_FOUND", ["projectCostAccountId"])],
        ),
        ({"linesPerJournal": 10}, "manager", [("FORBIDDEN", None)]),
        (
            {"linesPerJournal": 10, "legalEntity": "NOPE"},
            "accountant",
            [("NOT_FOUND", ["legalEntity"])],
        ),
        ({"linesPerJournal": 10, "legalEntity": "DEPM"}, "manager", [("FORBIDDEN", None)]),
    ]
    for changes, user, expected in cases:
        payload = await client.mutate(
            UPDATE, {"input": {"legalEntity": "USPM", **changes}}, token=world.tokens[user]
        )
        assert payload["parameters"] is None, changes
        assert [(e["code"], e["field"]) for e in payload["errors"]] == expected, changes
    assert await parameters_row(session, world, "USPM") == before


async def test_create_and_update_account(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    created = await client.mutate(
        CREATE_ACCOUNT,
        {"input": {"legalEntity": "uspm", "number": " 61000 ", "name": "Travel"}},
        token=world.tokens["accountant"],
    )
    assert created["errors"] == []
    account = created["account"]
    assert (account["number"], account["name"], account["legalEntity"]) == (
        "61000",
        "Travel",
        {"code": "USPM"},
    )
    updated = await client.mutate(
        UPDATE_ACCOUNT,
        {"input": {"id": account["id"], "name": "Travel and meals"}},
        token=world.tokens["admin"],
    )
    assert updated == {"account": {"number": "61000", "name": "Travel and meals"}, "errors": []}
    node = await client.data(
        "query($id: ID!) { node(id: $id) { ... on Account { name } } }",
        {"id": account["id"]},
        token=world.tokens["manager"],
    )
    assert node["node"] == {"name": "Travel and meals"}


async def test_account_bad_input_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    count = select(func.count()).select_from(Account)
    before = await session.scalar(count)
    creates = [
        ({"legalEntity": "USPM", "number": "10000", "name": "Dup"}, "accountant", "DUPLICATE"),
        ({"legalEntity": "USPM", "number": " ", "name": "X"}, "accountant", "REQUIRED"),
        ({"legalEntity": "USPM", "number": "1" * 21, "name": "X"}, "accountant", "OUT_OF_RANGE"),
        ({"legalEntity": "USPM", "number": "70000", "name": "X"}, "employee", "FORBIDDEN"),
        ({"legalEntity": "USPM", "number": "70000", "name": "X"}, "outsider", "NOT_FOUND"),
    ]
    for data, user, code in creates:
        payload = await client.mutate(CREATE_ACCOUNT, {"input": data}, token=world.tokens[user])
        assert (payload["account"], error_codes(payload)) == (None, [code]), data
    uspm_account = account_id(world, "USPM", "round_off")
    updates = [
        ({"id": uspm_account, "number": "20000"}, "accountant", "DUPLICATE"),
        ({"id": uspm_account, "name": "X"}, "outsider", "NOT_FOUND"),
        ({"id": uspm_account, "name": "X"}, "manager", "FORBIDDEN"),
        ({"id": encode_id("Account", 10**9), "name": "X"}, "accountant", "NOT_FOUND"),
        ({"id": "garbage", "name": "X"}, "accountant", "INVALID"),
    ]
    for data, user, code in updates:
        payload = await client.mutate(UPDATE_ACCOUNT, {"input": data}, token=world.tokens[user])
        assert (payload["account"], error_codes(payload)) == (None, [code]), data
    assert await session.scalar(count) == before
    round_off = await session.get(
        Account, world.companies["USPM"].accounts["round_off"].id, populate_existing=True
    )
    assert round_off is not None
    assert (round_off.number, round_off.name) == ("90000", "round_off")


async def test_m1_nul_characters_are_typed_errors_that_write_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    """PostgreSQL text cannot hold NUL: the API refuses it itself instead of failing inside."""
    count = select(func.count()).select_from(Account)
    before = await session.scalar(count)
    creates = [
        ({"legalEntity": "USPM", "number": "7\u00000", "name": "X"}, "INVALID", ["number"]),
        ({"legalEntity": "USPM", "number": "70000", "name": "X\u0000"}, "INVALID", ["name"]),
        ({"legalEntity": "US\u0000", "number": "70000", "name": "X"}, "NOT_FOUND", ["legalEntity"]),
    ]
    token = world.tokens["accountant"]
    for data, code, field in creates:
        payload = await client.mutate(CREATE_ACCOUNT, {"input": data}, token=token)
        assert payload["account"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], data
    body = await client.execute(ACCOUNTS, {"le": "US\u0000"}, token=token)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], body
    assert await session.scalar(count) == before


async def test_m1_accounts_query_pages_inside_callers_entities(
    client: GraphQLClient, world: World
) -> None:
    first = (await client.data(ACCOUNTS, {"le": "USPM"}, token=world.tokens["manager"]))["accounts"]
    assert [e["node"]["number"] for e in first["edges"]] == [f"{n}0000" for n in range(1, 6)]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await client.data(
        ACCOUNTS,
        {"le": "USPM", "after": first["pageInfo"]["endCursor"]},
        token=world.tokens["manager"],
    )
    assert [e["node"]["number"] for e in rest["accounts"]["edges"]] == [
        f"{n}0000" for n in range(6, 10)
    ]
    foreign = await client.execute(ACCOUNTS, {"le": "DEPM"}, token=world.tokens["manager"])
    assert foreign["data"] is None
    assert foreign["errors"][0]["extensions"]["reason"] == "NOT_FOUND"
    hidden = await client.data(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": account_id(world, "DEPM", "round_off")},
        token=world.tokens["manager"],
    )
    assert hidden["node"] is None


async def test_m7_set_line_property_replaces_the_mapping(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    for value in ("CHARGEABLE", "NON_CHARGEABLE"):
        payload = await client.mutate(
            SET_LINE_PROPERTY,
            {
                "input": {
                    "legalEntity": "USPM",
                    "billingType": "TIME_AND_MATERIAL",
                    "lineProperty": value,
                }
            },
            token=world.tokens["accountant"],
        )
        assert payload == {
            "linePropertyMap": {"billingType": "TIME_AND_MATERIAL", "lineProperty": value},
            "errors": [],
        }
    data = await client.data(PARAMETERS, {"le": "USPM"}, token=world.tokens["manager"])
    assert data["parameters"]["lineProperties"] == [
        {"billingType": "TIME_AND_MATERIAL", "lineProperty": "NON_CHARGEABLE"}
    ]
    refused = await client.mutate(
        SET_LINE_PROPERTY,
        {
            "input": {
                "legalEntity": "USPM",
                "billingType": "FIXED_PRICE",
                "lineProperty": "CHARGEABLE",
            }
        },
        token=world.tokens["employee"],
    )
    assert (refused["linePropertyMap"], error_codes(refused)) == (None, ["FORBIDDEN"])
    count = select(func.count()).select_from(LinePropertyMapping)
    assert await session.scalar(count) == 1


async def test_m7_number_sequences_of_callers_entities(client: GraphQLClient, world: World) -> None:
    everything = await client.data(SEQUENCES, token=world.tokens["accountant"])
    assert sorted(
        (row["legalEntity"]["code"], row["code"]) for row in everything["numberSequences"]
    ) == sorted(
        (code, purpose)
        for code in ("USPM", "DEPM")
        for purpose in ("expense_report", "journal", "voucher")
    )
    mine = await client.data(SEQUENCES, token=world.tokens["manager"])
    assert {row["legalEntity"]["code"] for row in mine["numberSequences"]} == {"USPM"}
    one = await client.data(SEQUENCES, {"le": "DEPM"}, token=world.tokens["accountant"])
    assert [row["code"] for row in one["numberSequences"]] == [
        "expense_report",
        "journal",
        "voucher",
    ]
