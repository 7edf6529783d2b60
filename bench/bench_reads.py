"""Read benchmark (issue 8, point 4): the API over HTTP against a hand-written baseline.

A deterministic data set (reads_data) in a scratch database; the real API served by uvicorn
with `--processes` processes, and the baseline (reads_baseline: one hand-written SQL statement
per request on asyncpg) with as many. Both answer the same GraphQL POSTs; their `data` must be
equal before anything is measured. A load generator in another process (reads_load) then sends
each scenario with `--clients` keep-alive connections, bounded by `--requests` and `--seconds`
after a warm-up. The table goes to stdout and into bench/README.md.

    .venv/bin/python bench/bench_reads.py [--reports 5000 --lines 19000 ... --clients 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from common import scratch_database
from reads_data import Fixture, Sizes, build
from reads_load import Request, Result, Spec, check_equal, run_load
from reads_report import Row, write_results
from reads_servers import REFERENCE, SETTLE_SECONDS, Server, api_label, serving, transactions
from report import server_label
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from config import Settings
from db.urls import asyncpg_url
from schema.relay import encode_id

SECRET = "bench-reads-signing-key-0123456789abcdef"  # production refuses the public default

LIST = """query Reports { expenseReports(first: 50) { edges { cursor node { id number status
currencyCode createdAt employee { id name email } lines { id lineNumber date amount salesTax total
currencyCode merchant category { id code name } project { id code name } } } }
pageInfo { hasNextPage endCursor } } }"""
NODE = """query Report($id: ID!) { node(id: $id) { id ... on ExpenseReport { number status
lines { id amount total category { code } } } } }"""
JOURNALS = """query Journals { journals(first: 20) { nodes { id number status lineCount
legalEntity { code } lines { id status voucherNumber accountingDate exchangeRate } } } }"""
SUBMIT = """mutation Submit($id: ID!) { submitExpenseReport(input: {id: $id}) {
expenseReport { id status } errors { code message } } }"""
APPROVE = """mutation Approve($id: ID!) { approveExpenseReport(input: {id: $id}) {
expenseReport { id status } errors { code message } } }"""


def body(document: str, variables: dict[str, Any] | None = None) -> str:
    operation = document.split("(")[0].split("{")[0].split()[1]
    return json.dumps({"query": document, "operationName": operation, "variables": variables})


def read_scenarios(fixture: Fixture) -> dict[str, list[list[Request]]]:
    """The read scenarios' work items: one request each, the lookups over every report."""
    ids = [encode_id("ExpenseReport", pk) for pk in fixture.report_ids]
    return {
        "a. 50-report list with lines": [[("accountant", body(LIST))]],
        "b. node(id:) report with lines": [[("accountant", body(NODE, {"id": i}))] for i in ids],
        "c. 20 journals with lines": [[("accountant", body(JOURNALS))]],
    }


def mutation_items(fixture: Fixture) -> list[list[Request]]:
    """Submit (the employee) then approve (the project manager), one Draft report each."""
    ids = [encode_id("ExpenseReport", pk) for pk in fixture.draft_ids]
    return [
        [("employee", body(SUBMIT, {"id": i})), ("manager", body(APPROVE, {"id": i}))] for i in ids
    ]


