"""The read benchmark's server processes: the API and the baseline, and what they cost.

Both listen on a free port of 127.0.0.1 with `processes` uvicorn processes each. CPU and peak
RSS are read from /proc for the whole process tree (the supervisor and its workers); SQL
statements from the API's counter `projops_sql_statements_total`, summed over its processes
through a PROMETHEUS_MULTIPROC_DIR of our own; transactions from pg_stat_database.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from common import ROOT

from config import Settings

TICKS = os.sysconf("SC_CLK_TCK")  # /proc/<pid>/stat counts CPU time in clock ticks
STATEMENTS = "projops_sql_statements_total"
XACTS = (
    "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
)
SETTLE_SECONDS = 10.5  # PGSTAT_IDLE_INTERVAL (10 s) and a margin
BACKENDS = (
    "SELECT pid FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


CLI_SERVES_PROCESSES = "web_concurrency" in Settings.model_fields
REFERENCE = "api, strawberry"  # the API with COMPILED_READS=false: where the reads came from


def api_command(port: int, processes: int) -> tuple[list[str], dict[str, str]]:
    """How the API is served: `cli.py run` once it serves WEB_CONCURRENCY processes (it also
    migrates and loads the demo data, invisible to the benchmark's tokens), else uvicorn's own
    `--workers`, as a production deployment would run it."""
    if CLI_SERVES_PROCESSES:
        env = {"WEB_CONCURRENCY": str(processes), "HOST": "127.0.0.1", "PORT": str(port)}
        return [sys.executable, "cli.py", "run"], env
    return [*_uvicorn("app:create_app", port, processes)], {}


def api_label(processes: int) -> str:
    if CLI_SERVES_PROCESSES:
        return f"`python cli.py run` with WEB_CONCURRENCY={processes}"
    return f"`uvicorn app:create_app --factory --workers {processes}`"


def _uvicorn(factory: str, port: int, processes: int) -> list[str]:
    return [
        *(sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1"),
        *("--port", str(port), "--workers", str(processes), "--no-access-log"),
        *("--log-level", "warning"),
    ]


@dataclass(frozen=True)
class Snapshot:
    cpu_seconds: float
    peak_rss_mb: float
    statements: float | None  # the API's counter, if it has one
    db_cpu_seconds: dict[int, float]  # per backend of the database


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    pid: int
    metrics_dir: Path | None

    def snapshot(self, db: psycopg.Connection[Any]) -> Snapshot:
        pids = process_tree(self.pid)
        backends = [pid for (pid,) in db.execute(BACKENDS).fetchall()]
        return Snapshot(
            cpu_seconds=sum(cpu_seconds(pid) for pid in pids),
            peak_rss_mb=max((peak_rss_kb(pid) for pid in pids), default=0) / 1024,
            statements=self._statements(),
            db_cpu_seconds={pid: cpu_seconds(pid) for pid in backends},
        )

    def _statements(self) -> float | None:
        if self.metrics_dir is None:
            return None
        from prometheus_client import CollectorRegistry
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(self.metrics_dir))  # type: ignore[no-untyped-call]
        samples = [s for m in registry.collect() for s in m.samples if s.name == STATEMENTS]
        return sum(s.value for s in samples) if samples else None


def transactions(db: psycopg.Connection[Any]) -> int:
    """Transactions of the database so far. Backends report them when idle, at most once a
    second, and a busy one's last second only after 10 s idle: wait `SETTLE` before reading."""
    row = db.execute(XACTS).fetchone()
    return int(row[0]) if row else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(name: str, url: str, settings: Settings, processes: int) -> Iterator[Server]:
    """The API (name "api") or the baseline, ready (GET /readyz); stopped with SIGTERM after."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as directory:
        metrics = Path(directory) / "metrics"
        metrics.mkdir()
        if name in ("api", REFERENCE):
            command, extra = api_command(port, processes)
            if name == REFERENCE:  # the same API with every read through strawberry
                extra = {**extra, "COMPILED_READS": "false"}
        else:
            command, extra = [*_uvicorn("reads_baseline:create_app", port, processes)], {}
            command += ["--app-dir", str(ROOT / "bench")]
        env = {
            **os.environ,
            **extra,
            "DATABASE_URL": url,
            "JWT_SECRET": settings.jwt_secret,
            "RUN_WORKER": "false",
            "ENV": "production",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
        }
        log_path = Path(directory) / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            _wait_ready(process, port, log_path)
            yield Server(name, port, process.pid, metrics if name != "baseline" else None)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server is not ready:\n{log_path.read_text(errors='replace')[-3000:]}")


def process_tree(root: int) -> list[int]:
    """`root` and every live descendant."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process; 0 when it is gone or not visible."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def peak_rss_kb(pid: int) -> int:
    """The process's peak resident set size (VmHWM); 0 when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0
    )
