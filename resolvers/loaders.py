"""Per-request DataLoaders: one statement per batch, scoped to the caller's legal entities."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Select, select
from strawberry.dataloader import DataLoader

from db.base import Base

if TYPE_CHECKING:
    from resolvers.context import Context

M = TypeVar("M", bound=Base)
T = TypeVar("T")


async def to_completion(statement: Awaitable[T]) -> T:
    """Await a statement; when cancelled, let it finish first, then be cancelled.

    strawberry cancels a batch's task when every load of the batch was cancelled (graphql-core
    cancels the sibling root fields of a failing non-null one). Interrupting the statement
    then costs its connection: asyncpg opens a connection only to send PostgreSQL a
    CancelRequest, SQLAlchemy discards the interrupted one and the pool opens another (two
    backend forks per such request, which any caller can send in a loop); on a session joined
    to an outer transaction (the tests') that transaction is lost. A batch is one short
    statement: letting it finish returns the connection clean, and the statement lock stays
    held until it has (close_session waits for it)."""
    task = asyncio.ensure_future(statement)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():
            try:
                await asyncio.wait([task])
            except asyncio.CancelledError:
                continue  # cancelled again: still wait; the first cancellation is raised below
        if not task.cancelled():
            task.exception()  # retrieved: its outcome no longer matters to anyone
        raise


class Loaders:
    """Created once per request; each loader batches the loads of one resolver level."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}

    def by_id(self, model: type[M]) -> DataLoader[int, M | None]:
        """Rows by primary key; rows outside the caller's legal entities load as None."""
        key = ("by_id", model)
        if key not in self._loaders:
            self._loaders[key] = DataLoader(load_fn=self._by_id_batch(model))
        return self._loaders[key]

    def children(
        self, model: type[M], parent_column: str, order_by: str = "id"
    ) -> DataLoader[int, list[M]]:
        """Rows whose `parent_column` is in the batch of parent ids, in `order_by` order."""
        key = ("children", model, parent_column, order_by)
        if key not in self._loaders:
            self._loaders[key] = DataLoader(
                load_fn=self._children_batch(model, parent_column, order_by)
            )
        return self._loaders[key]

    def _scoped(self, model: type[M]) -> Select[Any]:
        from domain.scope import visible_rows

        statement = select(model)
        visible = visible_rows(model, self._context.actor)
        return statement if visible is None else statement.where(visible)

    def _by_id_batch(self, model: type[M]) -> Callable[[list[int]], Any]:
        async def load(ids: list[int]) -> Sequence[M | None]:
            id_column: ColumnElement[int] = model.__table__.c.id
            statement = self._scoped(model).where(id_column.in_(ids))
            async with self._context.db() as session:
                rows: Sequence[Any] = (await to_completion(session.scalars(statement))).all()
            found = {row.id: row for row in rows}
            return [found.get(item) for item in ids]

        return load

    def _children_batch(
        self, model: type[M], parent_column: str, order_by: str
    ) -> Callable[[list[int]], Any]:
        async def load(parent_ids: list[int]) -> Sequence[list[M]]:
            column: ColumnElement[int] = model.__table__.c[parent_column]
            order: ColumnElement[Any] = model.__table__.c[order_by]
            statement = self._scoped(model).where(column.in_(parent_ids)).order_by(order)
            async with self._context.db() as session:
                rows = (await to_completion(session.scalars(statement))).all()
            grouped: dict[int, list[M]] = defaultdict(list)
            for row in rows:
                grouped[getattr(row, parent_column)].append(row)
            return [grouped.get(parent, []) for parent in parent_ids]

        return load
