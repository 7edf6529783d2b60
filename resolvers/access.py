"""Who calls, as the database says now: the one way both read paths (compiler/asgi.py and
strawberry's, resolvers/context.py) turn a verified access token into an Actor.

A token names its session (`sid`); the session must be open (not revoked, within its absolute
lifetime) and the Actor gets its user's roles and legal entities from the database, not from
the token's claims. What was read is kept per token for AUTH_CACHE_SECONDS in this process, so
a request costs no statement while it is fresh. A revocation or a changed right is announced
by the database (migration 0010) to every process's event listener, which hands it to
`forget_change`: each process forgets that session's or user's entries at once, and wakes the
subscriptions' access watches (resolvers/access_watch.py) to check again. Should an
announcement be missed, the cache still ends within AUTH_CACHE_SECONDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from domain.actors import Actor
from domain.session_access import session_actor
from resolvers.auth import AccessToken, AuthenticationError, bearer_token, verify_token

# Opens a session for the check and closes it after (an async context manager).
OpenSession = Callable[[], AbstractAsyncContextManager[AsyncSession]]

ENDED = "The session of this token has ended (signed out, revoked or past its lifetime)."
EXPIRED = "The token has expired."


@dataclass(frozen=True)
class _Checked:
    session_id: uuid.UUID
    user_id: int
    actor: Actor | None  # None: refused (an ended session stays ended)
    at: float  # time.monotonic()


_CHECKED: OrderedDict[str, _Checked] = OrderedDict()
CHECKED_TOKENS = 10_000


async def authenticate(
    settings: Settings, token: str, claims: AccessToken, sessions: OpenSession
) -> Actor:
    """The Actor of a verified token (`claims` of `token`), or AuthenticationError. A
    database outage is raised as it is: the caller answers SERVICE_UNAVAILABLE."""
    if claims.expired:
        raise AuthenticationError(EXPIRED)
    checked = _CHECKED.get(token)
    if checked is None or time.monotonic() - checked.at >= settings.auth_cache_seconds:
        checked = await _check(token, claims, sessions)
    else:
        _CHECKED.move_to_end(token)
    if checked.actor is None:
        raise AuthenticationError(ENDED)
    return checked.actor


async def _check(token: str, claims: AccessToken, sessions: OpenSession) -> _Checked:
    now = dt.datetime.now(dt.UTC)
    async with sessions() as session:
        actor = await session_actor(session, claims.session_id, now)
    if actor is not None and actor.user_id != claims.user_id:
        actor = None  # a token signed for another user of the session: never minted by us
    checked = _Checked(claims.session_id, claims.user_id, actor, time.monotonic())
    _CHECKED[token] = checked
    while len(_CHECKED) > CHECKED_TOKENS:
        _CHECKED.popitem(last=False)
    return checked


async def actor_from_header(
    settings: Settings, authorization: str | None, sessions: OpenSession
) -> Actor | None:
    """None when no credentials were sent; AuthenticationError when they are bad or their
    session has ended."""
    token = bearer_token(authorization)
    if token is None:
        return None
    return await authenticate(settings, token, verify_token(settings, token), sessions)


def forget_change(change: str) -> None:
    """An access change announced by the database (db/events.ACCESS_CHANNEL): forget it
    here and wake the access watches. Anything unreadable forgets everything."""
    kind, _, key = change.partition(":")
    if kind == "session" and _is_uuid(key):
        forget_session(uuid.UUID(key))
    elif kind == "user" and key.isdigit():
        forget_user(int(key))
    else:
        _CHECKED.clear()
    for waiter in list(_WAITERS):
        if not waiter.done():
            waiter.set_result(None)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


_WAITERS: set[asyncio.Future[None]] = set()


async def next_change(seconds: float) -> None:
    """Return at the next announced access change, or after `seconds`."""
    waiter = asyncio.get_running_loop().create_future()
    _WAITERS.add(waiter)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiter, seconds)
    finally:
        _WAITERS.discard(waiter)


def forget_session(session_id: uuid.UUID) -> None:
    """A session was revoked here: its tokens stop working in this process at once."""
    _forget(lambda checked: checked.session_id == session_id)


def forget_user(user_id: int) -> None:
    """A user's sessions were revoked, or their rights changed, here."""
    _forget(lambda checked: checked.user_id == user_id)


def _forget(matches: Callable[[_Checked], bool]) -> None:
    for token in [token for token, checked in _CHECKED.items() if matches(checked)]:
        del _CHECKED[token]
