"""M7, M1: a legal entity's parameters, accounts and number sequences read the same on both
paths for every role; a legal entity that is not the caller's, or that the token names but
the database lacks, is answered by the reference path (NOT_FOUND) on both apps."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from db.models.master_data import BillingType
from db.models.parameters import LineProperty
from domain import parameters
from resolvers.auth import mint_token, verify_token
from tests.support.categories import project_category, transaction_category
from tests.support.client import GraphQLClient
from tests.support.read_paths import both, reference
from tests.support.world import USER_ENTITIES, World

__all__ = ["reference"]

PARAMETERS = """
query Parameters($entity: String!, $after: String) {
  parameters(legalEntity: $entity) {
    __typename journalPeriodUnit linesPerJournal batchThreshold moveToNextOpenPeriod
    defaultProjectCategory { id code transactionCategory { code } }
    voucherSequence { id __typename code prefix width legalEntity { code } }
    journalSequence { code }
    lineProperties { billingType lineProperty __typename }
    expenseIntegrationAccount { id number name legalEntity { id code } }
    procurementIntegrationAccount { number } projectCostAccount { number }
    wipSalesValueAccount { number } accruedRevenueAccount { number } inputTaxAccount { number }
    employeePayableAccount { number } vendorPayableAccount { number } roundOffAccount { number }
  }
  accounts(legalEntity: $entity, first: 4, after: $after) {
    edges { cursor node { id number name legalEntity { code } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  mine: numberSequences { id code prefix width legalEntity { code } }
  one: numberSequences(legalEntity: $entity) { code }
}"""


@pytest.fixture
async def configured(session: AsyncSession, world: World) -> World:
    """USPM with a default project category and both line properties; DEPM as created."""
    accountant = world.actor("accountant")
    category, _ = await transaction_category(session, world, "CONSULT")
    default = await project_category(session, world, "USPM", "CONSULT", category.id)
    changes = {"default_project_category_id": default.id, "journal_sequence_id": None}
    await parameters.update_parameters(
        session, accountant, parameters.ParameterChanges("USPM", references=changes)
    )
    for billing, line in (
        (BillingType.TIME_AND_MATERIAL, LineProperty.CHARGEABLE),
        (BillingType.FIXED_PRICE, LineProperty.NON_CHARGEABLE),
    ):
        change = parameters.LinePropertyChange("USPM", billing, line)
        await parameters.set_line_property(session, accountant, change)
    await session.commit()
    return world


async def test_m7_parameters_accounts_and_sequences_read_the_same_for_every_role(
    client: GraphQLClient, reference: GraphQLClient, configured: World
) -> None:
    for user, codes in USER_ENTITIES.items():
        token = configured.tokens[user]
        for code in codes:
            after = None
            for _ in range(4):  # page by page, with the cursors the answers give
                variables = {"entity": code.lower(), "after": after}
                body, path = await both(client, reference, PARAMETERS, variables, token)
                assert path == "compiled", body
                after = body["data"]["accounts"]["pageInfo"]["endCursor"]
            mine = body["data"]["mine"]
            assert {sequence["legalEntity"]["code"] for sequence in mine} == set(codes)
    admin = configured.tokens["admin"]
    body, _ = await both(client, reference, PARAMETERS, {"entity": "USPM"}, admin)
    found = body["data"]["parameters"]
    assert found["defaultProjectCategory"]["code"] and found["journalSequence"] is None, found
    assert [m["lineProperty"] for m in found["lineProperties"]] == ["NON_CHARGEABLE", "CHARGEABLE"]


async def test_m1_another_companys_or_a_missing_legal_entity_is_the_reference_paths_error(
    client: GraphQLClient, reference: GraphQLClient, world: World, settings: Settings
) -> None:
    """NOT_FOUND comes from the reference path on both apps: for a legal entity outside the
    token (refused when planning), and for one the token names that does not exist (the
    compiled statement fails, and the request falls back)."""
    employee = world.users["employee"]
    # Claims are hints: the employee's session has USPM alone, whatever its token names.
    ghost = mint_token(
        settings,
        user_id=employee.id,
        session_id=verify_token(settings, world.tokens["employee"]).session_id,
        roles=employee.roles,
        legal_entities=["USPM", "GHOST"],
    )
    cases = [
        (world.tokens["employee"], "DEPM"),
        (world.tokens["outsider"], "uspm"),
        (ghost, "ghost"),
    ]
    for token, code in cases:
        for query in (
            "query($e: String!) { parameters(legalEntity: $e) { linesPerJournal } }",
            "query($e: String!) { accounts(legalEntity: $e) { nodes { number } } }",
            "query($e: String!) { numberSequences(legalEntity: $e) { code } }",
        ):
            body, path = await both(client, reference, query, {"e": code}, token)
            assert path is None, body
            assert body["errors"][0]["extensions"]["reason"] == "NOT_FOUND", body
    mine = "{ numberSequences { code legalEntity { code } } }"
    body, path = await both(client, reference, mine, {}, ghost)
    assert path == "compiled" and len(body["data"]["numberSequences"]) == 3, body
