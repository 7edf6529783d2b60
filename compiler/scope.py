"""The visibility rules of `domain.scope`, rendered as SQL once per scope shape.

The rules are SQLAlchemy expressions over an `Actor`. They are rendered with a stand-in actor
whose user id and legal-entity codes are sentinels; the sentinels then become bind parameters,
so one rendering serves every caller with the same roles (the scope shape).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, literal, select
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.sql.util import ClauseAdapter

from domain.actors import Actor

SENTINEL_USER = 7_777_777_777_777
_ENTITY = "~scope-entity~"
_DIALECT = PGDialect()  # type: ignore[no-untyped-call]
USER_MARK = "{actor_user}"
ENTITIES_MARK = "{actor_entities}"
_ENTITY_IDS = (
    f"SELECT legal_entity.id \nFROM legal_entity \nWHERE legal_entity.code = ANY({ENTITIES_MARK})"
)
_ENTITY_IDS_IN = f"IN ({_ENTITY_IDS})"
_ENTITY_IDS_ARRAY = f"= ANY(ARRAY({_ENTITY_IDS}))"


def stand_in(roles: frozenset[str]) -> Actor:
    """An actor with the caller's roles and sentinel values for what varies per caller."""
    return Actor(user_id=SENTINEL_USER, roles=roles, legal_entities=frozenset({_ENTITY}))


def render(expression: ColumnElement[bool], table: Any, alias: str) -> str:
    """`expression` (over `table`) as SQL over `alias`, with the caller's values as marks.

    Rendered inside `SELECT 1 FROM table AS alias WHERE ...` so that subqueries correlate to
    the alias the way they would inside the reference path's statement.
    """
    aliased = table.alias(alias)
    adapted = ClauseAdapter(aliased).traverse(expression)
    statement = select(literal(1)).select_from(aliased).where(adapted)
    text = str(statement.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))
    head, _, where = text.partition(" \nWHERE ")
    if not where or "FROM" not in head or head.count("FROM") != 1:
        raise ValueError(f"unexpected rendering of a visibility rule: {text}")
    where = where.replace(f"IN ('{_ENTITY}')", f"= ANY({ENTITIES_MARK})")
    where = re.sub(rf"\b{SENTINEL_USER}\b", USER_MARK, where)
    # The caller's legal entity ids once per statement (an InitPlan), not a semi-join with
    # legal_entity for every nested row: the same set, a tenth less database time on a list.
    where = where.replace(_ENTITY_IDS_IN, _ENTITY_IDS_ARRAY)
    if _ENTITY in where:
        raise ValueError(f"a legal-entity sentinel was left in: {where}")
    return where
