"""`cli.py run`: WEB_CONCURRENCY API processes under uvicorn, each built by the `cli:api_app`
factory without a job worker of its own (`run` starts one worker process beside them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import uvicorn
from uvicorn.importer import import_from_string

import cli
from config import PROJECT_ROOT, Settings


def test_run_serves_its_processes_from_the_api_factory(settings: Settings) -> None:
    chosen = settings.model_copy(update={"web_concurrency": 3, "host": "0.0.0.0", "port": 8123})
    options = cli.uvicorn_options(chosen)
    config = uvicorn.Config(**options)
    assert (config.workers, config.factory, config.host, config.port) == (3, True, "0.0.0.0", 8123)
    # Processes beyond the first are spawned: they find the app by its import string.
    assert import_from_string(options["app"]) is cli.api_app
    assert config.access_log is False  # outside development: the API logs its own events
    assert config.ws_per_message_deflate is False  # a small event sent as it is, to everyone
    development = chosen.model_copy(update={"env": "development"})
    assert uvicorn.Config(**cli.uvicorn_options(development)).access_log is True


def test_an_api_process_runs_no_job_worker_and_freezes_what_start_up_built(
    database_url: str,
) -> None:
    """In a process of its own, as uvicorn calls the factory (freezing is for good)."""
    probe = """
import gc, json
import cli
app = cli.api_app()
print(json.dumps([app.state.settings.run_worker, gc.get_freeze_count(), len(gc.get_objects())]))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "RUN_WORKER": "true"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    run_worker, frozen, tracked = json.loads(result.stdout.splitlines()[-1])
    assert run_worker is False
    # The schema, the models and the app are frozen; next to nothing is left to collect.
    assert frozen > 100_000
    assert tracked < 1_000
