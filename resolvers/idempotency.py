"""`run_mutation` with an idempotency key: the one wrapper of every mutation that takes one.

In the mutation's transaction, the key's row is inserted first. A concurrent request with the
same key then waits on the unique index until this transaction ends, and sees its answer:
never do two requests both do the work. The work runs in a savepoint after the insert and its
answer is stored on the row before the commit, so a crash leaves neither the work nor the key.
A refusal of the work is an answer too, kept like a success (as Stripe does): the savepoint
undoes the work, the row keeps the errors, and a retry with the key is refused the same way;
after fixing the cause, send a new key. Only what is refused before the work starts (an
undecodable input, a bad key, CONFLICT) and a failure at commit keep nothing.

A replay answers the same objects and errors: the value is kept as the ids of its rows (and
the figures no row holds), rebuilt by the mutation's Codec, and its rows are read as they
are now, since a GraphQL client picks the fields it wants anew with every request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import inspect, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base
from db.models.idempotency import IdempotencyKey
from domain.actors import Actor
from domain.errors import DomainError, DomainErrors, ErrorCode
from domain.idempotency import KEY_FIELD, IdempotencyRequest
from resolvers.context import Context
from resolvers.mutations import Outcome, refusal, run_mutation

T = TypeVar("T")
R = TypeVar("R", bound=Base)
Operation = Callable[[AsyncSession, Actor], Awaitable[T]]


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How a mutation's value is kept with its key (JSON) and rebuilt for a replay."""

    dump: Callable[[T], dict[str, Any]]
    load: Callable[[AsyncSession, dict[str, Any]], Awaitable[T]]


def row_id(row: Base) -> int:
    identity = inspect(row).identity
    assert identity is not None, "a mutation answers flushed rows"
    return int(identity[0])


def row_codec(model: type[R]) -> Codec[R]:
    """A value that is one row: kept as its id."""

    async def load(session: AsyncSession, data: dict[str, Any]) -> R:
        return await session.get_one(model, data["id"])

    return Codec(dump=lambda row: {"id": row_id(row)}, load=load)


async def run_idempotent(
    context: Context,
    request: IdempotencyRequest | None,
    operation: Operation[T],
    codec: Codec[T],
) -> Outcome[T]:
    """`run_mutation(context, operation)`, answered once per key (see the module)."""
    if request is None:
        return await run_mutation(context, operation)

    async def keyed(session: AsyncSession, actor: Actor) -> Outcome[T]:
        stored = await _claim(session, actor.user_id, request)
        if stored is not None:
            return await _replay(session, stored, request, codec)
        outcome = await _attempt(session, actor, operation)
        await _keep(session, actor.user_id, request, _answer(outcome, codec))
        return outcome

    answered = await run_mutation(context, keyed)
    return answered.value if answered.value is not None else Outcome(errors=answered.errors)


def _same_key(user_id: int, request: IdempotencyRequest) -> list[Any]:
    return [
        IdempotencyKey.user_id == user_id,
        IdempotencyKey.operation == request.operation,
        IdempotencyKey.key == request.key,
    ]


async def _claim(
    session: AsyncSession, user_id: int, request: IdempotencyRequest
) -> IdempotencyKey | None:
    """None when the key is now ours (its row inserted, the answer still to come), else the
    row of the request that had it first, once that request's transaction has committed."""
    while True:
        inserted = await session.scalar(
            insert(IdempotencyKey)
            .values(
                user_id=user_id,
                operation=request.operation,
                key=request.key,
                request_hash=request.request_hash,
                response={},
            )
            .on_conflict_do_nothing(index_elements=["user_id", "operation", "key"])
            .returning(IdempotencyKey.id)
        )
        if inserted is not None:
            return None
        stored = await session.scalar(select(IdempotencyKey).where(*_same_key(user_id, request)))
        if stored is not None:
            return stored
        # Purged between the two statements (it was past its retention): claim it anew.


async def _attempt(session: AsyncSession, actor: Actor, operation: Operation[T]) -> Outcome[T]:
    """The work in a savepoint: a refusal undoes the work but not the key's row."""
    savepoint = await session.begin_nested()
    try:
        value = await operation(session, actor)
        await savepoint.commit()
    except (DomainError, DomainErrors, DBAPIError) as exc:
        await savepoint.rollback()
        errors = refusal(exc)
        if errors is None:
            raise
        return Outcome(errors=errors)
    return Outcome(value=value)


def _answer(outcome: Outcome[T], codec: Codec[T]) -> dict[str, Any]:
    errors = [
        {"code": error.code.value, "message": error.message, "field": error.field}
        for error in outcome.errors
    ]
    value = codec.dump(outcome.value) if outcome.value is not None else None
    return {"value": value, "errors": errors}


async def _keep(
    session: AsyncSession, user_id: int, request: IdempotencyRequest, answer: dict[str, Any]
) -> None:
    await session.execute(
        update(IdempotencyKey).where(*_same_key(user_id, request)).values(response=answer)
    )


async def _replay(
    session: AsyncSession, stored: IdempotencyKey, request: IdempotencyRequest, codec: Codec[T]
) -> Outcome[T]:
    """The first answer to the key; the key with another input is refused (nothing done)."""
    if stored.request_hash != request.request_hash:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"The idempotency key {request.key!r} was already used with another input of "
            f"{request.operation}; nothing was done. Send a new key for a new request.",
            KEY_FIELD,
        )
    answer = stored.response
    errors = [
        DomainError(ErrorCode(error["code"]), error["message"], error["field"])
        for error in answer["errors"]
    ]
    if errors:
        return Outcome(errors=errors)
    return Outcome(value=await codec.load(session, answer["value"]))
