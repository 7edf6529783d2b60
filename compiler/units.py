"""SQL of unit groups and units (M3), and `unitGroups`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Children, Scalar, TableType, ToOne, register
from compiler.connections import Page, connection
from compiler.roots import arg, register_root
from compiler.selection import Selection
from compiler.sql import decimal
from db.models import master_data as models
from domain.actors import Actor

register(
    TableType(
        "Unit",
        models.Unit,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "factor": Scalar(decimal("{t}.factor")),
            "unitGroup": ToOne("UnitGroup", "unit_group_id"),
        },
    ),
    TableType(
        "UnitGroup",
        models.UnitGroup,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "baseUnit": ToOne("Unit", "base_unit_id"),
            "units": Children("Unit", "unit_group_id"),
        },
    ),
)


@dataclass(frozen=True)
class GroupsPage(Page):
    code: str | None = None


class UnitGroups:
    """`unitGroups`: global rows, for any signed-in caller; the code is matched as given."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> GroupsPage:
        return GroupsPage(**Page.paging(arguments), code=arguments.get("code"))

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = []
        if page.code is not None:
            code = statement.param((key, "code"), arg(key, "code"), "text")
            conditions.append(f"{t}.code = {code}")
        return connection(selection, key, nodes, page, "UnitGroup", conditions, t)


register_root("unitGroups", UnitGroups())
