"""The embedded server's handle list forgets processes that died without cleaning up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from db.embedded import HANDLES_FILE, forget_dead_handles


def test_dead_handles_are_forgotten_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / HANDLES_FILE).write_text(json.dumps([dead.pid, os.getpid()]))
    forget_dead_handles(tmp_path)
    assert json.loads((tmp_path / HANDLES_FILE).read_text()) == [os.getpid()]


def test_no_handle_file_is_fine(tmp_path: Path) -> None:
    forget_dead_handles(tmp_path)
    assert not (tmp_path / HANDLES_FILE).exists()