@dataclass(frozen=True)
class Load:
    db: psycopg.Connection[Any]
    tokens: dict[str, str]
    args: argparse.Namespace

    def _run(self, server: Server, items: list[list[Request]], warm: bool, cycle: bool) -> Result:
        a = self.args
        limit, seconds = (a.warmup, 3.0) if warm else (a.requests, a.seconds)
        return run_load(Spec(server.port, self.tokens, items, a.clients, limit, seconds, cycle))

    def measure(
        self, server: Server, scenario: str, items: list[list[Request]], *, cycle: bool = True
    ) -> Row:
        """A warm-up, then the measured run between two snapshots of the server's counters;
        transactions are counted over both once the backends reported them."""
        warm_items = items if cycle else items[: max(1, self.args.warmup // 2)]
        items = items if cycle else items[len(warm_items) :]
        count = transactions(self.db)
        warm = self._run(server, warm_items, True, cycle)
        before = server.snapshot(self.db)
        result = self._run(server, items, False, cycle)
        after = server.snapshot(self.db)
        for done in (warm, result):
            if done.errors:
                raise SystemExit(
                    f"{server.name}, {scenario}: {done.errors} errors, e.g.\n{done.error_sample}"
                )
        per_request = None
        if self.args.settle > 0:
            time.sleep(self.args.settle)
            per_request = (transactions(self.db) - count) / (warm.requests + result.requests)
        one = "1" if server.name == "baseline" else None  # by construction
        return Row.of(
            scenario, server.name, result, (before, after), statements=one, transactions=per_request
        )


def run(
    args: argparse.Namespace, url: str, settings: Settings, fixture: Fixture
) -> tuple[list[Row], dict[str, str]]:
    tokens = {
        "accountant": fixture.accountant_token,
        "employee": fixture.employee_token,
        "manager": fixture.manager_token,
    }
    scenarios = read_scenarios(fixture)
    rows: list[Row] = []
    with (
        psycopg.connect(url, autocommit=True) as db,
        serving("api", url, settings, args.processes) as api,
    ):
        load = Load(db, tokens, args)
        with serving("baseline", url, settings, args.processes) as baseline:
            probes = {  # ten lookups spread over the reports (every status, lines without project)
                name: [item[0] for item in items[:: max(1, len(items) // 10)]]
                for name, items in scenarios.items()
            }
            paths = check_equal(api.port, baseline.port, tokens, probes)
            time.sleep(args.settle)  # the start-up's and the probes' transactions reported
            for scenario, items in scenarios.items():
                rows += [load.measure(server, scenario, items) for server in (api, baseline)]
        with serving(REFERENCE, url, settings, args.processes) as reference:
            for scenario, items in scenarios.items():
                rows.append(load.measure(reference, scenario, items))
        mix = mutation_items(fixture)
        rows.append(load.measure(api, "d. mutation mix: submit + approve", mix, cycle=False))
    return sorted(rows, key=lambda row: row.scenario), paths


async def _build(url: str, settings: Settings, sizes: Sizes) -> Fixture:
    engine = create_async_engine(asyncpg_url(url))
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            return await build(session, settings, sizes)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    Sizes.add_arguments(parser)
    parser.add_argument("--processes", type=int, default=2, help="server processes each (2)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent connections (20)")
    parser.add_argument("--requests", type=int, default=4000, help="at most, per run (4000)")
    parser.add_argument("--seconds", type=float, default=8.0, help="at most, per run (8)")
    parser.add_argument("--warmup", type=int, default=200, help="requests before each run (200)")
    parser.add_argument(
        "--settle", type=float, default=SETTLE_SECONDS, help="wait to count transactions; 0: no"
    )
    parser.add_argument("--no-readme", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args()
    # The bench's tokens outlive its runs (15 minutes by default).
    settings = Settings(
        env="test", run_worker=False, jwt_secret=SECRET, access_token_minutes=24 * 60
    )
    sizes = Sizes.from_arguments(args)
    started = os.getloadavg()[0]
    with scratch_database(settings) as url:
        fixture = asyncio.run(_build(url, settings, sizes))
        rows, paths = run(args, url, settings, fixture)
        title = (
            f"Reads over HTTP: {sizes.reports} reports, {sizes.lines} lines, {sizes.journals}"
            f" journals; {args.processes} server processes each, {args.clients} clients;"
            f" {server_label(url)}"
        )
        notes = [
            "API read path (x-read-path): " + ", ".join(f"{s[0]} {p}" for s, p in paths.items()),
            f"API served by {api_label(args.processes)}, RUN_WORKER=false, ENV=production",
            f"load average (1 min) before the run: {started:.2f}",
        ]
        write_results(rows, title, notes, url, readme=not args.no_readme)


if __name__ == "__main__":
    main()
