"""The job worker process of `cli.py run`, started again whenever it exits unasked.

Inside the process, WorkerSupervisor (jobs/supervision.py) restarts a worker that stops; this
restarts the process itself when it dies (a crash, an out-of-memory kill, a SIGKILL, or a
start while the database was unreachable), after a delay that grows while it keeps dying.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Sequence

from observability import log

# A process that lived this long before it died is started again after the shortest delay.
STEADY_SECONDS = 60.0


class WorkerProcess:
    def __init__(
        self,
        command: Sequence[str],
        *,
        stop_seconds: float,
        min_delay: float = 1.0,
        max_delay: float = 30.0,
    ) -> None:
        self._command = list(command)
        self._stop_seconds = stop_seconds
        self._min_delay = min_delay
        self._max_delay = max_delay
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._supervise, name="worker process", daemon=True)
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        with self._lock:
            return None if self._process is None else self._process.pid

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """SIGTERM (the worker finishes its jobs), then SIGKILL after `stop_seconds`."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None:
            process.terminate()
            try:
                process.wait(self._stop_seconds)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._thread.join()

    def _supervise(self) -> None:
        delay = self._min_delay
        while True:
            with self._lock:
                if self._stopping.is_set():
                    return
                # Its own session keeps a terminal's Ctrl-C from reaching it directly: it
                # gets exactly one signal, from stop().
                process = subprocess.Popen(self._command, start_new_session=True)
                self._process = process
            started = time.monotonic()
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started > STEADY_SECONDS:
                delay = self._min_delay
            self.restarts += 1
            log.error("worker_process_exited", code=code, restart_in=delay, restarts=self.restarts)
            self._stopping.wait(delay)
            delay = min(delay * 2, self._max_delay)
