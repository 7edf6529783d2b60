"""Idempotency keys of the posting mutations, as Stripe's Idempotency-Key works.

A caller may send a key with a posting. The first request with that key (per caller and
mutation) does the work and keeps its answer with the key, in the same transaction; a retry
with the same input is answered that first answer without doing the work again, and the same
key with another input is refused (CONFLICT). The input is recognised by the SHA-256 of its
canonical JSON (the key itself left out). Keys are kept at least RETENTION; the periodic
purge (jobs/idempotency.py) removes older ones.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.idempotency import IdempotencyKey
from domain.validation import require_text

MAX_KEY_LENGTH = 200  # the column's length
RETENTION = dt.timedelta(hours=24)
KEY_FIELD = ["idempotencyKey"]


@dataclass(frozen=True)
class IdempotencyRequest:
    operation: str  # the mutation's GraphQL name
    key: str
    request_hash: str


def _canonical(value: Any) -> Any:
    """JSON for the values an input holds; dates and decimals as their exact text."""
    if isinstance(value, enum.Enum):
        return _canonical(value.value)
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def request_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 of the input's canonical JSON: the same input gives the same hash."""
    text = json.dumps(_canonical(fields), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def idempotency_request(
    operation: str, key: str | None, fields: Mapping[str, Any]
) -> IdempotencyRequest | None:
    """The request's key and hash, or None without a key; an empty or too long key is
    refused before anything runs (surrounding spaces are not part of the key)."""
    if key is None:
        return None
    checked = require_text(key, KEY_FIELD, MAX_KEY_LENGTH)
    return IdempotencyRequest(operation, checked, request_hash(fields))


async def purge_expired(session: AsyncSession, now: dt.datetime) -> int:
    """Remove the keys older than RETENTION; how many were removed."""
    result = await session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.created_at < now - RETENTION)
        .returning(IdempotencyKey.id)
    )
    return len(result.all())
