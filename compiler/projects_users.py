"""`users`: the users of the caller's legal entities (M1), as `resolvers.projects.users_page`
reads them, e.g. to pick a project manager. The User type is in `compiler/master_data.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.connections import Page, connection, upper
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import where
from db.models.master_data import Role, UserLegalEntity
from domain.actors import Actor
from domain.scope import in_callers_entities


@dataclass(frozen=True)
class UsersPage(Page):
    legal_entity: str | None = None
    role: str | None = None


def _callers(actor: Actor) -> Any:
    return in_callers_entities(UserLegalEntity.legal_entity_id, actor)


class Users:
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> UsersPage:
        entity = arguments.get("legalEntity")
        return UsersPage(
            **Page.paging(arguments, "User"),
            legal_entity=upper(entity),
            role=Role(arguments["role"]).value if arguments.get("role") is not None else None,
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t, member = statement.alias(), statement.alias()

        # One membership row both in the caller's legal entities and in the one asked for.
        memberships = statement.rule(_callers, UserLegalEntity.__table__, member)
        if page.legal_entity is not None:
            entity = statement.entity_id(key)
            memberships.append(f"{member}.legal_entity_id = {entity}")
        conditions = [
            f"{t}.id IN (SELECT {member}.user_id FROM user_legal_entity {member}"
            f" WHERE {where(memberships)})"
        ]
        if page.role is not None:
            # `literal(role) == any_(AppUser.roles)`: a role the array holds, exactly.
            conditions.append(f"{statement.argument(key, 'role', 'text')} = ANY({t}.roles)")
        return connection(selection, key, nodes, page, "User", conditions, t)


register_root("users", Users())
