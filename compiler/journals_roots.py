"""`journals`: the reference path's filters (`resolvers.journals.journals_page`) as SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode

from compiler.connections import Page, connection, plain, upper
from compiler.roots import register_root
from compiler.selection import Selection
from db.models.journals import Journal
from domain.actors import Actor
from domain.scope import in_callers_entities


@dataclass(frozen=True)
class JournalsPage(Page):
    legal_entity: str | None = None
    status: str | None = None
    period_start: dt.date | None = None
    number: str | None = None
    original_journal_number: str | None = None


def _callers(actor: Actor) -> Any:
    return in_callers_entities(Journal.legal_entity_id, actor)


class Journals:
    def prepare(self, arguments: dict[str, Any], actor: Actor) -> JournalsPage:
        entity = arguments.get("legalEntity")
        return JournalsPage(
            **Page.paging(arguments, "Journal"),
            legal_entity=upper(entity),
            status=plain(arguments.get("status")),
            period_start=arguments.get("periodStart"),
            number=arguments.get("number"),
            original_journal_number=arguments.get("originalJournalNumber"),
        )

    def sql(self, selection: Selection, key: str, nodes: list[FieldNode], page: Any) -> str:
        statement = selection.statement
        t = statement.alias()

        conditions = statement.rule(_callers, Journal.__table__, t)
        if page.legal_entity is not None:
            entity = statement.entity_id(key)
            conditions.append(f"{t}.legal_entity_id IN {entity}")
        if page.status is not None:
            conditions.append(f"{t}.status = {statement.argument(key, 'status', 'text')}")
        if page.period_start is not None:
            conditions.append(
                f"{t}.period_start = {statement.argument(key, 'period_start', 'date')}"
            )
        if page.number is not None:
            conditions.append(f"{t}.number = {statement.argument(key, 'number', 'text')}")
        if page.original_journal_number is not None:
            original = statement.alias()
            number = statement.argument(key, "original_journal_number", "text")
            conditions.append(
                f"{t}.original_journal_id IN (SELECT {original}.id FROM journal {original}"
                f" WHERE {original}.number = {number})"
            )
        return connection(selection, key, nodes, page, "Journal", conditions, t)


register_root("journals", Journals())
