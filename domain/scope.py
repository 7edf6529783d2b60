"""SQL filters that keep every query inside the caller's legal entities (M1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from db.models.master_data import LegalEntity
from domain.actors import Actor


def in_callers_entities(
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None], actor: Actor
) -> ColumnElement[bool]:
    codes: list[Any] = sorted(actor.legal_entities)
    return column.in_(select(LegalEntity.id).where(LegalEntity.code.in_(codes)))
