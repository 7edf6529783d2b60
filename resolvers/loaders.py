"""Per-request DataLoaders: one statement per batch, scoped to the caller's legal entities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import aliased
from strawberry.dataloader import DataLoader

from db.base import Base

if TYPE_CHECKING:
    from resolvers.context import Context

M = TypeVar("M", bound=Base)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


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
        self, model: type[M], parent_column: str, order_by: str = "id", first: int | None = None
    ) -> DataLoader[int, list[M]]:
        """Rows whose `parent_column` is in the batch of parent ids, in `order_by` order (then
        id); with `first`, the first `first` of each parent's (a nested list's bound)."""
        key = ("children", model, parent_column, order_by, first)
        if key not in self._loaders:
            self._loaders[key] = DataLoader(
                load_fn=self._children_batch(model, parent_column, order_by, first)
            )
        return self._loaders[key]

    def batch(
        self, key: Hashable, load: Callable[[list[K]], Awaitable[Sequence[V]]]
    ) -> DataLoader[K, V]:
        """A loader of a resolver's own batch function (a sum per account, say), one per
        `key` per request; `load` answers a value per key, in the keys' order."""
        if key not in self._loaders:
            self._loaders[key] = DataLoader(load_fn=load)
        loader: DataLoader[K, V] = self._loaders[key]
        return loader

    def _scoped(self, model: type[M]) -> Select[Any]:
        from domain.scope import visible_rows

        statement = select(model)
        visible = visible_rows(model, self._context.actor)
        return statement if visible is None else statement.where(visible)

    def _by_id_batch(self, model: type[M]) -> Callable[[list[int]], Any]:
        async def load(ids: list[int]) -> Sequence[M | None]:
            id_column: ColumnElement[int] = model.__table__.c.id
            statement = self._scoped(model).where(id_column.in_(ids))
            rows: Sequence[Any] = (await self._context.read(lambda s: s.scalars(statement))).all()
            found = {row.id: row for row in rows}
            return [found.get(item) for item in ids]

        return load

    def _children_batch(
        self, model: type[M], parent_column: str, order_by: str, first: int | None
    ) -> Callable[[list[int]], Any]:
        async def load(parent_ids: list[int]) -> Sequence[list[M]]:
            statement = self._children_of(model, parent_column, order_by, first, parent_ids)
            rows = (await self._context.read(lambda s: s.scalars(statement))).all()
            grouped: dict[int, list[M]] = defaultdict(list)
            for row in rows:
                grouped[getattr(row, parent_column)].append(row)
            return [grouped.get(parent, []) for parent in parent_ids]

        return load

    def _children_of(
        self,
        model: type[M],
        parent_column: str,
        order_by: str,
        first: int | None,
        parents: list[int],
    ) -> Select[Any]:
        """One statement for the batch; with `first`, each parent's rows numbered in order and
        only the first `first` of them read (a window, so one statement still serves all)."""
        columns = model.__table__.c
        # Then id, for a deterministic order (a mapping row may have no id of its own).
        order = [columns[name] for name in dict.fromkeys([order_by, "id"]) if name in columns]
        statement = self._scoped(model).where(columns[parent_column].in_(parents))
        if first is None:
            return statement.order_by(*order)
        place = func.row_number().over(partition_by=columns[parent_column], order_by=order)
        ranked = statement.add_columns(place.label("place__")).subquery()
        row = aliased(model, ranked)
        return (
            select(row)
            .where(ranked.c.place__ <= first)
            .order_by(*(ranked.c[column.name] for column in order))
        )
