"""The read benchmark's table: printed like report.py's, and kept in bench/README.md with the
machine it was measured on (between markers, so the file may hold other benchmarks too)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
from reads_load import Result
from reads_servers import REFERENCE, Snapshot

README = Path(__file__).resolve().parent / "README.md"
BEGIN, END = "<!-- bench_reads:begin -->", "<!-- bench_reads:end -->"
COLUMNS = (
    ("scenario", "<34"),
    ("server", "<17"),
    ("req/s", ">8"),
    ("p50 ms", ">8"),
    ("p99 ms", ">8"),
    ("SQL/req", ">8"),
    ("tx/req", ">7"),
    ("CPU ms/req", ">11"),
    ("DB CPU ms/req", ">14"),
    ("RSS MB/process", ">15"),
    ("ours/base", ">10"),
)


@dataclass(frozen=True)
class Row:
    scenario: str
    server: str
    per_second: float
    p50_ms: float
    p99_ms: float
    sql: str
    tx: str
    cpu_ms: float
    db_cpu_ms: float | None
    peak_rss_mb: float
    ratio: str = ""

    @classmethod
    def of(
        cls,
        scenario: str,
        server: str,
        result: Result,
        snapshots: tuple[Snapshot, Snapshot],
        *,
        statements: str | None,
        transactions: float | None,
    ) -> Row:
        """`statements` overrides the counter (the baseline's one statement by construction)."""
        before, after = snapshots
        n = max(result.requests, 1)
        if statements is None and before.statements is not None and after.statements is not None:
            statements = f"{(after.statements - before.statements) / n:.1f}"
        db_cpu = [
            seconds - before.db_cpu_seconds.get(pid, 0.0)
            for pid, seconds in after.db_cpu_seconds.items()
        ]
        return cls(
            scenario=scenario,
            server=server,
            per_second=result.per_second,
            p50_ms=result.p50_ms,
            p99_ms=result.p99_ms,
            sql=statements or "n/a",
            tx=f"{transactions:.1f}" if transactions is not None else "n/a",
            cpu_ms=(after.cpu_seconds - before.cpu_seconds) * 1000 / n,
            db_cpu_ms=sum(db_cpu) * 1000 / n if any(after.db_cpu_seconds.values()) else None,
            peak_rss_mb=after.peak_rss_mb,
        )

    def cells(self) -> tuple[str, ...]:
        db_cpu = f"{self.db_cpu_ms:.2f}" if self.db_cpu_ms is not None else "n/a"
        return (
            *(self.scenario, self.server, f"{self.per_second:.0f}", f"{self.p50_ms:.1f}"),
            *(f"{self.p99_ms:.1f}", self.sql, self.tx, f"{self.cpu_ms:.2f}", db_cpu),
            *(f"{self.peak_rss_mb:.0f}", self.ratio),
        )


def with_ratios(rows: list[Row]) -> list[Row]:
    """ours/baseline req/s on each of the API's rows; n/a without a baseline."""
    baseline = {row.scenario: row.per_second for row in rows if row.server == "baseline"}
    out = []
    for row in rows:
        if row.server != "baseline":
            base = baseline.get(row.scenario)
            row = dataclasses.replace(row, ratio=f"{row.per_second / base:.2f}" if base else "n/a")
        out.append(row)
    return out


def table(rows: list[Row]) -> list[str]:
    def line(cells: tuple[str, ...]) -> str:
        return "".join(f"{cell:{spec}}" for cell, (_, spec) in zip(cells, COLUMNS, strict=True))

    return [line(tuple(name for name, _ in COLUMNS)), *(line(row.cells()) for row in rows)]


def machine(url: str) -> list[str]:
    """Date, CPU, Python and PostgreSQL; the load average says what else the machine ran."""
    with psycopg.connect(url) as db:
        row = db.execute("SHOW server_version").fetchone()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")), "?"
    )
    return [
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- CPU: nproc {len(os.sched_getaffinity(0))}, {model}; load average at the end"
        f" {' '.join(f'{load:.2f}' for load in os.getloadavg())}",
        f"- Python {platform.python_version()}, PostgreSQL {row[0] if row else '?'}",
    ]


def write_results(rows: list[Row], title: str, notes: list[str], url: str, *, readme: bool) -> None:
    """Print the table and the notes; keep them in bench/README.md with the machine."""
    lines = table(with_ratios(rows))
    print(f"\n{title}")
    print("\n".join([*lines, *notes]))
    if not readme:
        return
    section = [
        BEGIN,
        "## Reads over HTTP (`bench_reads.py`)",
        "",
        f"`{' '.join(['.venv/bin/python', *sys.argv])}`",
        "",
        f"{title}:",
        "",
        "```",
        *lines,
        "```",
        "",
        *(f"- {note}" for note in notes),
        *machine(url),
        "",
        "req/s, p50 and p99 from the load generator (another process, loopback, keep-alive);"
        " CPU ms/req is the server processes' user+system CPU, DB CPU ms/req the PostgreSQL"
        " backends' of the scratch database; RSS MB/process the largest peak (VmHWM) of one"
        " server process so far; SQL/req the API's counter `projops_sql_statements_total`"
        " (n/a without it; the baseline sends one statement by construction), tx/req the database's"
        " transactions per request (pg_stat_database, warm-up included, read once the"
        " backends reported them); ours/base the API's req/s over the baseline's"
        " (one hand-written SQL statement per request, asyncpg, same process count);"
        f" `{REFERENCE}` is the same API with COMPILED_READS=false, every read through"
        " strawberry's execution (the reference path, and the API before the compiled path).",
        END,
    ]
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + "\n".join(section) + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(section) + "\n"
    README.write_text(text)
