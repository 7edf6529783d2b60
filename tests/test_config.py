"""Settings: defaults computed from the machine, and what a production configuration refuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from config import DEVELOPMENT_JWT_SECRET, PROJECT_ROOT, Settings


def test_web_concurrency_is_a_process_per_core_unless_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # away from any .env of the working copy
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert Settings().web_concurrency == os.cpu_count()
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert Settings().web_concurrency == 3
    monkeypatch.setenv("WEB_CONCURRENCY", "0")
    with pytest.raises(ValidationError):
        Settings()


def test_production_refuses_the_public_or_a_short_jwt_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 12, point 5: with the secret every reader of config.py knows, anyone could sign
    an admin token."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="needs its own JWT_SECRET"):
        Settings(env="production")
    with pytest.raises(ValidationError, match="at least 32 bytes") as short:
        Settings(env="production", jwt_secret="s" * 31)
    assert "s" * 31 not in str(short.value)  # a refused secret is never echoed
    assert Settings(env="production", jwt_secret="s" * 32).jwt_secret == "s" * 32
    assert Settings(env="development").jwt_secret == DEVELOPMENT_JWT_SECRET


def test_the_server_does_not_start_in_production_with_the_default_secret(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}
    started = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "cli.py"), "run"],
        cwd=tmp_path,  # no .env
        env={**environment, "ENV": "production"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode == 2
    assert "ENV=production needs its own JWT_SECRET" in started.stderr
    assert started.stdout == ""
