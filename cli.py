"""Command line: `python cli.py run | migrate | worker | token <email> | demo | print-schema`.

Every command reads the same configuration (config.Settings). Without DATABASE_URL the
embedded PostgreSQL is started inside this process and lives exactly as long as it does,
so `run` keeps it up for as long as its API and worker processes serve: it hands them the
server's URL, and they never start or stop it themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging.config
import os
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from config import PROJECT_ROOT, Settings, get_settings
from db.migrate import is_at_head, upgrade
from db.urls import libpq_url
from logs import stdlib_config

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from resolvers.sessions import IssuedTokens

T = TypeVar("T")
# Seconds the job worker gets to stop after SIGTERM: its grace period for running jobs
# (jobs.worker.SHUTDOWN_GRACE_SECONDS), and a little more to close its connections.
WORKER_STOP_SECONDS = 15.0


async def _in_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """One short-lived engine and transaction for a command; committed when `work` succeeds."""
    from db.session import make_engine, make_session_factory

    engine = make_engine(settings)
    try:
        async with make_session_factory(engine)() as session:
            result = await work(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


def migrate(settings: Settings) -> None:
    upgrade(libpq_url(settings))


def load_demo(settings: Settings) -> bool:
    from demo import load_demo as load

    return asyncio.run(_in_session(settings, load))


def _graphiql_address(settings: Settings) -> str:
    # A server bound to every interface is still reached through the loopback locally.
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    return f"http://{host}:{settings.port}/graphql"


def _print_banner(settings: Settings) -> None:
    from demo import demo_tokens

    tokens = asyncio.run(_in_session(settings, lambda session: demo_tokens(session, settings)))
    lines = [
        f"GraphiQL: {_graphiql_address(settings)}",
        "",
        "Demo sessions: send the access token as 'Authorization: Bearer <token>'; it lasts"
        f" {settings.access_token_minutes:g} minutes, then trade the refresh token for new ones"
        " with the refreshToken mutation (README, Tokens), for up to"
        f" {settings.session_days:g} days; `make token USER_EMAIL=...` signs in again:",
    ]
    for item in tokens:
        lines.append(
            f"  {item.email}  roles: {', '.join(item.roles)}"
            f"  legal entities: {', '.join(item.legal_entities)}"
        )
        lines.append(f"    access:  {item.token}")
        lines.append(f"    refresh: {item.refresh_token}")
    print("\n".join(lines), flush=True)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """uvicorn re-raises SIGTERM after its graceful shutdown. Python's default action would
    kill the process without running the atexit hooks, and one of them stops the embedded
    PostgreSQL; exiting through SystemExit runs them."""
    raise SystemExit(128 + signum)


def api_app() -> Starlette:
    """uvicorn's app factory, called in every API process: the app without a job worker
    (`run` starts one process for jobs, not one worker per API process), then the garbage
    collector set for serving, now that the imports and the app are built."""
    from app import create_app
    from observability import tune_gc
    from tracing import configure_tracing

    settings = get_settings()
    configure_tracing(settings)  # with OTEL_EXPORTER_OTLP_ENDPOINT: this process's exporter
    app = create_app(settings.model_copy(update={"run_worker": False}))
    tune_gc()
    return app


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How `run` serves: WEB_CONCURRENCY processes, each building its app with api_app (more
    than one process needs the app as an import string and a factory)."""
    return {
        "app": "cli:api_app",
        "factory": True,
        "workers": settings.web_concurrency,
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        # Its records through structlog's formatter: JSON lines outside development, as the
        # API's own (logs.py), rather than uvicorn's plain text.
        "log_config": stdlib_config(settings.is_development),
        # One unstructured line per request cost a twentieth of a compiled read's CPU: kept
        # for development, where a person watches the terminal; the API logs its own events.
        "access_log": settings.is_development,
        # A process answers the supervisor's health checks from its first seconds; on a busy
        # machine that took longer than uvicorn's 5 s, and it was killed and started again.
        "timeout_worker_healthcheck": 30,
        # No permessage-deflate: a status event is a few hundred bytes, and compressing it
        # for each of a thousand subscribers cost more CPU than sending it (issue 12's
        # delivery latency), besides a compressor's memory kept per socket.
        "ws_per_message_deflate": False,
    }


@contextlib.contextmanager
def _job_worker(settings: Settings) -> Iterator[None]:
    """One `cli.py worker` process beside the API processes, started again whenever it dies
    (jobs/worker_process.py), and stopped (gracefully, then killed) when the block ends."""
    if not settings.run_worker:
        yield
        return
    from jobs.worker_process import WorkerProcess

    worker = WorkerProcess(
        [sys.executable, str(PROJECT_ROOT / "cli.py"), "worker"], stop_seconds=WORKER_STOP_SECONDS
    )
    worker.start()
    try:
        yield
    finally:
        worker.stop()


