"""Strict JSON for what clients send (HTTP bodies, GET parameters, WebSocket messages).

Python's json module takes more than a GraphQL server should: NaN and Infinity, 1e999 (an
infinite float), numbers it then cannot convert (over 4,300 digits: ValueError), nesting
that exhausts the recursion limit (RecursionError), bytes that are not UTF-8 and escaped lone
surrogates (a string that cannot be encoded again: asyncpg, hashing and logging then fail deep
inside a request). Each of these is refused here, before anything else reads the request, as
MalformedJson.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# Deeper than any input of the schema nests (an input object's list of objects is 3 levels),
# and far below the recursion limit of json and graphql-core's coercion.
MAX_JSON_DEPTH = 64
# No value of the schema needs more (an Int has 10 digits, a Decimal amount 19).
MAX_NUMBER_DIGITS = 100

# A JSON string, escapes included (the unrolled form: fast on long documents).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_OPENING = frozenset(b"[{")
_LONG_NUMBER = re.compile(rb"[0-9]{%d}" % (MAX_NUMBER_DIGITS + 1))
# An escaped UTF-16 surrogate: only such a request can hold a lone one (UTF-8 cannot).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class MalformedJson(json.JSONDecodeError):
    """A request that is not strict JSON (a JSONDecodeError, so strawberry's WebSocket
    handler closes the socket with 4400 for it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "", 0)
        self.message = message

    def __str__(self) -> str:
        return self.message


def loads(data: bytes | str) -> Any:
    """The JSON value of `data`, or MalformedJson saying what is wrong with it."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedJson(f"The request is not UTF-8 (byte {error.start}).") from error
    outside_strings = _STRING.sub(b"", raw)
    if _depth_over(outside_strings, MAX_JSON_DEPTH):
        raise MalformedJson(f"The JSON nests deeper than {MAX_JSON_DEPTH} levels.")
    if _LONG_NUMBER.search(outside_strings):
        raise MalformedJson(f"A number of the JSON has more than {MAX_NUMBER_DIGITS} digits.")
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except MalformedJson:
        raise
    except (ValueError, RecursionError) as error:  # ValueError: also too many digits
        raise MalformedJson(f"The request is not valid JSON: {error}") from error
    if _SURROGATE_ESCAPE.search(text) and not _encodable(value):
        raise MalformedJson("The JSON holds a lone UTF-16 surrogate, which is not text.")
    return value


def _no_constant(name: str) -> Any:
    raise MalformedJson(f"{name} is not a JSON number.")


def _finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):
        raise MalformedJson(f"{number[:20]} is out of the range of a number.")
    return value


def _depth_over(outside_strings: bytes, limit: int) -> bool:
    """Whether the brackets (outside strings) nest deeper than `limit`: a scan of the text
    that needs no recursion, run before json.loads recurses."""
    brackets = outside_strings.translate(None, _NOT_BRACKETS)
    if len(brackets) <= limit:
        return False
    depth = 0
    for bracket in brackets:
        depth += 1 if bracket in _OPENING else -1
        if depth > limit:
            return True
    return False


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
