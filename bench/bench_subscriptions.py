"""Subscription benchmark (issue 12): status changes fanned out to many idle subscribers.

The API served as `cli.py run` serves it (`--processes` uvicorn processes on one database, the
default pool); `--subscribers` graphql-transport-ws connections, each with one
`journalStatusChanges` subscription, from `--client-processes` processes of their own
(subscriptions_clients.py), spread over `--users` accountants. This process then commits
`--events` journal status changes, one UPDATE each `--interval` seconds (another process than
the servers and the subscribers, as a worker would), and every subscriber notes when each one
arrives: latency is from the moment the UPDATE (autocommit: the commit) was sent to the
moment the subscriber read the message. While the subscribers are open, an ordinary query
must answer at once and no backend of the API may be idle in a transaction. Memory: the API
processes' RSS before, with the subscribers open, after they disconnected, and over a second
open/close cycle (freed memory is reused: the second cycle does not grow). Baseline: the same
events received by `--baseline-listeners` raw asyncpg connections, each LISTENing itself (a
backend per subscriber: PostgreSQL's max_connections, 100 by default, keeps them few).

    .venv/bin/python bench/bench_subscriptions.py [--subscribers 1000 --events 30 ...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from typing import Any

import psycopg
import subscriptions_setup as subscriptions
from common import scratch_database
from reads_servers import Server, api_label, serving
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from subscriptions_report import Figures, Latency, write_results
from subscriptions_setup import (
    Clients,
    Fixture,
    build,
    open_subscriptions,
    rss_mb,
    sockets,
    tree_cpu_seconds,
    wait_for_subscriptions,
)

from config import Settings
from db.events import CHANNEL
from db.urls import asyncpg_url
from schema.relay import decode_id

SECRET = "bench-subscriptions-signing-key-0123456789"
SUBSCRIPTION = "subscription { journalStatusChanges { typeName id status } }"
# After a disconnect: the API collects the closed sockets' garbage 2 s after the first close.
SETTLE_SECONDS = 4
IDLE_IN_TRANSACTION = """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
    AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"""


def produce(
    db: psycopg.Connection[Any], journal_ids: list[int], status: str, pause: float
) -> dict[int, float]:
    """One committed status change per journal; when each was sent (time.monotonic())."""
    sent = {}
    for journal_id in journal_ids:
        time.sleep(pause)
        sent[journal_id] = time.monotonic()
        db.execute("UPDATE journal SET status = %s WHERE id = %s", (status, journal_id))
    time.sleep(2)  # the last deliveries
    return sent


def _open(api: Server, spec: dict[str, Any], tokens: list[str], processes: int) -> Clients:
    clients = Clients(spec, tokens, processes)
    wait_for_subscriptions(api.port, len(tokens))
    time.sleep(2)
    return clients


def _events(
    db: psycopg.Connection[Any],
    api: Server,
    clients: Clients,
    journal_ids: list[int],
    status: str,
    args: argparse.Namespace,
) -> Latency:
    """The events, received by `clients`, which are then closed."""
    seconds = len(journal_ids) * args.interval
    profile = subscriptions.profile(api.pid, seconds, args.profile, args.py_spy)
    cpu = (tree_cpu_seconds(api.pid), clients.cpu_seconds())
    sent = produce(db, journal_ids, status, args.interval)
    cpu = (tree_cpu_seconds(api.pid) - cpu[0], clients.cpu_seconds() - cpu[1])
    for process in profile:
        process.wait()
    receipts, errors = clients.close()
    for sample in errors[:3]:
        print("subscriber error:", sample)
    wait_for_subscriptions(api.port, 0)
    return Latency.of(receipts, sent, lambda key: decode_id(key, "Journal"), len(errors), cpu)


def measure_api(
    db: psycopg.Connection[Any], api: Server, fixture: Fixture, args: argparse.Namespace
) -> tuple[list[Latency], Figures]:
    """Subscribers offering permessage-deflate (as browsers do), their memory, the pool while
    they are open, a second cycle; then the events again to subscribers without it."""
    spec = {"mode": "ws", "port": api.port, "query": SUBSCRIPTION, "field": "journalStatusChanges"}
    tokens = [fixture.tokens[i % len(fixture.tokens)] for i in range(args.subscribers)]
    time.sleep(1)
    rss = {"before": rss_mb(api.pid)}
    sockets_before = sockets(api.pid)
    clients = _open(api, {**spec, "deflate": True}, tokens, args.client_processes)
    rss["open"] = rss_mb(api.pid)
    spread = [n - sockets_before.get(pid, 0) for pid, n in sockets(api.pid).items()]
    query_ms = subscriptions.ordinary_query_ms(api.port, fixture.tokens[0])
    (idle,) = db.execute(IDLE_IN_TRANSACTION).fetchone() or (0,)
    deflated = _events(db, api, clients, fixture.journal_ids, "processing", args)
    time.sleep(SETTLE_SECONDS)
    rss["closed"] = rss_mb(api.pid)
    _open(api, {**spec, "deflate": True}, tokens, args.client_processes).close()
    wait_for_subscriptions(api.port, 0)
    time.sleep(SETTLE_SECONDS)
    rss["reclosed"] = rss_mb(api.pid)
    figures = Figures(
        rss=rss,
        spread=sorted(n for n in spread if n > args.subscribers // (4 * args.processes)),
        ordinary_query_ms=query_ms,
        idle_in_transaction=int(idle),
        open_after_close=open_subscriptions(api.port),
    )
    args.profile = None  # one profile is enough
    plain = _open(api, {**spec, "deflate": False}, tokens, args.client_processes)
    return [deflated, _events(db, api, plain, fixture.journal_ids, "draft", args)], figures


def measure_baseline(
    db: psycopg.Connection[Any], url: str, fixture: Fixture, args: argparse.Namespace
) -> Latency:
    spec = {"mode": "listen", "url": url, "channel": CHANNEL}
    listeners = Clients(spec, [""] * args.baseline_listeners, args.processes)
    cpu = listeners.cpu_seconds()
    sent = produce(db, fixture.journal_ids, "processing", args.interval)
    cpu = listeners.cpu_seconds() - cpu
    receipts, errors = listeners.close()
    return Latency.of(receipts, sent, int, len(errors), (None, cpu))


async def _build(url: str, settings: Settings, users: int, events: int) -> Fixture:
    engine = create_async_engine(asyncpg_url(url))
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            return await build(session, settings, users, events)
    finally:
        await engine.dispose()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add = parser.add_argument
    add("--subscribers", type=int, default=1000, help="WebSocket subscribers (1000)")
    add("--users", type=int, default=100, help="their users, round robin (100)")
    add("--events", type=int, default=30, help="status changes committed (30)")
    add("--interval", type=float, default=0.5, help="seconds between two changes (0.5)")
    add("--processes", type=int, default=2, help="API processes (2)")
    add("--client-processes", type=int, default=4, help="processes of subscribers (4)")
    add("--baseline-listeners", type=int, default=50, help="raw LISTEN connections (50)")
    add("--profile", help="a directory: py-spy records the API processes during the events")
    add("--py-spy", default="py-spy", help="the py-spy executable (with --profile)")
    add("--no-readme", action="store_true", help="leave bench/README.md alone")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    # The subscribers' access tokens outlive the run (a subscription ends at its token's
    # expiry).
    settings = Settings(
        env="test", run_worker=False, jwt_secret=SECRET, access_token_minutes=24 * 60
    )
    load = os.getloadavg()[0]
    with scratch_database(settings) as url:
        fixture = asyncio.run(_build(url, settings, args.users, args.events))
        with psycopg.connect(url, autocommit=True) as db:
            with serving("api", url, settings, args.processes) as api:
                ours, figures = measure_api(db, api, fixture, args)
            baseline = measure_baseline(db, url, fixture, args)
        notes = [
            f"API served by {api_label(args.processes)}, RUN_WORKER=false, ENV=production,"
            f" default pool (DB_POOL_SIZE={settings.db_pool_size} + as many overflow)",
            f"{args.subscribers} subscribers from {args.client_processes} processes,"
            f" {args.users} users; {args.events} events, one each {args.interval} s",
            f"load average (1 min) before the run: {load:.2f}",
        ]
        write_results(args, ours, baseline, figures, notes, url)


if __name__ == "__main__":
    main()
