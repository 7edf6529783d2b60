"""A subscription lasts no longer than the access it was granted (issue 12, point 4).

While a subscription is open, its connection's access is checked again when the access token
expires, at once when the database announces an access change (resolvers/access.py), and every
RECHECK_SECONDS in between (what no trigger announces: a session reaching its absolute
lifetime; and an announcement missed). Once the
token has expired, its session has ended, or its user has lost a role or a legal entity the
subscription was granted with, the subscription stops taking events and the WebSocket is
closed with 4403 (graphql-transport-ws's "Forbidden"); the client signs in again (refreshes its
token) and subscribes with what it may see now. An outage closes nothing: the check is tried
again at the next interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator

from db import outage
from db.events import Event, Subscription
from domain.actors import Actor
from observability import log
from resolvers.access import next_change
from resolvers.context import Context

FORBIDDEN = 4403
# The check between announcements. It was AUTH_CACHE_SECONDS (5 s) before access changes were
# announced: 1,000 open subscriptions then spent a tenth of the API's CPU re-checking.
RECHECK_SECONDS = 30.0
# Past the token's expiry, when the expiry check wakes (timers may fire a little early).
EXPIRY_MARGIN_SECONDS = 0.01


def _refuse_all(_: Event) -> bool:
    return False


@contextlib.contextmanager
def watched(context: Context, subscription: Subscription) -> Iterator[None]:
    """`subscription` watched while the block runs (the subscription's event loop)."""
    if context.connection is None or context.credentials is None:
        yield  # not over a WebSocket with a token (in-process tests): nothing to watch
        return
    watch = asyncio.create_task(_watch(context, subscription, context.actor))
    try:
        yield
    finally:
        watch.cancel()


async def _watch(context: Context, subscription: Subscription, granted: Actor) -> None:
    while True:
        await next_change(_until_next_check(context))  # announced, or the cache's age
        try:
            if await _ended(context, granted):
                break
        except Exception:  # a fault of one check: the next one may well pass
            log.warning("subscription_access_check_failed", exc_info=True)
    subscription.accept = _refuse_all  # nothing more is queued for it
    log.info("subscription_closed", reason="access ended", user_id=granted.user_id)
    if context.connection is not None:
        with contextlib.suppress(RuntimeError):  # closed meanwhile by its client
            await context.connection.close(code=FORBIDDEN, reason="Forbidden")


def _until_next_check(context: Context) -> float:
    interval = max(context.settings.auth_cache_seconds, RECHECK_SECONDS)
    assert context.credentials is not None
    to_expiry = context.credentials.expires_at - time.time() + EXPIRY_MARGIN_SECONDS
    return max(min(interval, to_expiry), 0.0)


async def _ended(context: Context, granted: Actor) -> bool:
    """Whether the access the subscription was granted with is gone (refused, or narrower)."""
    failure = await context.check_access()
    if failure is not None:
        return failure[1] != outage.CODE
    now = context.actor
    return not (now.roles >= granted.roles and now.legal_entities >= granted.legal_entities)