@contextlib.contextmanager
def _shared_metrics() -> Iterator[None]:
    """The API processes write their metrics into one folder, so that /metrics, answered by
    any one of them, sums them all (prometheus_client's multiprocess mode); an operator's own
    PROMETHEUS_MULTIPROC_DIR is kept."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="projops-metrics-") as folder:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


def prepare(settings: Settings) -> None:
    """What `run` does before it serves: migrate; then, except in production, load the demo
    data and print a session per demo user. A production database gets no demo users (their
    e-mails are public) and its log no tokens."""
    migrate(settings)
    if settings.is_production:
        # A log line like every other of a production process: one JSON object.
        serving = {
            "event": "api_serving",
            "address": _graphiql_address(settings),
            "demo_data": False,
            "introspection": settings.introspection_enabled,
            "graphiql": settings.graphiql_enabled,
        }
        print(json.dumps(serving), flush=True)
        return
    load_demo(settings)
    _print_banner(settings)


def run(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    prepare(settings)
    # The processes started below read the database from the environment: the URL of the
    # embedded server this process started, when there is no DATABASE_URL.
    os.environ["DATABASE_URL"] = libpq_url(settings)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with _job_worker(settings), _shared_metrics():
            uvicorn.run(**uvicorn_options(settings))
    except KeyboardInterrupt:  # Ctrl-C, re-raised by uvicorn once it has shut down
        return 130
    return 0


def migrate_command(settings: Settings, args: argparse.Namespace) -> int:
    migrate(settings)
    print("Database migrated to head.")
    return 0


def demo_command(settings: Settings, args: argparse.Namespace) -> int:
    migrate(settings)
    loaded = load_demo(settings)
    print("Demo data loaded." if loaded else "Demo data is there already; nothing changed.")
    return 0


def worker(settings: Settings, args: argparse.Namespace) -> int:
    """A job worker in its own process; it needs the schema that `make migrate` creates."""
    if not is_at_head(libpq_url(settings)):
        print("The database is not migrated to head: run `make migrate` first.", file=sys.stderr)
        return 1
    # Imported lazily: the other commands need not load procrastinate.
    from jobs.worker import run_worker
    from observability import configure_logging

    configure_logging(settings.is_development)
    logging.config.dictConfig(stdlib_config(settings.is_development))  # procrastinate's too
    # Ctrl-C is the normal way to stop a foreground worker, not an error.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run_worker(
                settings,
                queues=args.queues,
                concurrency=args.concurrency or None,  # default: JOBS_CONCURRENCY
            )
        )
    return 0


async def _sign_in(session: AsyncSession, settings: Settings, email: str) -> IssuedTokens | None:
    from db.models.master_data import AppUser
    from resolvers.sessions import sign_in

    user_id = await session.scalar(select(AppUser.id).where(AppUser.email == email))
    if user_id is None:
        return None
    return await sign_in(session, settings, user_id)


def token(settings: Settings, args: argparse.Namespace) -> int:
    """Sign a user in: a new session's access token and refresh token, one per line as shell
    assignments (`eval "$(python cli.py token ...)"`), their lifetimes on stderr."""
    from demo import DEMO_USERS

    known = ", ".join(user.email for user in DEMO_USERS)
    if not args.email:
        print(f"Name the user: make token USER_EMAIL=<email> (demo: {known}).", file=sys.stderr)
        return 2
    issued = asyncio.run(_in_session(settings, lambda s: _sign_in(s, settings, args.email)))
    if issued is None:
        print(f"No user with email {args.email!r} (demo: {known}).", file=sys.stderr)
        return 1
    print(f"ACCESS_TOKEN={issued.access_token}")
    print(f"REFRESH_TOKEN={issued.refresh_token}")
    print(
        f"# The access token works until {issued.access_token_expires_at:%Y-%m-%d %H:%M:%S} UTC;"
        " trade the refresh token for new ones (the refreshToken mutation) until the session"
        f" ends at {issued.session_expires_at:%Y-%m-%d %H:%M:%S} UTC.",
        file=sys.stderr,
    )
    return 0


def print_schema(settings: Settings, args: argparse.Namespace) -> int:
    from schema import schema

    print(schema.as_str())
    return 0


COMMANDS: dict[str, tuple[Callable[[Settings, argparse.Namespace], int], str]] = {
    "run": (run, "migrate, load the demo data and print tokens (not in production), serve"),
    "migrate": (migrate_command, "upgrade the database to the latest migration"),
    "worker": (worker, "run a job worker process"),
    "token": (token, "sign a user in, print an access and a refresh token: token <email>"),
    "demo": (demo_command, "load the demo data (once; running it again changes nothing)"),
    "print-schema": (print_schema, "print the GraphQL schema (SDL)"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="projops", description="projops: project-operations finance API"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        command = commands.add_parser(name, help=help_text)
        if name == "token":
            command.add_argument("email", nargs="?", default="")
        if name == "worker":
            command.add_argument("--queue", action="append", dest="queues", help="repeatable")
            command.add_argument("--concurrency", type=int, default=0, help="parallel jobs")
    args = parser.parse_args(argv)
    handler, _ = COMMANDS[args.command]
    try:
        settings = get_settings()
    except ValidationError as error:  # ENV=production with the public JWT_SECRET, say
        problems = "; ".join(
            str(problem["msg"]).removeprefix("Value error, ") for problem in error.errors()
        )
        print(f"The configuration is refused: {problems}", file=sys.stderr)
        return 2
    return handler(settings, args)


if __name__ == "__main__":
    sys.exit(main())
