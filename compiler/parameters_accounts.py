"""SQL of ledger accounts and number sequences of a legal entity (M1, M7), and `accounts`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.catalog import Custom, Scalar, TableType, ToOne, register
from compiler.connections import Page, connection
from compiler.ledger_books import account_balance
from compiler.master_data import callers_code
from compiler.roots import register_root
from compiler.selection import Selection
from compiler.sql import present_or_fail
from db.models import master_data as models
from domain.actors import Actor

register(
    TableType(
        "Account",
        models.Account,
        {
            "number": Scalar("{t}.number"),
            "name": Scalar("{t}.name"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
            "balance": Custom(account_balance, takes_arguments=True),
        },
    ),
    TableType(
        "NumberSequence",
        models.NumberSequence,
        {
            "code": Scalar("{t}.code"),
            "prefix": Scalar("{t}.prefix"),
            "width": Scalar("{t}.width"),
            "legalEntity": ToOne("LegalEntity", "legal_entity_id"),
        },
    ),
)


@dataclass(frozen=True)
class EntityPage(Page):
    legal_entity: str


class Accounts:
    """`accounts`, as `resolvers.parameters.accounts` reads them: the legal entity must be the
    caller's (else NOT_FOUND, from the reference path)."""

    def prepare(self, arguments: dict[str, Any], actor: Actor) -> EntityPage:
        paging = Page.paging(arguments, "Account")
        return EntityPage(**paging, legal_entity=callers_code(arguments["legalEntity"], actor))

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        t = selection.statement.alias()
        entity = selection.statement.entity_id(key)
        conditions = [f"{t}.legal_entity_id = {entity}"]
        accounts = connection(selection, key, nodes, page, "Account", conditions, t)
        return present_or_fail(entity, accounts)


register_root("accounts", Accounts())
