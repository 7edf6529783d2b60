"""SQL of legal entities, users and currencies (M1), `legalEntities` and `currencies`, and the
legal-entity argument that must name one of the caller's (`domain.master_data.entity_by_code`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Builder, Custom, Scalar, TableType, limited, register
from compiler.connections import Page, connection, upper
from compiler.roots import NoArguments, Prepared, register_root
from compiler.selection import Selection
from compiler.sql import where
from db.models import master_data as models
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.scope import in_callers_entities


def _roles(expression: str) -> str:
    """The `Role` names of a text[] of roles, sorted by value (code-point order) like
    `schema.projects_types.User`."""
    names = " ".join(f"WHEN '{role.value}' THEN '{role.name}'" for role in models.Role)
    return (
        f'(SELECT coalesce(json_agg(CASE item {names} END ORDER BY item COLLATE "C"),'
        f" '[]'::json) FROM unnest({expression}) AS item)"
    )


def _legal_entities(builder: Builder, alias: str, nodes: list[FieldNode]) -> str:
    """The user's legal entities among the caller's, in code order (the first `first`), as
    `resolvers.projects.legal_entities_of_user` reads them."""
    statement = builder.statement
    entity, member = statement.alias(), statement.alias()
    memberships = [f"{member}.user_id = {alias}.id"]
    memberships += statement.visible(models.UserLegalEntity, member)
    conditions = [
        f"{entity}.id IN (SELECT {member}.legal_entity_id FROM user_legal_entity {member}"
        f" WHERE {where(memberships)})",
        *statement.visible(models.LegalEntity, entity),
    ]
    order = f'{entity}.code COLLATE "C", {entity}.id'
    source = f"FROM legal_entity {entity} WHERE {where(conditions)}"
    source = limited(source, entity, order, builder.first("User", nodes))
    body = builder.object("LegalEntity", entity, nodes)
    return f"(SELECT coalesce(json_agg({body} ORDER BY {order}), '[]'::json) {source})"


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
            "roles": Scalar(_roles("{t}.roles")),
            "legalEntities": Custom(_legal_entities, takes_arguments=True),
        },
    ),
    TableType(
        "Currency",
        models.Currency,
        {
            "code": Scalar("{t}.code"),
            "name": Scalar("{t}.name"),
            "decimals": Scalar("{t}.decimals"),
        },
        node=False,
    ),
)


def callers_code(code: str, actor: Actor) -> str:
    """The code of a legal entity argument, upper-cased as the resolvers do; NOT_FOUND (and so
    the reference path) for a code outside the caller's token, as `entity_by_code` checks."""
    if code.upper() not in actor.legal_entities:
        raise DomainError(
            ErrorCode.NOT_FOUND, f"Legal entity '{code}' is not one of yours.", ["legalEntity"]
        )
    return code.upper()


@dataclass(frozen=True)
class EntitiesPage(Page):
    code: str | None = None


def _callers(actor: Actor) -> Any:
    return in_callers_entities(models.LegalEntity.id, actor)


class LegalEntities:
    """`legalEntities`, as `resolvers.master_data.legal_entities` reads them."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> EntitiesPage:
        code = arguments.get("code")
        return EntitiesPage(**Page.paging(arguments, "LegalEntity"), code=upper(code))

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()
        conditions = statement.rule(_callers, models.LegalEntity.__table__, t)
        if page.code is not None:
            conditions.append(f"{t}.code = {statement.argument(key, 'code', 'text')}")
        return connection(selection, key, nodes, page, "LegalEntity", conditions, t)


class Currencies:
    """`currencies`: global rows in code order, for any signed-in caller."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> Prepared:
        return NoArguments()

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], args: Any) -> str:
        t = selection.statement.alias()
        body = selection.object("Currency", t, nodes)
        listed = f"coalesce(json_agg({body} ORDER BY {t}.code), '[]'::json)"
        return f"(SELECT {listed} FROM currency {t})"


register_root("legalEntities", LegalEntities())
register_root("currencies", Currencies())
