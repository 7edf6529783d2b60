"""SQL of legal entities and users (M1), and `legalEntities`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Scalar, TableType, register
from compiler.connections import Page, connection
from compiler.roots import arg, register_root
from compiler.selection import Selection
from compiler.sql import sorted_texts
from db.models import master_data as models
from domain.actors import Actor
from domain.scope import in_callers_entities

register(
    TableType(
        "LegalEntity",
        models.LegalEntity,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "currencyCode": Scalar("{t}.currency_code"),
        },
    ),
    TableType(
        "User",
        models.AppUser,
        {
            "email": Scalar("{t}.email"),
            "name": Scalar("{t}.name"),
            "roles": Scalar(sorted_texts("{t}.roles")),
        },
    ),
)


@dataclass(frozen=True)
class EntitiesPage(Page):
    code: str | None = None


def _callers(actor: Actor) -> Any:
    return in_callers_entities(models.LegalEntity.id, actor)


class LegalEntities:
    """`legalEntities`, as `resolvers.master_data.legal_entities` reads them."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> EntitiesPage:
        code = arguments.get("code")
        return EntitiesPage(**Page.paging(arguments), code=code.upper() if code else code)

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = statement.rule(_callers, models.LegalEntity.__table__, t)
        if page.code is not None:
            conditions.append(
                f"{t}.code = {statement.param((key, 'code'), arg(key, 'code'), 'text')}"
            )
        return connection(selection, key, nodes, page, "LegalEntity", conditions, t)


register_root("legalEntities", LegalEntities())
