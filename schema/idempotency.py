"""The `idempotencyKey` of the posting mutations' inputs (domain/idempotency.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

from domain.idempotency import IdempotencyRequest, idempotency_request
from resolvers.context import Info

IDEMPOTENCY_KEY = (
    "Optional, at most 200 characters, yours to choose (a UUID, say). Resent with the same "
    "input within 24 hours, it answers the first answer again (a refusal too) without doing "
    "the work twice; with another input it is refused with CONFLICT and nothing is done."
)


def idempotency_of(info: Info, input: Any) -> IdempotencyRequest | None:
    """The key of a mutation's input (a strawberry input with an `idempotency_key`) and the
    hash of the rest of the input, for the mutation being resolved."""
    fields = {
        field.name: getattr(input, field.name)
        for field in dataclasses.fields(input)
        if field.name != "idempotency_key"
    }
    return idempotency_request(info.field_name, input.idempotency_key, fields)
