"""SQL of financial dimensions and their values (J4), and `financialDimensions`, as
`resolvers.dimensions` reads them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Children, Scalar, TableType, ToOne, register
from compiler.connections import Page, connection
from compiler.master_data import callers_code
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import present_or_fail
from db.models import dimensions as models
from domain.actors import Actor

register(
    TableType(
        "FinancialDimension",
        models.FinancialDimension,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "active": Scalar("{t}.active"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "values": Children("FinancialDimensionValue", "dimension_id"),
        },
    ),
    TableType(
        "FinancialDimensionValue",
        models.FinancialDimensionValue,
        {
            "value": Scalar("{t}.value"),
            "name": Scalar("{t}.name"),
            "active": Scalar("{t}.active"),
            "dimension": ToOne("FinancialDimension", "dimension_id"),
        },
    ),
)


@dataclass(frozen=True)
class DimensionsPage(Page):
    legal_entity: str


class FinancialDimensions:
    """`financialDimensions`: the legal entity must be the caller's (else NOT_FOUND, from the
    reference path), and exist (else the statement fails over to the reference path)."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> DimensionsPage:
        return DimensionsPage(
            **Page.paging(arguments, "FinancialDimension"),
            legal_entity=callers_code(arguments["legalEntity"], actor),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        entity = statement.entity_id(key)
        conditions = [f"{t}.legal_entity_id = {entity}"]
        dimensions = connection(selection, key, nodes, page, "FinancialDimension", conditions, t)
        return present_or_fail(entity, dimensions)


register_root("financialDimensions", FinancialDimensions())
